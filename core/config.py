"""Process configuration, read once from the environment.

Every setting has a sensible default so that ``switchboard serve --demo`` works on
a fresh machine with the embedded PostgreSQL.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import ConfigurationError


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


ORIGIN = re.compile(r"https?://[^/?#\s]+")


def _origins(value: str | None) -> tuple[str, ...]:
    """Browser origins (``scheme://host[:port]``, a trailing slash dropped): anything else
    could never equal the ``Origin`` header a browser sends, so it is refused at start-up."""
    origins = tuple(o.rstrip("/") for o in _csv(value))
    for origin in origins:
        if not ORIGIN.fullmatch(origin):
            raise ConfigurationError(f"SWITCHBOARD_CORS_ORIGINS: {origin!r} is not an origin"
                                     " (scheme://host[:port], no path)")
    return origins


def _whole(env: dict[str, str], name: str, default: int, unit: str, scale: int = 1, minimum: int = 1) -> int:
    """A whole number of ``unit`` (at least ``minimum``) times ``scale``; ``default`` when unset."""
    value = env.get(name)
    if not value:
        return default
    if not value.strip().isdigit() or int(value) < minimum:
        raise ConfigurationError(f"{name} must be a whole number of {unit} (at least {minimum}), not {value!r}")
    return int(value) * scale


def _flag(env: dict[str, str], name: str) -> bool:
    """A yes/no variable: ``1``, ``true`` or ``yes`` (any case) is yes; unset or ``0``, ``false``, ``no`` is no."""
    value = (env.get(name) or "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise ConfigurationError(f"{name} must be 1 or 0 (true or false), not {value!r}")


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
    # Fields times page sizes (lists that are not pages count 10); GraphiQL's schema query costs ~50,000.
    max_query_cost: int = 100_000
    # Fernet keys encrypting TOTP secrets, newest first (empty: <data_dir>/secret.keys).
    secret_keys: tuple[str, ...] = ()
    # Largest multipart request (file upload) the GraphQL endpoints accept.
    max_upload_bytes: int = 256 * 1024 * 1024
    # Largest request body of any other kind (JSON).
    max_body_bytes: int = 1024 * 1024
    # Longest a statement of a request may run (0: no limit); jobs and commands have none.
    statement_timeout_ms: int = 15_000
    # The same for a multipart request (an upload: imports COPY and check a whole file).
    upload_statement_timeout_ms: int = 600_000
    # Longest string argument, where the argument declares no tighter @maxLength.
    max_string_length: int = 10_000
    # Longest list argument, where the argument declares no tighter (or looser) @maxItems.
    max_list_items: int = 100
    # How long /readyz waits for the database before answering 503.
    readiness_timeout_seconds: int = 2
    # How often a subscription re-reads its rows when nothing happened (a revoked grant or token ends it).
    subscription_recheck_seconds: float = 5.0
    # Webhook deliveries: tries before giving up, and the first retry's delay (doubling each time).
    webhook_max_attempts: int = 8
    webhook_retry_seconds: float = 30.0
    # Deliver webhooks to private, loopback and link-local addresses (a receiver on the same network).
    webhook_allow_private: bool = False
    # Browser origins allowed to call the API from another site (CORS); none by default.
    cors_origins: tuple[str, ...] = ()
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
            secret_keys=_csv(env.get("SWITCHBOARD_SECRET_KEYS")),
            cors_origins=_origins(env.get("SWITCHBOARD_CORS_ORIGINS")),
            max_upload_bytes=_whole(env, "SWITCHBOARD_MAX_UPLOAD_MB", defaults.max_upload_bytes, "megabytes",
                                    scale=1024 * 1024),
            max_body_bytes=_whole(env, "SWITCHBOARD_MAX_BODY_KB", defaults.max_body_bytes, "kilobytes", scale=1024),
            max_query_cost=_whole(env, "SWITCHBOARD_MAX_QUERY_COST", defaults.max_query_cost, "cost units"),
            statement_timeout_ms=_whole(env, "SWITCHBOARD_STATEMENT_TIMEOUT_MS", defaults.statement_timeout_ms,
                                        "milliseconds", minimum=0),
            upload_statement_timeout_ms=_whole(env, "SWITCHBOARD_UPLOAD_STATEMENT_TIMEOUT_MS",
                                               defaults.upload_statement_timeout_ms, "milliseconds", minimum=0),
            max_string_length=_whole(env, "SWITCHBOARD_MAX_STRING_LENGTH", defaults.max_string_length, "characters"),
            max_list_items=_whole(env, "SWITCHBOARD_MAX_LIST_ITEMS", defaults.max_list_items, "items"),
            readiness_timeout_seconds=_whole(env, "SWITCHBOARD_READINESS_TIMEOUT_SECONDS",
                                             defaults.readiness_timeout_seconds, "seconds"),
            webhook_max_attempts=_whole(env, "SWITCHBOARD_WEBHOOK_MAX_ATTEMPTS", defaults.webhook_max_attempts,
                                        "attempts"),
            webhook_retry_seconds=_whole(env, "SWITCHBOARD_WEBHOOK_RETRY_SECONDS",
                                         int(defaults.webhook_retry_seconds), "seconds"),
            webhook_allow_private=_flag(env, "SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE"),
            subscription_recheck_seconds=_whole(env, "SWITCHBOARD_SUBSCRIPTION_RECHECK_SECONDS",
                                                int(defaults.subscription_recheck_seconds), "seconds"),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests build their own ``Settings``)."""
    return Settings.from_env()
