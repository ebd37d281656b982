"""Mutation testing of the modules that carry the guarantees, with mutmut (3.x).

mutmut names a mutant after the module its file is imported as, but this project's
folders install under the ``switchboard`` namespace (``core/`` is ``switchboard.core``).
So each run happens in a mirror, ``.mutation/<name>/``, whose ``switchboard/`` folder
holds copies of the project's packages: mutmut copies them again into its ``mutants/``
folder, which comes first on the import path, so the tests import the mutated code.
The mirror is kept between runs (mutmut resumes, and re-tests what changed).

    pip install 'mutmut>=3.8'
    python -m tests.mutate erlang            # one module (see MODULES)
    python -m tests.mutate erlang --children 2
    python -m tests.mutate --list

It prints the counts (killed, survived, no tests, timeout, suspicious); the survivors
are listed by ``mutmut results`` and shown by ``mutmut show NAME``, run inside the
mirror. mutmut mutates code inside functions only: SQL held in module-level strings
(row policies, the hours statement, audit hashing) is covered by the hand-planted
mutants listed in ``tests/README.md`` instead.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "plugins", "schema", "locale")

# name → (the module to mutate, the tests that may kill its mutants)
MODULES: dict[str, tuple[str, list[str]]] = {
    "audit-verify": ("core/audit/verify.py", ["tests/core/test_audit.py", "tests/core/test_audit_chain.py"]),
    "scoped-tables": ("core/db/scoped.py", ["tests/core/test_platform.py", "tests/security/test_row_moves.py",
                                            "tests/core/test_isolation.py"]),
    "eligibility": ("core/workforce/eligibility.py", ["tests/core/test_eligibility.py"]),
    "billing-rules": ("plugins/billing/rules.py", ["tests/plugins/billing/test_statutory_examples.py",
                                                   "tests/plugins/billing/test_worked_examples.py",
                                                   "tests/plugins/billing/test_conservation.py"]),
    "erlang": ("plugins/scheduling/staffing/erlang.py", ["tests/plugins/scheduling/test_erlang.py"]),
    "solver-checker": ("plugins/scheduling/solver/checker.py", ["tests/plugins/scheduling/test_solver.py"]),
    "forecast-baseline": ("plugins/scheduling/forecasts/models.py",
                          ["tests/plugins/scheduling/test_forecasting.py"]),
}

CONFIG = """
[tool.mutmut]
source_paths = ["switchboard"]
only_mutate = [{module}]
also_copy = ["tests"]
pytest_add_cli_args_test_selection = {tests}
pytest_add_cli_args = ["-p", "no:randomly", "-n", "0", "--basetemp", {basetemp}]
"""


def mirror(name: str) -> Path:
    """The mirror of the project for ``name``'s run, refreshed from the working tree."""
    module, tests = MODULES[name]
    tests = [t for t in tests if (ROOT / t).exists()]  # an older checkout may lack some
    target = ROOT / ".mutation" / name
    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / "switchboard" / package, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tests", target / "tests", dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    config = CONFIG.format(module=json.dumps(f"switchboard/{module}"), tests=json.dumps(tests),
                           basetemp=json.dumps(f"/tmp/switchboard-mutation-{name}"))
    (target / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text() + config)
    return target


def counts(target: Path) -> dict[str, int]:
    """The run's counts by status, as mutmut exports them."""
    subprocess.run(["mutmut", "export-cicd-stats"], cwd=target, check=True, capture_output=True)
    return json.loads((target / "mutants" / "mutmut-cicd-stats.json").read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", nargs="?", choices=sorted(MODULES))
    parser.add_argument("--children", type=int, default=1, help="mutants tested at once")
    parser.add_argument("--list", action="store_true", help="the modules and their tests")
    args = parser.parse_args(argv)
    if args.list or args.module is None:
        for name, (module, tests) in MODULES.items():
            print(f"{name:<18} {module}  <-  {' '.join(tests)}")
        return 0
    target = mirror(args.module)
    run = subprocess.run(["mutmut", "run", "--max-children", str(args.children)], cwd=target)
    print(json.dumps({"module": MODULES[args.module][0], **counts(target)}))
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
