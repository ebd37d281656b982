"""Run Alembic over core's branch and every enabled plugin's branch."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from ..plugins import PluginHost
from .engines import connect_args, sqlalchemy_url
from .server import Database

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(db: Database, host: PluginHost) -> Config:
    """An Alembic config whose version locations are every enabled module's branch."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    locations = [str(MIGRATIONS / "versions")]
    locations += [str(Path(p)) for _, p in host.collect("switchboard_migrations")]
    cfg.set_main_option("version_locations", " ".join(dict.fromkeys(locations)))
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["owner_url"] = sqlalchemy_url(db.owner_url)
    cfg.attributes["connect_args"] = connect_args(db.owner_set_role, "switchboard-migrate")
    return cfg


def upgrade(db: Database, host: PluginHost) -> None:
    """Bring every branch to its head."""
    command.upgrade(alembic_config(db, host), "heads")


def heads(db: Database, host: PluginHost) -> list[str]:
    """The head revision of every branch."""
    return list(ScriptDirectory.from_config(alembic_config(db, host)).get_heads())
