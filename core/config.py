"""Process configuration, read once from the environment.

Every setting has a sensible default so that ``switchboard serve --demo`` works on
a fresh machine with the embedded PostgreSQL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import ConfigurationError


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _positive(name: str, value: str | None, default: int, unit: str = "") -> int:
    """A positive whole number (of ``unit``); ``default`` when unset."""
    if not value:
        return default
    if not value.strip().isdigit() or int(value) < 1:
        raise ConfigurationError(f"{name} must be a positive whole number{unit}, not {value!r}")
    return int(value)


def _megabytes(name: str, value: str | None, default: int) -> int:
    """A size given in whole megabytes (MiB), in bytes; ``default`` when unset."""
    return _positive(name, value, default // (1024 * 1024), " of megabytes") * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """What the process needs to know about its environment."""

    database_url: str | None = None
    runtime_database_url: str | None = None
    data_dir: Path = field(default_factory=lambda: Path.home() / ".switchboard")
    owner_role: str = "switchboard_owner"
    runtime_role: str = "switchboard_app"
    database_name: str = "switchboard"
    plugins_enabled: tuple[str, ...] = ()  # empty: every installed plugin
    plugins_disabled: tuple[str, ...] = ()
    session_ttl_hours: int = 12
    mfa_window_minutes: int = 15
    page_size_cap: int = 100
    max_query_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 2000
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    # Largest multipart request (file upload) the GraphQL endpoints accept.
    max_upload_bytes: int = 256 * 1024 * 1024
    # Longest string argument, where the argument declares no tighter @maxLength.
    max_string_length: int = 10_000
    # How long /readyz waits for the database before answering 503.
    readiness_timeout_seconds: int = 2
    # Tests only: report each GraphQL response's SQL statement count in extensions.sqlStatements.
    expose_statement_count: bool = False

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Build settings from ``SWITCHBOARD_*`` and ``DATABASE_URL`` variables."""
        env = dict(os.environ if env is None else env)
        defaults = cls()
        data_dir = env.get("SWITCHBOARD_DATA_DIR")
        return cls(
            database_url=env.get("DATABASE_URL") or None,
            runtime_database_url=env.get("DATABASE_RUNTIME_URL") or None,
            data_dir=Path(data_dir).expanduser() if data_dir else defaults.data_dir,
            database_name=env.get("SWITCHBOARD_DATABASE", defaults.database_name),
            plugins_enabled=_csv(env.get("SWITCHBOARD_PLUGINS")),
            plugins_disabled=_csv(env.get("SWITCHBOARD_PLUGINS_DISABLED")),
            max_upload_bytes=_megabytes("SWITCHBOARD_MAX_UPLOAD_MB", env.get("SWITCHBOARD_MAX_UPLOAD_MB"),
                                        defaults.max_upload_bytes),
            max_string_length=_positive("SWITCHBOARD_MAX_STRING_LENGTH", env.get("SWITCHBOARD_MAX_STRING_LENGTH"),
                                        defaults.max_string_length),
            readiness_timeout_seconds=_positive("SWITCHBOARD_READINESS_TIMEOUT_SECONDS",
                                                env.get("SWITCHBOARD_READINESS_TIMEOUT_SECONDS"),
                                                defaults.readiness_timeout_seconds),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests build their own ``Settings``)."""
    return Settings.from_env()
