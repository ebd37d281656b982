"""The demo BPO in memory: one record type per table, and :class:`DemoResult`, which
``build_demo`` returns and every ``switchboard_demo_data`` hook receives.

Record attributes carry the table's column names (plus a few conveniences such as
``Lob.client_code``), so the loader reads rows straight off them.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple
from uuid import UUID

from .catalog import DEMO_PASSWORD, EU_COUNTRIES

# Every demo id is uuid5(NAMESPACE, "<seed>/<kind>/<natural key>").
NAMESPACE = uuid.UUID("6f1c2a8e-3d4b-5c6d-8e7f-0a1b2c3d4e5f")
# The demo's "today": a Monday. Hire dates, assignment ranges and credential expiry are
# laid out around it, so the data is identical whenever it is built. Credentials read as
# "expired" / "expiring within 30 days" relative to this date; PostgreSQL's current_date
# (used by row policies for "current" assignments) drifts past it as time goes by.
ANCHOR = date(2026, 11, 23)
EXPIRING_DAYS = 30


def make_id(seed: int, kind: str, *key: object) -> UUID:
    """The deterministic id of a demo row: the same seed and key give the same id."""
    return uuid.uuid5(NAMESPACE, "/".join([str(seed), kind, *map(str, key)]))


def time_ordered_id(moment: datetime, bits: int) -> UUID:
    """A version-7 id for ``moment``: its Unix milliseconds, then 74 of ``bits`` (random
    bits from a seeded generator, so the demo's ids are deterministic too)."""
    bits &= (1 << 74) - 1
    return uuid.UUID(int=(int(moment.timestamp() * 1000) << 80) | (0x7 << 76) | ((bits >> 62) << 64)
                     | (0b10 << 62) | (bits & ((1 << 62) - 1)))


@dataclass(slots=True)
class Site:
    """A row of ``site``."""

    id: UUID
    tenant_id: UUID
    code: str
    name: str
    country: str
    region: str
    timezone: str


@dataclass(slots=True)
class Client:
    """A row of ``client``."""

    id: UUID
    tenant_id: UUID
    code: str
    name: str
    jurisdiction: str
    timezone: str
    languages: tuple[str, ...]
    currency: str
    holiday_region: str
    regimes: tuple[str, ...]
    residency_regions: tuple[str, ...]


@dataclass(slots=True)
class Lob:
    """A row of ``lob`` (``client_code`` and the hiring ``weight`` are not columns)."""

    id: UUID
    tenant_id: UUID
    client_id: UUID
    client_code: str
    code: str
    name: str
    language: str
    channel: str
    timezone: str
    sla_target_pct: Decimal
    sla_answer_seconds: int
    required_credentials: tuple[str, ...]
    handles_card_data: bool
    handles_health_data: bool
    weight: float


@dataclass(slots=True)
class Employee:
    """A row of ``employee`` (``pool``, where the person was hired from, is not a column)."""

    id: UUID
    tenant_id: UUID
    employee_number: str
    legal_name: str
    preferred_name: str
    email: str
    phone: str
    hire_date: date
    termination_date: date | None
    home_site_id: UUID | None
    work_region: str
    languages: list[dict[str, str]]
    pool: str

    def speaks(self, language: str) -> bool:
        """Native, C2 or C1 in ``language`` (what a LOB in that language needs)."""
        return any(x["language"] == language and x["proficiency"] in ("native", "C2", "C1")
                   for x in self.languages)


@dataclass(slots=True)
class Assignment:
    """A row of ``assignment``; ``start``/``end`` make up ``valid_during``."""

    id: UUID
    tenant_id: UUID
    client_id: UUID
    lob_id: UUID
    employee_id: UUID
    role: str
    supervisor_id: UUID | None
    start: date
    end: date | None  # exclusive
    pay_rate: Decimal
    pay_currency: str
    weekly_hours_cap: Decimal

    @property
    def valid_during(self) -> str:
        """The ``daterange`` literal, ``[start,end)``."""
        return f"[{self.start.isoformat()},{self.end.isoformat() if self.end else ''})"

    def active_on(self, day: date) -> bool:
        """True when ``day`` falls within ``valid_during``."""
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(slots=True)
class Credential:
    """A row of ``credential``."""

    id: UUID
    tenant_id: UUID
    employee_id: UUID
    kind: str
    client_id: UUID | None
    issued_on: date
    expires_on: date | None
    revoked_on: date | None = None

    def status(self, day: date) -> str:
        """``revoked``, ``expired``, ``expiring`` (within 30 days) or ``valid`` on ``day``."""
        if self.revoked_on is not None and self.revoked_on <= day:
            return "revoked"
        if self.expires_on is not None and self.expires_on <= day:
            return "expired"
        if self.expires_on is not None and self.expires_on <= day + timedelta(days=EXPIRING_DAYS):
            return "expiring"
        return "valid"


@dataclass(slots=True)
class User:
    """A row of ``app_user`` with its one grant's ``role`` and ``scope`` label."""

    id: UUID
    tenant_id: UUID
    email: str
    kind: str
    employee_id: UUID | None
    display_name: str
    locale: str
    password_hash: str
    totp_secret: str | None
    totp_enabled: bool
    role: str
    scope: str  # "tenant", a client code, or "CLIENT/LOB"
    totp_secret_enc: str | None = None  # what the database stores (set when the demo is loaded)


@dataclass(slots=True)
class Grant:
    """A row of ``role_grant``."""

    id: UUID
    tenant_id: UUID
    user_id: UUID
    role: str
    client_id: UUID | None
    lob_id: UUID | None


@dataclass(slots=True)
class Binding:
    """A row of ``client_binding``."""

    id: UUID
    tenant_id: UUID
    client_id: UUID
    user_id: UUID


class LoginRow(NamedTuple):
    """One line of the logins table."""

    email: str
    password: str
    grants: str
    totp_secret: str | None


def format_logins(rows: list[LoginRow]) -> str:
    """The printable logins table (one line per user)."""
    header = LoginRow("e-mail", "password", "role@scope", "TOTP secret")
    widths = [max(len(str(r[i] or "")) for r in [header, *rows]) for i in range(3)]
    lines = ["Demo logins:"]
    for r in [header, *rows]:
        cells = [str(r[i]).ljust(widths[i]) for i in range(3)]
        lines.append(("  " + "  ".join(cells) + "  " + (r.totp_secret or "")).rstrip())
    if any(r.totp_secret for r in rows):
        lines.append("  (TOTP: add the secret to an authenticator app; tenant admins must enter a code)")
    return "\n".join(lines)


@dataclass
class DemoResult:
    """The demo BPO just built: what plugins' ``switchboard_demo_data`` hooks receive.

    ``anchor`` is the demo's "today" (see :data:`ANCHOR`); derive further rows from
    ``seed`` (``random.Random(f"{demo.seed}:<plugin>")``) and ids with :meth:`id_for`
    so that a plugin's demo data is deterministic too.
    """

    size: str
    seed: int
    anchor: date
    tenant_id: UUID
    tenant_name: str
    tenant_slug: str
    sites: list[Site] = field(default_factory=list)
    clients: list[Client] = field(default_factory=list)
    lobs: list[Lob] = field(default_factory=list)
    employees: list[Employee] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    credentials: list[Credential] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)
    bindings: list[Binding] = field(default_factory=list)
    password: str = DEMO_PASSWORD
    build_seconds: float = 0.0

    def id_for(self, kind: str, *key: object) -> UUID:
        """A deterministic id for a plugin's demo row (``kind``: the table, ``key``: its natural key)."""
        return make_id(self.seed, kind, *key)

    def client(self, code: str) -> Client:
        """The client with ``code``."""
        return next(c for c in self.clients if c.code == code)

    def lobs_of(self, client: Client) -> list[Lob]:
        """The LOBs of ``client``."""
        return [lob for lob in self.lobs if lob.client_id == client.id]

    def agent_ids(self) -> set[UUID]:
        """Employees with at least one agent-role assignment (past, current or future)."""
        return {a.employee_id for a in self.assignments if a.role == "agent"}

    def clients_per_agent(self, day: date | None = None) -> Counter[UUID]:
        """How many distinct clients each agent works for on ``day`` (default: the anchor)."""
        day = day or self.anchor
        pairs = {(a.employee_id, a.client_id) for a in self.assignments
                 if a.role == "agent" and a.active_on(day)}
        return Counter(employee for employee, _ in pairs)

    def multi_client_share(self) -> float:
        """Share of agents who work for two or more clients on the anchor date."""
        agents = self.agent_ids()
        multi = sum(1 for n in self.clients_per_agent().values() if n >= 2)
        return multi / len(agents) if agents else 0.0

    def credential_gaps(self) -> Counter[str]:
        """Credential kinds current agents lack (missing, expired or revoked on the anchor
        date) for a LOB they work: what eligibility checks should find."""
        day = self.anchor
        held = {(c.employee_id, c.kind) for c in self.credentials if c.status(day) in ("valid", "expiring")}
        lobs = {lob.id: lob for lob in self.lobs}
        return Counter(kind for employee, kind in {
            (a.employee_id, kind) for a in self.assignments if a.role == "agent" and a.active_on(day)
            for kind in lobs[a.lob_id].required_credentials} if (employee, kind) not in held)

    def login_rows(self) -> list[LoginRow]:
        """The logins table's rows for the users just built."""
        return [LoginRow(u.email, self.password, f"{u.role}@{u.scope}", u.totp_secret if u.totp_enabled else None)
                for u in self.users]

    def summary(self) -> str:
        """A human summary: counts, multi-client share, credential statuses, build time, logins."""
        day = self.anchor
        roles = Counter(role for _, role in {(a.employee_id, a.role) for a in self.assignments})
        statuses = Counter(c.status(day) for c in self.credentials)
        periods = Counter("ended" if a.end and a.end <= day else "future" if a.start > day else "current"
                          for a in self.assignments)
        per_client = self.clients_per_agent()
        gaps = self.credential_gaps()
        terminated = sum(1 for e in self.employees if e.termination_date)
        codes = ", ".join(c.code for c in self.clients[:7]) + (", …" if len(self.clients) > 7 else "")
        counts = [
            ("clients", len(self.clients), f"({codes})"),
            ("LOBs", len(self.lobs), ""),
            ("sites", len(self.sites), f"({', '.join(s.name for s in self.sites)})"),
            ("employees", len(self.employees),
             (f"({len(self.agent_ids())} agents, {roles['supervisor']} supervisors, {roles['lead']} leads,"
              f" {roles['trainer']} trainers; {terminated} terminated)")),
            ("multi-client", f"{self.multi_client_share():.1%}",
             f"of agents work for 2+ clients ({sum(1 for n in per_client.values() if n >= 3)} for 3)"),
            ("assignments", len(self.assignments),
             f"({periods['current']} current, {periods['ended']} ended, {periods['future']} future)"),
            ("credentials", len(self.credentials),
             (f"({statuses['expired']} expired, {statuses['expiring']} expiring within {EXPIRING_DAYS} days,"
              f" {statuses['revoked']} revoked)")),
            ("gaps", sum(gaps.values()),
             (f"required credentials current agents lack ({gaps['pci_clearance']} agents on card-data LOBs"
              f" without a valid pci_clearance)")),
            ("users", len(self.users), f"(password for every user: {self.password})"),
        ]
        lines = [(f"Demo BPO {self.tenant_name!r} ({self.tenant_slug}): size {self.size}, seed {self.seed},"
                  f" anchor date {day.isoformat()}")]
        lines += [f"  {label:<13} {value!s:>6}  {note}".rstrip() for label, value, note in counts]
        lines += [f"  built in {self.build_seconds:.1f} s", "", format_logins(self.login_rows())]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"DemoResult(size={self.size!r}, seed={self.seed}, tenant={self.tenant_slug!r},"
                f" clients={len(self.clients)}, lobs={len(self.lobs)}, employees={len(self.employees)})")


def region_permitted(region: str, permitted: tuple[str, ...]) -> bool:
    """Python twin of ``app.region_permitted``: countries, subdivisions or ``EU``; empty: any."""
    country = region.split("-")[0]
    return not permitted or any(
        region == p or region.startswith(p + "-") or (p == "EU" and country in EU_COUNTRIES)
        for p in permitted
    )
