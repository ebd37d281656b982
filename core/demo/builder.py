"""Build the demo BPO, "Northwind BPO", into the database (``switchboard demo``,
``switchboard serve --demo``).

Sizes (:data:`SIZES`): ``small`` and ``mid`` are the BPO of the issue: 7 clients in
different jurisdictions and regimes, 23 LOBs, 3 sites, 500 agents of whom 30% work
for two or more clients (``mid`` is where plugins add a year of activity);
``large`` has 40 clients, 200 LOBs and 5,000 agents and is loaded with COPY.

The same seed builds the same rows: ids are ``uuid5`` of the seed and a natural key,
dates hang off the anchor date :data:`~.model.ANCHOR` (Monday 2026-11-23, the
demo's "today"), and every user shares the documented password ``switchboard-demo``
(the tenant admin also has a TOTP secret derived from the seed). Only ``created_at``
columns, audit timestamps, the argon2 salt of the password hash and the encryption of
the TOTP secret (a fresh IV under the installation's key) differ.
Everything, plugins' demo rows included, is written in one transaction, through
the audit triggers like any other write.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import Connection, text

from switchboard.core.errors import ConfigurationError
from switchboard.core.identity.secrets import hash_password, verify_password

from .catalog import DEMO_PASSWORD, TENANT_SLUG, USERS
from .generate import SIZES, generate
from .model import DemoResult, LoginRow, format_logins

__all__ = ["SIZES", "DemoResult", "build_demo", "demo_logins", "is_empty", "load_rows"]


@dataclass(frozen=True)
class _Table:
    """How one table is loaded: its columns (read off the records of ``source``)."""

    name: str
    source: str  # the DemoResult attribute holding the records
    columns: tuple[str, ...]
    jsonb: tuple[str, ...] = ()
    bulk: bool = False  # loaded with COPY when the size asks for bulk loading


# In load order: client bindings precede grants (app.check_grant requires the binding).
_TABLES = (
    _Table("site", "sites", ("id", "tenant_id", "name", "country", "region", "timezone")),
    _Table("client", "clients", ("id", "tenant_id", "name", "code", "jurisdiction", "timezone", "languages",
                                 "currency", "holiday_region", "regimes", "residency_regions")),
    _Table("lob", "lobs", ("id", "tenant_id", "client_id", "name", "code", "language", "channel", "timezone",
                           "sla_target_pct", "sla_answer_seconds", "required_credentials", "handles_card_data",
                           "handles_health_data")),
    _Table("employee", "employees", ("id", "tenant_id", "employee_number", "legal_name", "preferred_name", "email",
                                     "phone", "hire_date", "termination_date", "home_site_id", "work_region",
                                     "languages"), jsonb=("languages",), bulk=True),
    _Table("assignment", "assignments", ("id", "tenant_id", "client_id", "lob_id", "employee_id", "role",
                                         "supervisor_id", "valid_during", "pay_rate", "pay_currency",
                                         "weekly_hours_cap"), bulk=True),
    _Table("credential", "credentials", ("id", "tenant_id", "employee_id", "kind", "client_id", "issued_on",
                                         "expires_on", "revoked_on"), bulk=True),
    _Table("app_user", "users", ("id", "tenant_id", "email", "kind", "employee_id", "display_name", "locale",
                                 "password_hash", "totp_secret_enc", "totp_enabled")),
    _Table("client_binding", "bindings", ("id", "tenant_id", "client_id", "user_id")),
    _Table("role_grant", "grants", ("id", "tenant_id", "user_id", "role", "client_id", "lob_id")),
)

_LOGINS = """
SELECT u.email, u.password_hash, u.totp_enabled, u.totp_secret_enc,
       coalesce(string_agg(g.role || '@' || CASE WHEN g.lob_id IS NOT NULL THEN c.code || '/' || l.code
                                                 WHEN g.client_id IS NOT NULL THEN c.code ELSE 'tenant' END,
                           ', ' ORDER BY g.role, c.code, l.code), '-') AS grants
  FROM tenant t
  JOIN app_user u ON u.tenant_id = t.id
  LEFT JOIN role_grant g ON g.tenant_id = u.tenant_id AND g.user_id = u.id
  LEFT JOIN client c ON c.tenant_id = g.tenant_id AND c.id = g.client_id
  LEFT JOIN lob l ON l.tenant_id = g.tenant_id AND l.id = g.lob_id
 WHERE t.slug = :slug AND u.active
 GROUP BY u.tenant_id, u.id
 ORDER BY min(array_position(CAST(:roles AS text[]), g.role)) NULLS LAST, u.email
"""


def build_demo(runtime: Any, size: str = "small", seed: int = 7) -> DemoResult:
    """Build the demo tenant of ``size`` for ``seed`` on ``runtime.owner`` in one
    transaction, then let every plugin add its demo rows in that transaction.

    Raises ``ConfigurationError`` for an unknown size, or when the demo tenant
    already exists (a rebuild needs a fresh database).
    """
    spec = SIZES.get(size)
    if spec is None:
        raise ConfigurationError(f"unknown demo size {size!r}: choose one of {', '.join(SIZES)}")
    started = time.perf_counter()
    with runtime.owner.begin() as conn:
        if conn.execute(text("SELECT 1 FROM tenant WHERE slug = :slug"), {"slug": TENANT_SLUG}).first():
            raise ConfigurationError(
                f"the demo tenant already exists ({TENANT_SLUG}): build it into a fresh data directory or database"
            )
        demo = generate(spec, seed, hash_password(DEMO_PASSWORD))
        for user in demo.users:
            user.totp_secret_enc = user.totp_secret and runtime.keyring.encrypt(user.totp_secret)
        conn.execute(text("INSERT INTO tenant (id, name, slug) VALUES (:id, :name, :slug)"),
                     {"id": demo.tenant_id, "name": demo.tenant_name, "slug": demo.tenant_slug})
        for table in _TABLES:
            _load(conn, table, getattr(demo, table.source), copy=spec.bulk and table.bulk)
        runtime.host.hook.switchboard_demo_data(conn=conn, demo=demo)
        # Fresh statistics: without them the planner picks poor indexes on the new rows.
        conn.execute(text("ANALYZE"))
    demo.build_seconds = time.perf_counter() - started
    return demo


def _load(conn: Connection, table: _Table, records: list[Any], copy: bool) -> None:
    """Insert ``records`` (objects whose attributes are the table's columns) into ``table``."""
    rows = [tuple(Jsonb(getattr(r, c)) if c in table.jsonb else _value(getattr(r, c)) for c in table.columns)
            for r in records]
    load_rows(conn, table.name, table.columns, rows, copy=copy)


def load_rows(conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
              copy: bool = True) -> None:
    """Write ``rows`` (tuples in ``columns`` order) into ``table`` on ``conn``: with COPY
    through the raw psycopg connection, or one executemany of a parameterised INSERT.
    Plugins' demo hooks use it too; every row goes through the table's triggers."""
    names = ", ".join(columns)
    if copy:
        cursor = conn.connection.driver_connection.cursor()
        with cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as stream:
            for row in rows:
                stream.write_row(row)
        return
    params = [dict(zip(columns, row, strict=True)) for row in rows]
    if params:
        values = ", ".join(f":{c}" for c in columns)
        conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({values})"), params)


def _value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def demo_logins(runtime: Any) -> str:
    """The printable table of the demo tenant's users: e-mail, password, role@scope and,
    for users with TOTP (the tenant admin), the TOTP secret. Empty without a demo tenant.

    The password column says ``switchboard-demo`` only while the user's password still
    is the demo password.
    """
    with runtime.owner.connect() as conn:
        users = conn.execute(text(_LOGINS), {"slug": TENANT_SLUG, "roles": [u.role for u in USERS]}).all()
    if not users:
        return ""
    checked: dict[str | None, str] = {None: "(none)"}  # one argon2 verification per distinct hash
    rows = []
    for u in users:
        if u.password_hash not in checked:
            checked[u.password_hash] = DEMO_PASSWORD if verify_password(u.password_hash, DEMO_PASSWORD) else "(changed)"
        secret = runtime.keyring.decrypt(u.totp_secret_enc) if u.totp_enabled else None
        rows.append(LoginRow(u.email, checked[u.password_hash], u.grants, secret))
    return format_logins(rows)


def is_empty(runtime: Any) -> bool:
    """True when the database holds no tenant at all (``serve --demo`` then loads the demo)."""
    with runtime.owner.connect() as conn:
        return conn.execute(text("SELECT NOT EXISTS (SELECT 1 FROM tenant)")).scalar_one()
