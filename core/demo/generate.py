"""Generate the demo BPO for a size and a seed: pure Python, no database, deterministic.

One ``random.Random(seed)`` drives every choice, ids are ``uuid5`` of the seed and a
natural key, and every date hangs off :data:`~.model.ANCHOR`; so a seed always
yields the same rows. The shape:

* agents are apportioned to LOBs by weight and hired from the pools (sites, or US
  work-at-home) that speak the LOB's language and that the client's residency
  rules permit, so every assignment passes ``app.check_residency``;
* 30% of the agents also work one or two LOBs of other clients (hours caps split);
* some agents moved from another LOB of the same client (ended assignments), a
  few have a scheduled transfer (future assignments), a few are terminated;
* each LOB gets supervisors (one per 20 current agents), big LOBs a lead, each
  client a trainer;
* credentials follow each LOB's requirements: most valid, some expired, some
  expiring within 30 days, a few revoked, and some agents of card-data LOBs
  without ``pci_clearance``;
* one user per role (see :data:`.catalog.USERS`).
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import math
import random
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar
from uuid import UUID

from . import catalog as cat
from .model import (
    ANCHOR,
    EXPIRING_DAYS,
    Assignment,
    Binding,
    Client,
    Credential,
    DemoResult,
    Employee,
    Grant,
    Lob,
    Site,
    User,
    make_id,
    region_permitted,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Size:
    """How big a demo BPO is; ``bulk``: load employees, assignments and credentials with COPY."""

    name: str
    clients: int
    lobs: int
    agents: int
    bulk: bool


SIZES = {
    "small": Size("small", clients=7, lobs=23, agents=500, bulk=False),
    "mid": Size("mid", clients=7, lobs=23, agents=500, bulk=False),  # plugins add a year of activity
    "large": Size("large", clients=40, lobs=200, agents=5000, bulk=True),
}

MULTI_CLIENT_SHARE = 0.30   # of agents: work for two or more clients
THIRD_CLIENT_SHARE = 0.12   # of those: work for three
SEASONAL_SHARE = 0.20       # of second-client assignments: bounded (peak season)
TERMINATED_SHARE = 0.03
HISTORY_SHARE = 0.12        # of agents hired over 400 days ago: moved from another LOB of the client
TRANSFER_SHARE = 0.02       # scheduled move to another LOB of the client (future assignment)
AGENTS_PER_SUPERVISOR = 20
LEAD_THRESHOLD = 30         # current agents on a LOB that warrant a team lead
NATIVE_MATCH = 0.6          # chance an agent hired for a language is a native speaker of it

SINGLE_CAPS = (("40", 60), ("37.5", 15), ("30", 10), ("24", 10), ("20", 5))  # (cap, weight)
TWO_WAY = (("24", "16"), ("20", "20"), ("30", "10"), ("25", "15"), ("20", "12"), ("16", "16"))
THREE_WAY = (("20", "12", "8"), ("16", "12", "12"), ("24", "8", "8"))
ROLE_PAY = {"agent": Decimal(1), "lead": Decimal("1.2"), "trainer": Decimal("1.3"), "supervisor": Decimal("1.45")}

MISSING_PCI = 0.07          # agents of card-data LOBs without pci_clearance
MISSING_OTHER = 0.015
EXPIRED = 0.05
EXPIRING = 0.06
REVOKED = 0.01
RENEWED = 0.30              # valid credentials that also keep last period's record


def totp_secret(seed: int) -> str:
    """The tenant admin's base32 TOTP secret: fixed for a seed, so the login is reproducible."""
    return base64.b32encode(hashlib.sha256(f"switchboard-demo-totp/{seed}".encode()).digest()[:20]).decode()


def required_credentials(language: str, card: bool, health: bool, certs: Sequence[str] = ()) -> tuple[str, ...]:
    """What working a LOB takes: PCI clearance for card data, HIPAA training for health
    data, a language test for a language other than English, plus its certifications."""
    kinds = ["pci_clearance"] * card + ["hipaa_training"] * health
    kinds += [f"lang_test:{language}"] * (language != "en")
    return (*kinds, *certs)


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (negative: back), clamped to the month's last day."""
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder, ties by position)."""
    quotas = [total * w / sum(weights) for w in weights]
    counts = [int(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - quotas[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text).lower() if c.isascii() and c.isalnum())


def generate(size: Size, seed: int, password_hash: str) -> DemoResult:
    """The demo BPO of ``size`` for ``seed``; every user gets ``password_hash``."""
    return _Generator(size, seed, password_hash).run()


class _Generator:
    """One generation run: the random stream, the records so far and their indexes."""

    def __init__(self, size: Size, seed: int, password_hash: str) -> None:
        self.size = size
        self.seed = seed
        self.rng = random.Random(seed)
        self.password_hash = password_hash
        self.tenant_id = make_id(seed, "tenant", cat.TENANT_SLUG)
        self.demo = DemoResult(size=size.name, seed=seed, anchor=ANCHOR, tenant_id=self.tenant_id,
                               tenant_name=cat.TENANT_NAME, tenant_slug=cat.TENANT_SLUG)
        self.pools = {p.key: p for p in cat.POOLS}
        self.site_ids: dict[str, UUID] = {}
        self.clients_by_id: dict[UUID, Client] = {}
        self.lobs_by_id: dict[UUID, Lob] = {}
        self.lobs_of_client: dict[UUID, list[Lob]] = defaultdict(list)
        self.hiring: dict[UUID, list[tuple[cat.Pool, float]]] = {}
        self.of_employee: dict[UUID, list[Assignment]] = defaultdict(list)
        self.of_lob: dict[UUID, list[Assignment]] = defaultdict(list)
        self.employees_by_id: dict[UUID, Employee] = {}
        self.emails: Counter[str] = Counter()

    def id(self, kind: str, *key: object) -> UUID:
        return make_id(self.seed, kind, *key)

    def run(self) -> DemoResult:
        self.make_sites()
        self.make_clients()
        self.make_agents()
        self.make_second_jobs()
        self.make_staff()
        self.make_credentials()
        self.make_users()
        return self.demo

    # -- random helpers ----------------------------------------------------------------

    def weighted(self, options: Sequence[tuple[T, float]]) -> T:
        values, weights = zip(*options, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    def days_before(self, day: date, low: int, high: int) -> date:
        return day - timedelta(days=self.rng.randint(low, high))

    # -- scope graph ---------------------------------------------------------------------

    def make_sites(self) -> None:
        for s in cat.SITES:
            site = Site(self.id("site", s.code), self.tenant_id, s.code, s.name, s.country, s.region, s.timezone)
            self.demo.sites.append(site)
            self.site_ids[s.code] = site.id

    def make_clients(self) -> None:
        specs = [(c, cat.NAMED_LOBS[c.code]) for c in cat.NAMED_CLIENTS]
        named_lobs = sum(len(lobs) for lobs in cat.NAMED_LOBS.values())
        specs += self.generated_clients(self.size.clients - len(specs), self.size.lobs - named_lobs)
        for spec, lob_specs in specs:
            client = Client(self.id("client", spec.code), self.tenant_id, spec.code, spec.name, spec.jurisdiction,
                            spec.timezone, spec.languages, spec.currency, spec.holiday_region, spec.regimes,
                            spec.residency)
            self.demo.clients.append(client)
            self.clients_by_id[client.id] = client
            for ls in lob_specs:
                self.add_lob(client, ls)

    def add_lob(self, client: Client, spec: cat.LobSpec) -> None:
        lob = Lob(self.id("lob", client.code, spec.code), self.tenant_id, client.id, client.code, spec.code,
                  spec.name, spec.language, spec.channel, spec.timezone or client.timezone, Decimal(spec.sla_pct),
                  spec.sla_seconds, required_credentials(spec.language, spec.card, spec.health, spec.certs),
                  spec.card, spec.health, spec.weight)
        pools = self.hiring_pools(spec.language, client.jurisdiction, client.residency_regions)
        if not pools:
            raise ValueError(f"demo catalog: no pool can staff {client.code}/{spec.code}")
        self.hiring[lob.id] = pools
        self.demo.lobs.append(lob)
        self.lobs_by_id[lob.id] = lob
        self.lobs_of_client[client.id].append(lob)

    @staticmethod
    def hiring_pools(language: str, jurisdiction: str, residency: tuple[str, ...]) -> list[tuple[cat.Pool, float]]:
        """Pools that can staff a LOB in ``language`` for a client of ``jurisdiction`` and
        ``residency``, with hiring weights (pools in the client's own country preferred)."""
        country = jurisdiction.split("-")[0]
        return [(pool, weight * (3 if pool.country == country else 1))
                for pool in cat.POOLS
                for lang, weight in pool.preference
                if lang == language and region_permitted(pool.regions[0], residency)]

    def generated_clients(self, count: int, lob_count: int) -> list[tuple[cat.ClientSpec, list[cat.LobSpec]]]:
        """``count`` further clients (prefix × industry) sharing ``lob_count`` LOBs."""
        if count <= 0:
            return []
        pairs = [(prefix, industry) for prefix in cat.PREFIXES for industry in cat.INDUSTRIES]
        out = []
        shares = apportion(lob_count, [1] * count)
        for (prefix, industry), n_lobs in zip(self.rng.sample(pairs, count), shares, strict=True):
            spec = self.generated_client(prefix, industry)
            out.append((spec, self.generated_lobs(spec, industry, n_lobs)))
        return out

    def generated_client(self, prefix: str, industry: cat.Industry) -> cat.ClientSpec:
        options = [j for j in cat.JURISDICTIONS if not industry.us_only or j[0].startswith("US-")]
        jurisdiction, timezone, currency, languages = self.rng.choice(options)
        country = jurisdiction.split("-")[0]
        regimes = set(industry.regimes)
        regimes |= {"PIPEDA"} if country == "CA" else set()
        regimes |= {"QC_LAW25"} if jurisdiction == "CA-QC" else set()
        regimes |= {"CCPA"} if jurisdiction == "US-CA" else set()
        regimes |= {"GDPR"} if country in cat.EU_COUNTRIES else set()
        residency: tuple[str, ...] = ()
        if industry.us_only:
            residency = ("US",)
        elif country in cat.EU_COUNTRIES and self.rng.random() < 0.5:
            residency = ("EU",)
        elif industry.abbreviation == "BNK" and country == "CA":
            residency = ("CA",)
        return cat.ClientSpec(f"{prefix.upper()}-{industry.abbreviation}", f"{prefix} {industry.label}",
                              jurisdiction, timezone, languages, currency, jurisdiction,
                              tuple(sorted(regimes)), residency)

    def generated_lobs(self, client: cat.ClientSpec, industry: cat.Industry, count: int) -> list[cat.LobSpec]:
        """``count`` LOBs: the industry's templates in the client's first staffable
        language, the first two also in its second one."""
        languages = [lang for lang in client.languages
                     if self.hiring_pools(lang, client.jurisdiction, client.residency)] or ["en"]
        combos = []
        for i, template in enumerate(industry.lobs):
            combos += [(template, lang) for lang in languages[: 2 if i < 2 else 1]]
        specs = []
        for (code, name, channel), lang in combos[:count]:
            sla_pct, sla_seconds = cat.CHANNEL_SLA[channel]
            specs.append(cat.LobSpec(
                f"{code}-{lang.upper()}", f"{name} {lang.upper()}", lang, channel, sla_pct, sla_seconds,
                weight=round(cat.CHANNEL_WEIGHT[channel] * 5 * self.rng.uniform(0.6, 1.4), 2),
                card=code in industry.card_lobs, health="HIPAA" in industry.regimes,
                certs=("cert:tier2",) if code == "TIER2" else ()))
        return specs

    # -- people --------------------------------------------------------------------------

    def person(self, pool: cat.Pool, language: str, hired: date, terminated: date | None = None) -> Employee:
        """A new employee of ``pool`` who speaks ``language`` (at C1 or better)."""
        rng = self.rng
        natives = dict(pool.natives)
        native = language if language in natives and rng.random() < NATIVE_MATCH else self.weighted(pool.natives)
        languages = [{"language": native, "proficiency": "native"}]
        if language != native:
            languages.append({"language": language, "proficiency": rng.choice(("C1", "C2"))})
        for lang, chance in pool.extras:
            if all(x["language"] != lang for x in languages) and rng.random() < chance:
                languages.append({"language": lang, "proficiency": self.weighted(cat.PROFICIENCY_WEIGHTS)})
        group = dict(pool.names)[native]
        first, last = rng.choice(cat.FIRST_NAMES[group]), rng.choice(cat.LAST_NAMES[group])
        local = f"{_ascii(first)}.{_ascii(last)}"
        self.emails[local] += 1
        suffix = self.emails[local] if self.emails[local] > 1 else ""
        number = len(self.demo.employees) + 1
        region = rng.choice(pool.regions)
        employee = Employee(
            id=self.id("employee", number), tenant_id=self.tenant_id,
            employee_number=f"{cat.EMPLOYEE_PREFIX}{number:05d}", legal_name=f"{first} {last}",
            preferred_name=f"{cat.NICKNAMES.get(first, first)} {last}",
            email=f"{local}{suffix}@{cat.EMAIL_DOMAIN}", phone=f"{cat.PHONE_PREFIXES[region]} {number % 10000:04d}",
            hire_date=hired, termination_date=terminated,
            home_site_id=self.site_ids[pool.site] if pool.site else None,
            work_region=region, languages=languages, pool=pool.key)
        self.demo.employees.append(employee)
        self.employees_by_id[employee.id] = employee
        return employee

    def can_work(self, employee: Employee, lob: Lob) -> bool:
        """Speaks the LOB's language and works where its client's residency rules permit."""
        client = self.clients_by_id[lob.client_id]
        return employee.speaks(lob.language) and region_permitted(employee.work_region, client.residency_regions)

    def assign(self, employee: Employee, lob: Lob, role: str, start: date, end: date | None, cap: str,
               supervisor: UUID | None = None) -> Assignment:
        pool = self.pools[employee.pool]
        assignment = Assignment(
            self.id("assignment", employee.employee_number, lob.client_code, lob.code, role, start),
            self.tenant_id, lob.client_id, lob.id, employee.id, role, supervisor, start, end,
            self.pay_rate(pool, lob, role), pool.currency, Decimal(cap))
        self.demo.assignments.append(assignment)
        self.of_employee[employee.id].append(assignment)
        self.of_lob[lob.id].append(assignment)
        return assignment

    def pay_rate(self, pool: cat.Pool, lob: Lob, role: str) -> Decimal:
        """The pool's base rate plus premiums for sensitive data, a second language and
        tier-2 work, a seniority step, times the role's factor."""
        premium = Decimal("0.75") if lob.handles_card_data or lob.handles_health_data else Decimal(0)
        premium += Decimal("1.00") if lob.language != "en" else Decimal(0)
        premium += Decimal("2.00") if "cert:tier2" in lob.required_credentials else Decimal(0)
        step = Decimal(self.rng.randint(0, 8)) * Decimal("0.25")
        return ((pool.base_rate + premium + step) * ROLE_PAY[role]).quantize(Decimal("0.01"))

    def sibling_lob(self, employee: Employee, lob: Lob) -> Lob | None:
        """Another LOB of ``lob``'s client that ``employee`` can work, if any."""
        options = [x for x in self.lobs_of_client[lob.client_id] if x.id != lob.id and self.can_work(employee, x)]
        return self.rng.choice(options) if options else None

    def make_agents(self) -> None:
        """Hire the agents LOB by LOB (in shuffled order) with their first client's assignments."""
        lobs = self.demo.lobs
        headcounts = apportion(self.size.agents, [x.weight for x in lobs])
        slots = [lob for lob, n in zip(lobs, headcounts, strict=True) for _ in range(n)]
        self.rng.shuffle(slots)
        for lob in slots:
            self.hire_agent(lob)

    def hire_agent(self, lob: Lob) -> None:
        rng = self.rng
        pool = self.weighted(self.hiring[lob.id])
        if rng.random() < TERMINATED_SHARE:
            hired = self.days_before(ANCHOR, 220, 2000)
            employee = self.person(pool, lob.language, hired, self.days_before(ANCHOR, 7, 180))
        else:
            employee = self.person(pool, lob.language, ANCHOR - timedelta(days=int(rng.triangular(35, 2400, 120))))
        start = employee.hire_date + timedelta(days=rng.choice((7, 14, 21)))
        end = employee.termination_date + timedelta(days=1) if employee.termination_date else None
        cap = self.weighted(SINGLE_CAPS)
        previous = self.sibling_lob(employee, lob) if (
            end is None and (ANCHOR - start).days > 400 and rng.random() < HISTORY_SHARE) else None
        if previous is not None:  # moved from another LOB of the same client
            moved = start + timedelta(days=rng.randint(90, (ANCHOR - start).days - 60))
            self.assign(employee, previous, "agent", start, moved, cap)
            start = moved
        current = self.assign(employee, lob, "agent", start, end, cap)
        transfer = self.sibling_lob(employee, lob) if end is None and rng.random() < TRANSFER_SHARE else None
        if transfer is not None:  # scheduled move: ends the current assignment
            current.end = ANCHOR + timedelta(days=rng.randint(7, 35))
            self.assign(employee, transfer, "agent", current.end, None, cap)

    def make_second_jobs(self) -> None:
        """Give 30% of the agents LOBs of one or two further clients, splitting their hours."""
        agents = [e for e in self.demo.employees if e.termination_date is None]
        target = round(MULTI_CLIENT_SHARE * self.size.agents)
        done = 0
        for employee in self.rng.sample(agents, len(agents)):
            if done >= target:
                break
            own = self.of_employee[employee.id]
            second = self.other_client_lob(employee, {a.client_id for a in own})
            if second is None:
                continue
            third = (self.other_client_lob(employee, {a.client_id for a in own} | {second.client_id})
                     if self.rng.random() < THIRD_CLIENT_SHARE else None)
            caps = self.rng.choice(THREE_WAY if third else TWO_WAY)
            for a in own:
                if a.end is None or a.end > ANCHOR:
                    a.weekly_hours_cap = Decimal(caps[0])
            for lob, cap in zip([x for x in (second, third) if x], caps[1:], strict=True):
                start = max(employee.hire_date + timedelta(days=30), self.days_before(ANCHOR, 14, 540))
                seasonal = self.rng.random() < SEASONAL_SHARE
                self.assign(employee, lob, "agent", start,
                            ANCHOR + timedelta(days=self.rng.randint(14, 70)) if seasonal else None, cap)
            done += 1

    def other_client_lob(self, employee: Employee, clients: set[UUID]) -> Lob | None:
        options = [(lob, lob.weight) for lob in self.demo.lobs
                   if lob.client_id not in clients and self.can_work(employee, lob)]
        return self.weighted(options) if options else None

    def make_staff(self) -> None:
        """Supervisors (and leads) per LOB, a trainer per client; agents get their supervisor."""
        for lob in self.demo.lobs:
            agents = [a for a in self.of_lob[lob.id] if a.role == "agent"]
            current = sum(a.active_on(ANCHOR) for a in agents)
            pool = self.staff_pool(lob)
            since = min((a.start for a in agents), default=self.days_before(ANCHOR, 60, 400))
            supervisors = []
            for _ in range(max(1, math.ceil(current / AGENTS_PER_SUPERVISOR))):
                start = self.days_before(since, 0, 90)
                person = self.person(pool, lob.language, self.days_before(start, 30, 700))
                supervisors.append(person)
                self.assign(person, lob, "supervisor", start, None, "40")
            for i, a in enumerate(agents):
                a.supervisor_id = supervisors[i % len(supervisors)].id
            if current >= LEAD_THRESHOLD:
                lead = self.person(pool, lob.language, self.days_before(ANCHOR, 400, 2000))
                start = self.days_before(ANCHOR, 30, 365)
                self.assign(lead, lob, "lead", start, None, "40", supervisor=supervisors[0].id)
        for client in self.demo.clients:
            lobs = self.lobs_of_client[client.id]
            main = max(lobs, key=lambda x: x.weight)
            trainer = self.person(self.staff_pool(main), main.language, self.days_before(ANCHOR, 700, 3000))
            covered = [lob for lob in lobs if self.can_work(trainer, lob)]
            cap = str(math.floor(40 / len(covered) * 2) / 2)  # whole or half hours, 40 in all at most
            for lob in covered:
                self.assign(trainer, lob, "trainer", self.days_before(ANCHOR, 30, 600), None, cap)

    def staff_pool(self, lob: Lob) -> cat.Pool:
        """The pool most of a LOB's agents come from (its supervisors and trainers do too)."""
        counts = Counter(self.employees_by_id[a.employee_id].pool for a in self.of_lob[lob.id] if a.role == "agent")
        order = [p.key for p in cat.POOLS]
        eligible = [p for p, _ in self.hiring[lob.id]]
        return max(eligible, key=lambda p: (counts[p.key], -order.index(p.key)))

    # -- credentials ---------------------------------------------------------------------

    def make_credentials(self) -> None:
        """Credentials for what each employee's current and future LOBs require, plus a
        language test for every second language spoken at C1 or better."""
        cert_clients = {f"cert:{c.code.lower()}": c.id for c in self.demo.clients}
        for employee in self.demo.employees:
            if employee.termination_date:
                continue
            ongoing = [a for a in self.of_employee[employee.id] if a.end is None or a.end > ANCHOR]
            kinds = dict.fromkeys(k for a in ongoing for k in self.lobs_by_id[a.lob_id].required_credentials)
            kinds.update(dict.fromkeys(f"lang_test:{x['language']}" for x in employee.languages
                                       if x["proficiency"] in ("C1", "C2")))
            staff = any(a.role != "agent" for a in ongoing)
            for kind in kinds:
                self.credential(employee, kind, cert_clients.get(kind), reliable=staff)

    def credential(self, employee: Employee, kind: str, client_id: UUID | None, reliable: bool) -> None:
        """One credential (with last period's record for some): staff's are always valid;
        agents' are sometimes missing, expired, expiring or revoked."""
        rng = self.rng
        months = cat.VALIDITY_MONTHS.get(kind, cat.CLIENT_CERT_MONTHS if client_id else None)
        missing = MISSING_PCI if kind == "pci_clearance" else MISSING_OTHER
        if not reliable and rng.random() < missing:
            return
        if months is None:
            issued, expires = self.days_before(employee.hire_date, 3, 30), None
        else:
            draw = 1.0 if reliable else rng.random()
            if draw < EXPIRED:
                target = self.days_before(ANCHOR, 1, 120)
            elif draw < EXPIRED + EXPIRING:
                target = ANCHOR + timedelta(days=rng.randint(1, EXPIRING_DAYS))
            else:
                validity = (add_months(ANCHOR, months) - ANCHOR).days
                target = ANCHOR + timedelta(days=rng.randint(EXPIRING_DAYS + 1, validity))
            issued = add_months(target, -months)
            if issued < employee.hire_date - timedelta(days=30):  # a recent hire: issued when hired
                issued = self.days_before(employee.hire_date, 0, 14)
            expires = add_months(issued, months)
        revoked = None
        if not reliable and rng.random() < REVOKED:
            revoked = max(issued, self.days_before(ANCHOR, 1, 60))
        self.add_credential(employee, kind, client_id, issued, expires, revoked)
        if months and expires > ANCHOR and rng.random() < RENEWED:
            previous = add_months(issued, -months)
            if previous >= employee.hire_date - timedelta(days=30):
                self.add_credential(employee, kind, client_id, previous, issued, None)

    def add_credential(self, employee: Employee, kind: str, client_id: UUID | None, issued: date,
                       expires: date | None, revoked: date | None) -> None:
        self.demo.credentials.append(Credential(
            self.id("credential", employee.employee_number, kind, issued), self.tenant_id, employee.id,
            kind, client_id, issued, expires, revoked))

    # -- users ---------------------------------------------------------------------------

    def make_users(self) -> None:
        """One user per role; client users are bound to their client before their grant."""
        for spec in cat.USERS:
            employee = self.linked_employee(spec.person) if spec.person else None
            client_code, _, lob_code = (spec.scope or "").partition("/")
            client = self.demo.client(client_code) if client_code else None
            lob = next(x for x in self.lobs_of_client[client.id] if x.code == lob_code) if lob_code else None
            kind = "client" if spec.role in cat.CLIENT_ROLES else "staff"
            admin = spec.role == "tenant_admin"
            user = User(
                self.id("user", spec.email), self.tenant_id, spec.email, kind, employee.id if employee else None,
                spec.display_name or employee.preferred_name, spec.locale, self.password_hash,
                totp_secret(self.seed) if admin else None, admin, spec.role, spec.scope or "tenant")
            self.demo.users.append(user)
            if kind == "client":
                self.demo.bindings.append(Binding(self.id("binding", spec.email), self.tenant_id, client.id, user.id))
            self.demo.grants.append(Grant(self.id("grant", spec.email, spec.role, user.scope), self.tenant_id,
                                          user.id, spec.role, client.id if client else None, lob.id if lob else None))

    def linked_employee(self, person: str) -> Employee:
        """The employee behind the supervisor or agent login: the first supervisor of the
        showcase LOB, or the first agent working the showcase client and another one."""
        showcase = self.demo.client(cat.SHOWCASE_CLIENT)
        if person == "supervisor":
            lob = next(x for x in self.lobs_of_client[showcase.id] if x.code == cat.SHOWCASE_LOB)
            first = next(a for a in self.of_lob[lob.id] if a.role == "supervisor")
            return self.employees_by_id[first.employee_id]
        per_agent = self.demo.clients_per_agent()
        for employee in self.demo.employees:
            clients = {a.client_id for a in self.of_employee[employee.id] if a.active_on(ANCHOR)}
            if per_agent[employee.id] >= 2 and showcase.id in clients:
                return employee
        raise ValueError("demo: no agent works for the showcase client and another one")
