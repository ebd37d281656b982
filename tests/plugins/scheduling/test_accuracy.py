"""WAPE, bias and the mix error, on hand-worked examples and as properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from switchboard.plugins.scheduling.forecasts.accuracy import bias, mix_error, wape


def test_wape_and_bias_by_hand():
    f, a = np.array([12.0, 8.0, 5.0]), np.array([10.0, 10.0, 5.0])
    assert wape(f, a) == pytest.approx(4 / 25)       # |2| + |−2| + 0 over 25
    assert bias(f, a) == pytest.approx(0.0)          # the errors cancel
    assert bias(f * 1.1, a) == pytest.approx(0.1)
    assert wape(np.array([1.0, np.nan]), np.array([2.0, 5.0])) == pytest.approx(0.5)  # NaN pairs left out
    assert wape(f, np.zeros(3)) is None


def test_mix_error_by_hand():
    # two intervals, three LOBs; the totals are right in both
    actual = np.array([[60.0, 10.0], [30.0, 20.0], [10.0, 20.0]])
    forecast = np.array([[50.0, 10.0], [40.0, 20.0], [10.0, 20.0]])
    # interval 1: shares .5/.4/.1 against .6/.3/.1 -> ½(.1 + .1 + 0) = .1; interval 2: identical -> 0
    # weighted by actual totals 100 and 50: (.1 × 100 + 0 × 50) / 150
    assert mix_error(forecast, actual) == pytest.approx(0.1 * 100 / 150)
    assert wape(forecast.sum(axis=0), actual.sum(axis=0)) == 0  # the total alone hides it
    assert mix_error(actual * 3, actual) == pytest.approx(0.0)   # a right split at a wrong total
    disjoint = np.array([[0.0, 0.0], [0.0, 0.0], [100.0, 50.0]])
    assert mix_error(disjoint, np.array([[100.0, 50.0], [0.0, 0.0], [0.0, 0.0]])) == pytest.approx(1.0)


def test_mix_error_refuses_mismatched_shapes_and_skips_empty_intervals():
    with pytest.raises(ValueError):
        mix_error(np.ones((2, 3)), np.ones((3, 2)))
    assert mix_error(np.zeros((2, 2)), np.ones((2, 2))) is None
    with_gap = mix_error(np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([[1.0, 5.0], [1.0, 5.0]]))
    assert with_gap == pytest.approx(0.0)


volumes = arrays(np.float64, st.tuples(st.integers(2, 5), st.integers(1, 8)),
                 elements=st.floats(0, 1000, allow_nan=False, allow_subnormal=False))


@given(volumes, volumes, st.floats(0.01, 100))
def test_the_mix_error_is_a_distance_blind_to_scale(forecast, actual, scale):
    if forecast.shape != actual.shape:
        forecast = np.resize(forecast, actual.shape)
    error = mix_error(forecast, actual)
    if error is None:
        assert not ((forecast.sum(axis=0) > 0) & (actual.sum(axis=0) > 0)).any()
        return
    assert -1e-9 <= error <= 1 + 1e-9
    assert mix_error(forecast * scale, actual) == pytest.approx(error, abs=1e-9)
    assert mix_error(actual, actual) == pytest.approx(0.0, abs=1e-9)
