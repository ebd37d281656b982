"""Every migration's SQL, as it runs it: recorded once, when the migration lands, and never again.

A migration is history: replaying it on a fresh database must do what it did the day it
landed. :func:`recorded` runs a revision's ``upgrade()`` and ``downgrade()`` against a
stand-in for Alembic's ``op`` that writes down each statement instead of executing it
(core's helpers included: ``create_scoped_table`` and ``execute_for_runtime`` only call
``op.execute``). :mod:`tests.core.test_migration_history` compares that with the file
``tests/core/migration_history/<revision>.txt`` written when the revision landed, so a
change to the migration, to a value it imports, or to a helper's output for it fails.

A statement that depends on what the database holds is recorded as the stand-in's
answers make it: the server is PostgreSQL 18, there is no user to re-encrypt, and the
catalog lists one table with every scope column (``core_0006`` gives existing tables
their scope trigger).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

from alembic.config import Config
from alembic.script import ScriptDirectory
from switchboard_sample import plugin as sample

from switchboard.core import plugin as core_plugin
from switchboard.core.config import get_settings
from switchboard.core.db.scope_guard import SCOPE_COLUMNS
from switchboard.plugins.billing import plugin as billing
from switchboard.plugins.scheduling import plugin as scheduling
from switchboard.plugins.timekeeping import plugin as timekeeping

HISTORY = Path(__file__).resolve().parent / "core" / "migration_history"
MODULES = (core_plugin, timekeeping, billing, scheduling, sample)
SERVER_VERSION = 180000
SEPARATOR = "\n-- statement\n"


class _Result:
    def __init__(self, scalar: Any = None, rows: tuple[Any, ...] = ()) -> None:
        self._scalar = scalar
        self._rows = rows

    def scalar(self) -> Any:
        return self._scalar

    def all(self) -> list[Any]:
        return list(self._rows)

    def __iter__(self):
        return iter(self._rows)


class _Bind:
    """The database as the recording sees it: PostgreSQL 18, no user, one scoped table."""

    def execute(self, statement: Any, *args: Any, **kwargs: Any) -> _Result:
        sql = str(statement)
        if "server_version_num" in sql:
            return _Result(SERVER_VERSION)
        if "pg_attribute" in sql:  # core_0006's catalog walk
            return _Result(rows=(SimpleNamespace(name="a_scoped_table", columns=list(SCOPE_COLUMNS)),))
        return _Result()


class RecordingOp:
    """Alembic's ``op`` for a recording: ``execute`` writes the statement down."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def execute(self, statement: Any, *args: Any, **kwargs: Any) -> None:
        self.statements.append(str(statement).strip())

    def get_bind(self) -> _Bind:
        return _Bind()


def script_directory() -> ScriptDirectory:
    """Every branch: core's, the built-in plugins' and the sample plugin's."""
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(core_plugin.__file__).resolve().parent / "migrations"))
    cfg.set_main_option("version_locations", " ".join(str(m.switchboard_migrations()) for m in MODULES))
    cfg.set_main_option("path_separator", "space")
    return ScriptDirectory.from_config(cfg)


def revisions() -> dict[str, ModuleType]:
    """Every revision's id and module."""
    return {s.revision: s.module for s in script_directory().walk_revisions()}


def _run(module: ModuleType, step: str) -> str:
    op = RecordingOp()
    saved = module.op
    module.op = op
    try:
        getattr(module, step)()
    except NotImplementedError as exc:
        op.statements.append(f"-- irreversible: {exc}")
    finally:
        module.op = saved
    runtime = get_settings().runtime_role
    return SEPARATOR.join(s.replace(runtime, "{runtime}") for s in op.statements)


def recorded(module: ModuleType) -> str:
    """What a revision's ``upgrade()`` and ``downgrade()`` execute, as one text."""
    return f"-- upgrade\n{_run(module, 'upgrade')}\n-- downgrade\n{_run(module, 'downgrade')}\n"


def history_file(revision: str) -> Path:
    return HISTORY / f"{revision}.txt"
