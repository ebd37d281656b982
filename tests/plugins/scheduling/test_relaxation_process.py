"""The LP relaxation's child interpreter dies with its parent and leaves no files behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
from ortools.sat.python import cp_model

from switchboard.plugins.scheduling.solver.relaxation import RelaxationRun

PARENT = """
import random, sys
from ortools.sat.python import cp_model
from switchboard.plugins.scheduling.solver.relaxation import RelaxationRun

rnd = random.Random(1)
n = 40_000  # PDLP needs about 25 s on this LP
cp = cp_model.CpModel()
xs = [cp.new_int_var(0, 10, f"x{i}") for i in range(n)]
for _ in range(n):
    cp.add(sum(rnd.randint(1, 9) * xs[i] for i in rnd.sample(range(n), 8)) >= rnd.randint(5, 40))
cp.minimize(sum(rnd.randint(1, 20) * x for x in xs))
run = RelaxationRun(cp, time_limit=120, isolate=True)
print(run._process.pid, flush=True)
run.result()
"""


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE  # exited, not reaped by its new parent yet
    except psutil.NoSuchProcess:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_the_relaxation_child_dies_with_its_killed_parent_and_leaves_no_files(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "TMPDIR": str(temp)})
    child = None
    try:
        child = int(parent.stdout.readline())
        deadline = time.monotonic() + 120
        while psutil.Process(child).cpu_times().user < 3:  # the child is well into the relaxation
            assert time.monotonic() < deadline and parent.poll() is None
            time.sleep(0.1)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 5
        while not gone(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert gone(child), psutil.Process(child).status()
        assert list(temp.iterdir()) == []
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if child is not None and not gone(child):
            os.kill(child, signal.SIGKILL)


def test_a_run_left_early_kills_its_child_at_once():
    cp = cp_model.CpModel()
    x = cp.new_bool_var("x")
    cp.add_bool_or([x])
    cp.minimize(x)
    with pytest.raises(RuntimeError), RelaxationRun(cp, time_limit=60, isolate=True) as run:
        raise RuntimeError("the greedy start failed")
    assert run._process.returncode == -signal.SIGKILL  # killed and reaped, not left to finish on its own
