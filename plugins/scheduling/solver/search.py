"""Solve a :class:`~.problem.Problem` with CP-SAT: time limit, relative-gap target,
progress reports, cancellation from another thread, and a diagnosed result.

    solver = ScheduleSolver(problem, time_limit=60, on_progress=print)
    threading.Timer(5, solver.cancel).start()   # from anywhere
    schedule = solver.solve()
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from switchboard.plugins.scheduling.solver.diagnosis import diagnose
from switchboard.plugins.scheduling.solver.greedy import greedy_plan
from switchboard.plugins.scheduling.solver.model import Model, add_hint, build, plan_objective, read_plan, tune
from switchboard.plugins.scheduling.solver.plan import Plan, lob_coverage, scheduled_shifts
from switchboard.plugins.scheduling.solver.problem import Problem, Progress, Schedule
from switchboard.plugins.scheduling.solver.relaxation import LpSolution, RelaxationRun
from switchboard.plugins.scheduling.solver.validation import validate

STATUS = {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE", cp_model.INFEASIBLE: "INFEASIBLE",
          cp_model.UNKNOWN: "UNKNOWN", cp_model.MODEL_INVALID: "MODEL_INVALID"}
# of the time limit, at most, for the LP relaxation's bound (PDLP converges in about 25 s on the mid demo)
LP_SHARE = 0.4
GUIDED_PASSES = 12  # best-response rounds after rounding the LP relaxation (they stop once none helps)
GUIDED_SHARE = 0.7  # of the time limit: where the guided start must end (CP-SAT improves little on it at scale)


def relative_gap(objective: float, bound: float) -> float:
    """CP-SAT's relative gap: ``|objective - bound| / max(1, |objective|)``."""
    return abs(objective - bound) / max(1.0, abs(objective))


class ScheduleSolver:
    """One solve of ``problem``. ``solve()`` runs it in the calling thread; ``cancel()``
    may be called from any thread, before or during the solve, and makes ``solve()``
    return the best schedule found so far with status ``CANCELLED``.

    ``relative_gap``: stop once the best schedule is within this fraction of the
    solver's own bound. ``seed`` with ``num_workers=1`` makes a solve reproducible
    (when it ends on the gap or optimality, not on the time limit). ``on_progress``
    receives a :class:`Progress` per improving schedule and per bound improvement.

    ``lp_bound``: also solve the model's LP relaxation (PDLP, for at most ``LP_SHARE`` of
    the time limit, in a child process while the greedy start is built; see
    :mod:`.relaxation`). Its bound is reported when it is stronger than CP-SAT's, and the gap
    target counts against it; its fractional optimum, rounded and improved by best
    responses, replaces the greedy hint when better."""

    def __init__(self, problem: Problem, *, time_limit: float = 60.0, relative_gap: float = 0.05,
                 num_workers: int = 2, seed: int = 0, on_progress: Callable[[Progress], None] | None = None,
                 hint: bool = True, log: bool = False, lp_bound: bool = True) -> None:
        validate(problem)
        self.problem = problem
        self.time_limit = time_limit
        self.relative_gap = relative_gap
        self.num_workers = num_workers
        self.seed = seed
        self.on_progress = on_progress
        self.hint = hint
        self.log = log
        self.lp_bound = lp_bound
        self._cancelled = threading.Event()
        self._wake = threading.Event()
        self._solver = cp_model.CpSolver()

    def cancel(self) -> None:
        """Stop the solve as soon as possible (thread-safe; idempotent)."""
        self._cancelled.set()
        self._wake.set()
        self._solver.stop_search()

    def solve(self) -> Schedule:
        """Build, hint and solve the model; the best schedule found, its bound and diagnosis."""
        started = time.perf_counter()
        model = build(self.problem)
        watch = _Watch(self, started)
        run = None  # the LP relaxation, in a child process while the greedy start is built
        if self.lp_bound and not self._cancelled.is_set():
            run = RelaxationRun(model.cp, time_limit=LP_SHARE * self.time_limit)
        with run or contextlib.nullcontext():  # the child never outlives a failed greedy start
            plain = None
            if self.hint and not self._cancelled.is_set():
                plain = greedy_plan(model, passes=3, deadline=started + self.time_limit / 5)
            relaxed = run.result(self._cancelled) if run is not None else None
        if relaxed is not None:
            watch.on_bound(relaxed.bound)
        start: tuple[Plan, float, int] | None = None  # the hint, when it was ready, its objective
        if plain is not None and not self._cancelled.is_set():
            plan, objective = self._start(model, plain, relaxed, started)
            add_hint(model, plan)
            start = (plan, time.perf_counter() - started, objective)
            watch.on_start(float(objective))
        solver = self._solver
        p = solver.parameters
        p.max_time_in_seconds = max(0.0, self.time_limit - (time.perf_counter() - started))
        p.relative_gap_limit = self.relative_gap
        p.num_workers = self.num_workers
        p.random_seed = self.seed
        p.log_search_progress = self.log
        tune(p)
        solver.best_bound_callback = watch.on_bound
        finished = threading.Event()
        watcher = threading.Thread(target=self._stop_while_cancelled, args=(finished,), daemon=True)
        watcher.start()
        try:  # a start already within the gap target of the LP bound needs no search
            done = self._cancelled.is_set() or watch.gap_reached is not None
            status = cp_model.UNKNOWN if done else solver.solve(model.cp, watch)
        finally:
            finished.set()
            self._wake.set()
            watcher.join()
        return self._result(model, watch, status, time.perf_counter() - started, start)

    def _start(self, model: Model, plain: Plan, relaxed: LpSolution | None, started: float) -> tuple[Plan, int]:
        """The hint and its objective: the greedy plan with best responses; with an LP
        solution, the better of it and the LP optimum rounded and improved by best
        responses (until ``GUIDED_SHARE`` of the time limit)."""
        plans = [plain]
        if relaxed is not None and not self._cancelled.is_set():
            plans.append(greedy_plan(model, passes=GUIDED_PASSES, deadline=started + GUIDED_SHARE * self.time_limit,
                                     guide=relaxed.values))
        return min(((p, plan_objective(model, p)) for p in plans), key=lambda pair: pair[1])

    def _stop_while_cancelled(self, finished: threading.Event) -> None:
        """Keep asking CP-SAT to stop once cancelled (covers a cancel racing the solve's start)."""
        self._wake.wait()
        while self._cancelled.is_set() and not finished.is_set():
            self._solver.stop_search()
            finished.wait(0.01)

    def _result(self, model: Model, watch: _Watch, status: int, wall: float,
                start: tuple[Plan, float, int] | None) -> Schedule:
        """The schedule CP-SAT found; when it found none in time, the rule-abiding hint."""
        solved = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        plan: Plan = {}
        objective = bound = first = None
        if solved:
            plan = read_plan(model, self._solver.boolean_value)
            objective = self._solver.objective_value
            bound = max(self._solver.best_objective_bound, watch.bound)
            first = watch.first
        elif status == cp_model.UNKNOWN and start is not None:
            plan, first, objective = start
            objective = float(objective)
            bound = watch.bound if watch.bound > float("-inf") else None
            status, solved = cp_model.FEASIBLE, True
        if status == cp_model.OPTIMAL and objective > bound:  # CP-SAT says OPTIMAL once within the gap target
            status = cp_model.FEASIBLE
        name = "CANCELLED" if self._cancelled.is_set() and status != cp_model.OPTIMAL else STATUS[status]
        gap = relative_gap(objective, bound) if solved and bound is not None else None
        reached = watch.gap_reached
        if reached is None and gap is not None and gap <= self.relative_gap:
            reached = wall
        coverage = lob_coverage(self.problem, plan)
        return Schedule(name, objective, bound, gap, wall, first, reached,
                        scheduled_shifts(self.problem, plan), coverage, diagnose(self.problem, plan, coverage))


class _Watch(cp_model.CpSolverSolutionCallback):
    """Reports progress and notes when the first schedule and the target gap came."""

    def __init__(self, owner: ScheduleSolver, started: float) -> None:
        super().__init__()
        self.owner = owner
        self.started = started
        self.objective: float | None = None
        self.bound = float("-inf")
        self.first: float | None = None
        self.gap_reached: float | None = None
        self.lock = threading.Lock()

    def on_solution_callback(self) -> None:
        with self.lock:
            self.objective = self.objective_value
            self.bound = max(self.bound, self.best_objective_bound)
            if self.first is None:
                self.first = time.perf_counter() - self.started
        self._report()
        if self.owner._cancelled.is_set():
            self.stop_search()

    def on_start(self, objective: float) -> None:
        """The rule-abiding start (CP-SAT's hint) is ready: reported like a solution once a bound is known."""
        with self.lock:
            self.objective = objective
            if self.first is None:
                self.first = time.perf_counter() - self.started
        if self.bound > float("-inf"):
            self._report()

    def on_bound(self, bound: float) -> None:
        with self.lock:
            self.bound = max(self.bound, bound)
        if self.objective is not None:
            self._report()

    def _report(self) -> None:
        with self.lock:
            elapsed = time.perf_counter() - self.started
            progress = Progress(self.objective, self.bound, relative_gap(self.objective, self.bound), elapsed)
            reached = progress.gap <= self.owner.relative_gap
            if self.gap_reached is None and reached:
                self.gap_reached = elapsed
        if reached:  # CP-SAT stops on its own bound only; the LP bound may get there first
            self.owner._solver.stop_search()
        if self.owner.on_progress is not None:
            self.owner.on_progress(progress)


def solve(problem: Problem, **options) -> Schedule:
    """Solve ``problem`` once (``options``: those of :class:`ScheduleSolver`)."""
    return ScheduleSolver(problem, **options).solve()
