"""Rows for tests, written as the owner (which bypasses RLS), with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from cryptography.fernet import Fernet
from sqlalchemy import Connection, text

from switchboard.core.identity.keys import KeyRing
from switchboard.core.identity.secrets import hash_password, new_token, token_hash

PASSWORD = "correct horse battery"
PASSWORD_HASH = hash_password(PASSWORD)
# The test session's secret key (tests/conftest.py gives it to every runtime's settings).
SECRET_KEY = Fernet.generate_key().decode()
KEYRING = KeyRing((SECRET_KEY,))
_seq = itertools.count(1)


def _insert(conn: Connection, table: str, values: dict[str, Any]) -> UUID:
    cols = ", ".join(values)
    params = ", ".join(f":{k}" for k in values)
    return conn.execute(text(f"INSERT INTO {table} ({cols}) VALUES ({params}) RETURNING id"), values).scalar_one()


def tenant(conn: Connection, name: str | None = None) -> UUID:
    n = next(_seq)
    return _insert(conn, "tenant", {"name": name or f"BPO {n}", "slug": f"bpo-{n}"})


def client(conn: Connection, tenant_id: UUID, **kw: Any) -> UUID:
    n = next(_seq)
    values = {
        "tenant_id": tenant_id, "name": f"Client {n}", "code": f"C{n}", "jurisdiction": "CA-ON",
        "timezone": "America/Toronto", "languages": ["en"], "currency": "CAD", "holiday_region": "CA-ON",
        "regimes": [], "residency_regions": [],
    }
    return _insert(conn, "client", {**values, **kw})


def lob(conn: Connection, tenant_id: UUID, client_id: UUID, **kw: Any) -> UUID:
    n = next(_seq)
    values = {
        "tenant_id": tenant_id, "client_id": client_id, "name": f"LOB {n}", "code": f"L{n}", "language": "en",
        "channel": "voice", "timezone": "America/Toronto", "sla_target_pct": 80, "sla_answer_seconds": 20,
        "required_credentials": [],
    }
    return _insert(conn, "lob", {**values, **kw})


def site(conn: Connection, tenant_id: UUID, **kw: Any) -> UUID:
    values = {"tenant_id": tenant_id, "name": f"Site {next(_seq)}", "country": "CA", "region": "CA-ON",
              "timezone": "America/Toronto"}
    return _insert(conn, "site", {**values, **kw})


def employee(conn: Connection, tenant_id: UUID, **kw: Any) -> UUID:
    n = next(_seq)
    values = {
        "tenant_id": tenant_id, "employee_number": f"E{n:05d}", "legal_name": f"Legal Name {n}",
        "preferred_name": f"Agent {n}", "email": f"agent{n}@example.com", "phone": f"+1 555 010 {n:04d}",
        "hire_date": date(2025, 1, 6), "work_region": "CA-ON",
    }
    return _insert(conn, "employee", {**values, **kw})


def assignment(conn: Connection, tenant_id: UUID, client_id: UUID, lob_id: UUID, employee_id: UUID,
               start: date = date(2026, 1, 1), end: date | None = None, **kw: Any) -> UUID:
    values = {
        "tenant_id": tenant_id, "client_id": client_id, "lob_id": lob_id, "employee_id": employee_id,
        "role": "agent", "valid_during": f"[{start},{end or ''})", "pay_rate": 21.5, "pay_currency": "CAD",
        "weekly_hours_cap": 40,
    }
    values.update(kw)
    cols = ", ".join(values)
    params = ", ".join(f":{k}" if k != "valid_during" else "CAST(:valid_during AS daterange)" for k in values)
    return conn.execute(text(f"INSERT INTO assignment ({cols}) VALUES ({params}) RETURNING id"), values).scalar_one()


def credential(conn: Connection, tenant_id: UUID, employee_id: UUID, kind: str, **kw: Any) -> UUID:
    values = {"tenant_id": tenant_id, "employee_id": employee_id, "kind": kind, "issued_on": date(2026, 1, 5)}
    return _insert(conn, "credential", {**values, **kw})


def user(conn: Connection, tenant_id: UUID, *grants: tuple[str, UUID | None, UUID | None] | str,
         kind: str = "staff", employee_id: UUID | None = None, bound_client: UUID | None = None,
         locale: str = "en", email: str | None = None, totp_secret: str | None = None) -> UUID:
    """A user with grants given as ``role`` (tenant-wide) or ``(role, client_id, lob_id)``."""
    n = next(_seq)
    user_id = _insert(conn, "app_user", {
        "tenant_id": tenant_id, "email": email or f"user{n}@example.com", "kind": kind,
        "employee_id": employee_id, "display_name": f"User {n}", "locale": locale,
        "password_hash": PASSWORD_HASH, "totp_enabled": totp_secret is not None,
        "totp_secret_enc": totp_secret and KEYRING.encrypt(totp_secret),
    })
    if bound_client is not None:
        _insert(conn, "client_binding", {"tenant_id": tenant_id, "client_id": bound_client, "user_id": user_id})
    for grant in grants:
        role, client_id, lob_id = (grant, None, None) if isinstance(grant, str) else grant
        _insert(conn, "role_grant", {"tenant_id": tenant_id, "user_id": user_id, "role": role,
                                     "client_id": client_id, "lob_id": lob_id})
    return user_id


def token(conn: Connection, user_id: UUID, *, mfa: bool = True, hours: float = 1, kind: str = "api") -> str:
    """A bearer token for ``user_id`` (second factor given unless ``mfa`` is False), minted
    by the owner (the runtime role cannot)."""
    value = new_token()
    expires = datetime.now(UTC) + timedelta(hours=hours)
    conn.execute(text("SELECT app.issue_token(:u, :k, 'test', :h, :e, :m)"),
                 {"u": user_id, "k": kind, "h": token_hash(value), "e": expires, "m": mfa})
    return value


def recovery_codes(conn: Connection, user_id: UUID, count: int = 5) -> list[str]:
    """Fresh recovery codes for ``user_id`` (stored hashed by the owner-only function)."""
    from switchboard.core.identity.secrets import new_recovery_codes

    codes = new_recovery_codes(count)
    conn.execute(text("SELECT app.store_recovery_codes(u.tenant_id, u.id, :c) FROM app_user u WHERE u.id = :u"),
                 {"u": user_id, "c": codes})
    return codes


FINGERPRINTED = ("employee", "assignment", "credential", "audit_event", "pii_access")
# The audit log less the job queue's own rows (a queued job, the file it owns and the operator
# token it acts through are audited writes): what a job that refused its work leaves unchanged.
AUDIT_OUTSIDE_JOBS = "(SELECT * FROM audit_event WHERE table_name NOT IN ('job', 'job_file', 'auth_token'))"


def fingerprint(conn: Connection, tables: tuple[str, ...] = FINGERPRINTED) -> dict[str, tuple[int, str]]:
    """``table → (row count, md5 of every row)`` as the owner: equal before and after a
    refused request means it wrote nothing (the audit log grows with any write). A table
    may be a parenthesized query (:data:`AUDIT_OUTSIDE_JOBS`)."""
    return {
        table: tuple(conn.execute(text(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM {table} t"
        )).one())
        for table in tables
    }
