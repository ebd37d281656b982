"""Forecast accuracy: WAPE and bias per LOB, and the mix error across LOBs.

All three compare forecast volumes ``f`` with actual volumes ``a`` over the same
intervals (NaN pairs are left out):

* **WAPE** (weighted absolute percentage error) = Σ|f − a| / Σa: the share of the
  actual volume the forecast misplaced, interval by interval.
* **bias** = (Σf − Σa) / Σa: positive when the forecast ran high overall.
* **mix error**: how far the split of volume between LOBs is off even when the total
  is right. Per interval t, with F_t = Σ_lob f and A_t = Σ_lob a, the forecast and
  actual shares of each LOB differ by the total-variation distance
  ``d_t = ½ Σ_lob |f_lob,t / F_t − a_lob,t / A_t|`` (0: the same split; 1: no LOB
  in common). The mix error is the mean of ``d_t`` weighted by ``A_t``. Scaling every
  LOB's forecast by the same factor leaves it unchanged; moving volume from one LOB
  to another at a right total raises it. Intervals where either total is zero carry
  no split and are left out.
"""

from __future__ import annotations

import numpy as np


def _pairs(forecast: np.ndarray, actual: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    f, a = np.asarray(forecast, dtype=float), np.asarray(actual, dtype=float)
    keep = ~(np.isnan(f) | np.isnan(a))
    return f[keep], a[keep]


def wape(forecast: np.ndarray, actual: np.ndarray) -> float | None:
    """Σ|f − a| / Σa over the intervals both hold (None when the actual volume is zero)."""
    f, a = _pairs(forecast, actual)
    total = a.sum()
    return float(np.abs(f - a).sum() / total) if total > 0 else None


def bias(forecast: np.ndarray, actual: np.ndarray) -> float | None:
    """(Σf − Σa) / Σa over the intervals both hold (None when the actual volume is zero)."""
    f, a = _pairs(forecast, actual)
    total = a.sum()
    return float((f.sum() - total) / total) if total > 0 else None


def mix_error(forecast: np.ndarray, actual: np.ndarray) -> float | None:
    """The mix error of a ``(lobs, intervals)`` forecast against the actuals of the same
    shape (see the module's doc); None when no interval has volume on both sides.

    A NaN on either side drops that LOB-interval from both totals of its interval.
    """
    f, a = np.asarray(forecast, dtype=float), np.asarray(actual, dtype=float)
    if f.shape != a.shape or f.ndim != 2:
        raise ValueError("forecast and actual must both be (lobs, intervals)")
    missing = np.isnan(f) | np.isnan(a)
    f, a = np.where(missing, 0.0, f), np.where(missing, 0.0, a)
    f_total, a_total = f.sum(axis=0), a.sum(axis=0)
    used = (f_total > 0) & (a_total > 0)
    if not used.any():
        return None
    distance = 0.5 * np.abs(f[:, used] / f_total[used] - a[:, used] / a_total[used]).sum(axis=0)
    return float((distance * a_total[used]).sum() / a_total[used].sum())
