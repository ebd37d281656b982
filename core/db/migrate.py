"""Run Alembic over core's branch and every enabled plugin's branch."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from switchboard.core.plugin_host import PluginHost

from .engines import connect_args, sqlalchemy_url
from .server import Database

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(db: Database, host: PluginHost) -> Config:
    """An Alembic config whose version locations are every enabled module's branch."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    locations = [str(MIGRATIONS / "versions")]
    locations += [str(Path(p)) for p in host.hook.switchboard_migrations()]
    cfg.set_main_option("version_locations", " ".join(dict.fromkeys(locations)))
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["owner_url"] = sqlalchemy_url(db.owner_url)
    cfg.attributes["connect_args"] = connect_args(db.owner_set_role, "switchboard-migrate")
    cfg.attributes["settings"] = host.settings
    return cfg


def upgrade(db: Database, host: PluginHost) -> None:
    """Bring every branch to its head."""
    command.upgrade(alembic_config(db, host), "heads")


def _as_tuple(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _with_ancestors(script: ScriptDirectory, revisions: tuple[str, ...]) -> set[str]:
    """Every revision in ``revisions`` and below them (down revisions and dependencies)."""
    seen: set[str] = set()
    stack = [r.revision for r in script.get_revisions(revisions) if r is not None]
    while stack:
        rev = script.get_revision(stack.pop())
        if rev is None or rev.revision in seen:
            continue
        seen.add(rev.revision)
        stack.extend(_as_tuple(rev.down_revision))
        stack.extend(r.revision for r in script.get_revisions(_as_tuple(rev.dependencies)) if r is not None)
    return seen


def pending(db: Database, host: PluginHost, applied_heads: tuple[str, ...]) -> list[str]:
    """Revisions of the enabled modules not yet applied, given the database's current heads."""
    script = ScriptDirectory.from_config(alembic_config(db, host))
    wanted = _with_ancestors(script, tuple(script.get_heads()))
    return sorted(wanted - _with_ancestors(script, applied_heads))
