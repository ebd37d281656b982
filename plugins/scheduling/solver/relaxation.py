"""A lower bound on a CP-SAT model's objective from its linear relaxation (OR-Tools' PDLP).

Every constraint of the model that is linear (``linear``, ``at_most_one``,
``exactly_one``, ``bool_or``) becomes an LP row with its domain widened to its hull;
every other constraint, and every constraint with an enforcement literal, is dropped.
Dropping rows and widening domains only enlarges the feasible set, so the LP optimum
bounds every integer solution from below. The bound is not PDLP's primal objective
(an approximate optimum) but the Lagrangian value of its duals (``b·y + Σ min over each variable's box of its
reduced cost``), which is a valid bound for *any* sign-correct duals, so solver
tolerances cannot make it overstate. On the schedule model (set packing with coverage
rows) it is far tighter than the bound CP-SAT proves within a minute, and
:class:`~.search.ScheduleSolver` reports it when it is the stronger of the two.
"""

from __future__ import annotations

import math
import os
import pickle
import subprocess
import sys
import threading
from dataclasses import dataclass

import numpy as np
from ortools.pdlp import solvers_pb2
from ortools.pdlp.python import pdlp
from ortools.sat.python import cp_model
from scipy.sparse import csr_array

from switchboard.core.child_process import die_with_parent

INT_LIMIT = 2**62  # CP-SAT's unbounded domain ends; beyond this a bound is treated as infinite


@dataclass
class Relaxation:
    """``minimize scale * (c·x + offset)`` subject to ``low <= A x <= high`` and ``lower <= x <= upper``."""

    c: np.ndarray
    matrix: csr_array
    low: np.ndarray
    high: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    offset: float
    scale: float


def _bound(value: float) -> float:
    return math.copysign(math.inf, value) if abs(value) >= INT_LIMIT else float(value)


def _last(values) -> int:
    return values[len(values) - 1]


class _Rows:
    """Sparse rows in triplet form; a negative reference ``r`` is the boolean ``1 - x[-r - 1]``."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.low: list[float] = []
        self.high: list[float] = []

    def add(self, refs, coeffs, low: float, high: float) -> None:
        row, constant = len(self.low), 0.0
        for ref, coeff in zip(refs, coeffs, strict=True):
            self.rows.append(row)
            if ref >= 0:
                self.cols.append(ref)
                self.vals.append(coeff)
            else:
                self.cols.append(-ref - 1)
                self.vals.append(-coeff)
                constant += coeff
        self.low.append(low - constant)
        self.high.append(high - constant)


def relaxation(model: cp_model.CpModel) -> Relaxation:
    """The linear relaxation of ``model`` (see the module's docstring for what is kept)."""
    proto = model.proto
    n = len(proto.variables)
    lower = np.array([_bound(v.domain[0]) for v in proto.variables], dtype=float)
    upper = np.array([_bound(_last(v.domain)) for v in proto.variables], dtype=float)
    rows = _Rows()
    for ct in proto.constraints:
        if ct.enforcement_literal:
            continue
        if ct.has_linear():
            lin = ct.linear
            rows.add(lin.vars, lin.coeffs, _bound(lin.domain[0]), _bound(_last(lin.domain)))
        elif ct.has_at_most_one():
            rows.add(ct.at_most_one.literals, [1] * len(ct.at_most_one.literals), -math.inf, 1)
        elif ct.has_exactly_one():
            rows.add(ct.exactly_one.literals, [1] * len(ct.exactly_one.literals), 1, 1)
        elif ct.has_bool_or():
            rows.add(ct.bool_or.literals, [1] * len(ct.bool_or.literals), 1, math.inf)
    objective = _Rows()
    objective.add(proto.objective.vars, proto.objective.coeffs, 0, 0)
    c = np.zeros(n)
    np.add.at(c, np.array(objective.cols, dtype=np.int64), np.array(objective.vals, dtype=float))
    matrix = csr_array((rows.vals, (rows.rows, rows.cols)), shape=(len(rows.low), n), dtype=float)
    return Relaxation(c, matrix, np.array(rows.low), np.array(rows.high), lower, upper,
                      proto.objective.offset - objective.low[0], proto.objective.scaling_factor or 1.0)


def lagrangian_bound(lp: Relaxation, duals: np.ndarray) -> float:
    """The lower bound ``duals`` prove on ``lp``'s objective, in the model's units. A dual
    must be >= 0 on a row used as ``>= low`` and <= 0 on one used as ``<= high``: each is
    clipped to the sign its finite sides allow, so any vector gives a valid bound."""
    y = duals.copy()
    y[np.isinf(lp.low) & (y > 0)] = 0
    y[np.isinf(lp.high) & (y < 0)] = 0
    sides = np.where(y > 0, lp.low, lp.high)
    rows = float(np.dot(y[y != 0], sides[y != 0]))
    reduced = lp.c - lp.matrix.T @ y
    box = np.where(reduced > 0, reduced * lp.lower, reduced * lp.upper)
    box[reduced == 0] = 0
    if not np.all(np.isfinite(box)):
        return -math.inf
    return lp.scale * (rows + float(box.sum()) + lp.offset)


@dataclass(frozen=True)
class LpSolution:
    """What PDLP found: ``bound`` (valid lower bound on the model's objective, rounded up
    when the objective is integral) and ``values`` (the fractional primal point, per variable index)."""

    bound: float
    values: np.ndarray


IN_PROCESS_VARIABLES = 10_000  # smaller models' relaxations solve in milliseconds, in the calling thread


def _pdlp(lp: Relaxation, time_limit: float) -> tuple[np.ndarray, np.ndarray]:
    """PDLP (one thread) on ``lp`` for at most ``time_limit`` seconds: (primal, dual)."""
    qp = pdlp.QuadraticProgram()
    qp.objective_vector = lp.c
    qp.constraint_matrix = lp.matrix.tocsc()
    qp.constraint_lower_bounds = lp.low
    qp.constraint_upper_bounds = lp.high
    qp.variable_lower_bounds = lp.lower
    qp.variable_upper_bounds = lp.upper
    params = solvers_pb2.PrimalDualHybridGradientParams()
    params.termination_criteria.time_sec_limit = max(0.1, time_limit)
    params.num_threads = 1
    result = pdlp.primal_dual_hybrid_gradient(qp, params)
    return np.asarray(result.primal_solution, dtype=float), np.asarray(result.dual_solution, dtype=float)


def _solve(model: cp_model.CpModel, time_limit: float) -> LpSolution | None:
    """The relaxation of ``model`` solved by PDLP for at most ``time_limit`` seconds: its
    valid bound and fractional optimum; None when it has no rows or no finite bound came out."""
    lp = relaxation(model)
    if lp.matrix.shape[0] == 0:
        return None
    primal, dual = _pdlp(lp, time_limit)
    bound = lagrangian_bound(lp, dual)
    if not math.isfinite(bound):
        return None
    integral = lp.scale == 1 and float(lp.offset).is_integer() and np.all(lp.c == np.round(lp.c))
    if integral:  # an integer objective is at least the bound rounded up (less a hair for float error)
        bound = float(math.ceil(bound - 1e-6 * max(1.0, abs(bound))))
    return LpSolution(bound, primal)


class RelaxationRun:
    """PDLP on ``model``'s relaxation for at most ``time_limit`` seconds, started at once.

    PDLP holds the interpreter lock while it runs and cannot be interrupted, so a large
    model's relaxation is built and solved in a child interpreter (``python -m`` this
    module): the caller's threads (a server's requests, a greedy start) go on meanwhile,
    and :meth:`result` gives up as soon as ``stop`` is set. The model goes to the child
    through its standard input and the solution comes back through its standard output,
    so no file is ever written; the child dies with its parent
    (:func:`~switchboard.core.child_process.die_with_parent`): create a run and finish it
    (:meth:`result`, :meth:`close`, or leave its ``with`` block) in the same thread.
    ``isolate``: force (True) or forbid (False) the child; by default only models with more
    than ``IN_PROCESS_VARIABLES`` variables use it."""

    def __init__(self, model: cp_model.CpModel, time_limit: float = 20.0, isolate: bool | None = None) -> None:
        self.model = model
        self.time_limit = time_limit
        self._process: subprocess.Popen | None = None
        self._output: bytes | None = None
        if isolate if isolate is not None else len(model.proto.variables) > IN_PROCESS_VARIABLES:
            self._process = subprocess.Popen([sys.executable, "-m", __name__, str(time_limit), str(os.getpid())],
                                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            # feeds the model and collects the answer, so neither side ever blocks on a full pipe
            self._io = threading.Thread(target=self._communicate, args=(str(model.proto).encode(),),
                                        name="switchboard-lp-io", daemon=True)
            self._io.start()

    def _communicate(self, model_text: bytes) -> None:
        self._output = self._process.communicate(model_text)[0]

    def result(self, stop: threading.Event | None = None) -> LpSolution | None:
        """The bound and fractional optimum; None when the model has no rows, no finite bound
        came out, the child failed, or ``stop`` was set first. PDLP stops on time with
        approximate duals: :func:`lagrangian_bound` makes them a valid bound."""
        if self._process is None:
            return _solve(self.model, self.time_limit)
        try:
            while self._io.is_alive():
                if stop is not None and stop.is_set():
                    return None
                self._io.join(0.05)
            if self._process.returncode != 0 or not self._output:
                return None
            found = pickle.loads(self._output)  # plain values: the child's classes live in its __main__
            return None if found is None else LpSolution(*found)
        finally:
            self.close()

    def close(self) -> None:
        """Kill the child if it still runs and wait for it (idempotent)."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._io.join()

    def __enter__(self) -> RelaxationRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def solve_relaxation(model: cp_model.CpModel, time_limit: float = 20.0, stop: threading.Event | None = None,
                     isolate: bool | None = None) -> LpSolution | None:
    """Run PDLP on ``model``'s relaxation for at most ``time_limit`` seconds and wait for it
    (see :class:`RelaxationRun`)."""
    return RelaxationRun(model, time_limit, isolate).result(stop)


def _child(time_limit: float, parent_pid: int) -> None:
    """The child of :class:`RelaxationRun`: the model's text format on standard input, the
    pickled ``(bound, values)`` (or None) on standard output."""
    die_with_parent(parent_pid)
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything else printed goes to standard error, never into the answer
    model = cp_model.CpModel()
    model.proto.parse_text_format(sys.stdin.buffer.read().decode())
    found = _solve(model, time_limit)
    with answer:
        pickle.dump(None if found is None else (found.bound, found.values), answer,
                    protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":  # python -m ... SECONDS PARENT_PID
    _child(float(sys.argv[1]), int(sys.argv[2]))
