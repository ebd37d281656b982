"""GraphQL types of the workforce model, and the request's DataLoaders for its relations."""

from __future__ import annotations

from datetime import date, timedelta
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry

from switchboard.core.graphql import loaders
from switchboard.core.graphql.context import Info
from switchboard.core.graphql.money import Money
from switchboard.core.graphql.node import Node
from switchboard.core.graphql.rows import FromRow
from switchboard.core.scope.types import Client, Lob, Site, client_by_id, lob_by_id, site_by_id

from . import permissions, service
from .eligibility import parse_reason

EXPIRING_WITHIN = timedelta(days=30)


@strawberry.enum(description="Language proficiency: a CEFR level, or native.")
class Proficiency(Enum):
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"
    NATIVE = "native"


_PROFICIENCIES = {p.value.lower(): p for p in Proficiency}


@strawberry.enum
class AssignmentRole(Enum):
    AGENT = "agent"
    LEAD = "lead"
    SUPERVISOR = "supervisor"
    TRAINER = "trainer"


@strawberry.enum(description="A credential's standing on a given day.")
class CredentialStatus(Enum):
    VALID = "VALID"
    EXPIRING = "EXPIRING"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"
    PENDING = "PENDING"


@strawberry.type(description="A language an employee works in.")
class LanguageSkill:
    language: str
    proficiency: Proficiency


@strawberry.type(description="Contact fields of an employee (PII: every read is logged).")
class EmployeeContact:
    legal_name: str
    email: str | None
    phone: str | None


def language_skills(root: Any) -> list[LanguageSkill]:
    """An employee's stored languages, ``[{"language": "fr", "proficiency": "C1" | "native"}]``,
    read only when asked for; entries of another shape are left out."""
    return [
        LanguageSkill(language=s["language"], proficiency=_PROFICIENCIES[str(s["proficiency"]).lower()])
        for s in root.stored_languages
        if isinstance(s, dict) and str(s.get("proficiency", "")).lower() in _PROFICIENCIES
    ]


@strawberry.type(description="A person employed by the BPO.")
class Employee(FromRow, Node):
    id: strawberry.Private[UUID]
    employee_number: str
    preferred_name: str
    hire_date: date
    termination_date: date | None = strawberry.field(description="Last day of work, if terminated.")
    work_region: str = strawberry.field(description="ISO 3166 region the employee works from, e.g. CA-QC.")
    languages: list[LanguageSkill] = strawberry.field(resolver=language_skills)
    home_site_id: strawberry.Private[UUID | None]
    stored_languages: strawberry.Private[list[Any]]

    row_renames = {"stored_languages": "languages"}

    @strawberry.field
    async def home_site(self, info: Info) -> Site | None:
        return await site_by_id(info.context).load(self.home_site_id)

    @strawberry.field(description="The employee's assignments the caller can see, by start date.")
    async def assignments(self, info: Info) -> list[Assignment]:
        return await assignments_of_employee(info.context).load(self.id)

    @strawberry.field(description="The employee's credentials the caller can see.")
    async def credentials(self, info: Info) -> list[Credential]:
        return await credentials_of_employee(info.context).load(self.id)

    @strawberry.field(description="Contact fields; null unless the caller may read this employee's PII. Logged.")
    async def contact(self, info: Info) -> EmployeeContact | None:
        return await employee_contact(info.context).load(self.id)


@strawberry.type(description="A date-effective assignment of an employee to a LOB.")
class Assignment(FromRow, Node):
    id: strawberry.Private[UUID]
    role: AssignmentRole
    valid_from: date
    valid_to: date | None = strawberry.field(description="Last day (inclusive); null: open-ended.")
    pay_rate: Money = strawberry.field(description="Hourly pay rate.")
    pay_currency: str
    weekly_hours_cap: float = strawberry.field(description="Most hours a week on this assignment.")
    employee_id: strawberry.Private[UUID]
    lob_id: strawberry.Private[UUID]
    client_id: strawberry.Private[UUID]
    supervisor_id: strawberry.Private[UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> Assignment:
        return super().from_row(r, pay_rate=Money(amount=r.pay_rate, currency=r.pay_currency))

    @strawberry.field
    async def employee(self, info: Info) -> Employee | None:
        return await employee_by_id(info.context).load(self.employee_id)

    @strawberry.field
    async def lob(self, info: Info) -> Lob | None:
        return await lob_by_id(info.context).load(self.lob_id)

    @strawberry.field
    async def client(self, info: Info) -> Client | None:
        return await client_by_id(info.context).load(self.client_id)

    @strawberry.field(description="Null when there is none or the caller cannot see them.")
    async def supervisor(self, info: Info) -> Employee | None:
        return await employee_by_id(info.context).load(self.supervisor_id)


@strawberry.type(description="A certification, clearance or training an employee holds.")
class Credential(FromRow):
    id: UUID
    kind: str
    issued_on: date
    expires_on: date | None = strawberry.field(description="First day it no longer counts; null: never expires.")
    revoked_on: date | None = strawberry.field(description="First day it no longer counts after revocation.")
    employee_id: strawberry.Private[UUID]
    client_id: strawberry.Private[UUID | None]

    @strawberry.field(description="Standing on a day (default today); EXPIRING: expires within 30 days.")
    def status(self, on: date | None = None) -> CredentialStatus:
        day = on or date.today()
        if self.revoked_on is not None and self.revoked_on <= day:
            return CredentialStatus.REVOKED
        if self.expires_on is not None and self.expires_on <= day:
            return CredentialStatus.EXPIRED
        if self.issued_on > day:
            return CredentialStatus.PENDING
        if self.expires_on is not None and self.expires_on <= day + EXPIRING_WITHIN:
            return CredentialStatus.EXPIRING
        return CredentialStatus.VALID

    @strawberry.field
    async def employee(self, info: Info) -> Employee | None:
        return await employee_by_id(info.context).load(self.employee_id)

    @strawberry.field(description="The client it is specific to; null: valid for every client.")
    async def client(self, info: Info) -> Client | None:
        return await client_by_id(info.context).load(self.client_id)


def reason_message(root: Any, info: Info) -> str:
    """A reason in the caller's language, rendered only when asked for."""
    day = root.date.isoformat() if root.date else ""
    return info.context.message(root.code, credentialKind=root.credential_kind or "", date=day, **root.message_params)


@strawberry.type(description="Why an agent may not work a LOB during a window.")
class IneligibilityReason:
    code: str
    message: str = strawberry.field(resolver=reason_message, description="In the caller's language.")
    credential_kind: str | None
    date: date | None
    message_params: strawberry.Private[dict[str, Any]]


@strawberry.type(description="A candidate for a LOB during a window: eligible, or the reasons not.")
class EligibleAgent:
    employee: Employee
    eligible: bool
    reasons: list[IneligibilityReason]

    @classmethod
    def from_row(cls, r: Any) -> EligibleAgent:
        reasons = ineligibility_reasons(r.reasons)
        return cls(employee=Employee.from_row(r), eligible=not reasons, reasons=reasons)


def ineligibility_reasons(raw: list[dict[str, Any]], **message_params: Any) -> list[IneligibilityReason]:
    """The reason objects eligibility rules produced; each message is rendered in the caller's language
    when asked for, with ``message_params`` besides ``credentialKind`` and ``date``."""
    return [IneligibilityReason(code=code, credential_kind=kind, date=day, message_params=message_params)
            for code, kind, day in map(parse_reason, raw)]


def employee_by_id(ctx: Any):
    """The request's loader of employees by id (None when not visible)."""
    return loaders.by_id(ctx, service.employees_by_ids, Employee.from_row)


def assignment_by_id(ctx: Any):
    """The request's loader of assignments by id (None when not visible)."""
    return loaders.by_id(ctx, service.assignments_by_ids, Assignment.from_row)


def assignments_of_employee(ctx: Any):
    """The request's loader of each employee's visible assignments."""
    return loaders.grouped(ctx, service.assignments_of_employees, Assignment.from_row, "employee_id")


def credentials_of_employee(ctx: Any):
    """The request's loader of each employee's visible credentials."""
    return loaders.grouped(ctx, service.credentials_of_employees, Credential.from_row, "employee_id")


def employee_contact(ctx: Any):
    """The request's loader of contact fields, through the logging definer function.

    The function decides (``employee.pii.read`` on the employee's scope, or their
    own record); a caller who could pass neither test gets None without a query.
    """

    async def load(ids: list[UUID]) -> list[EmployeeContact | None]:
        me = ctx.me
        if not me.can_somewhere(permissions.PII_READ) and me.employee_id not in ids:
            return [None] * len(ids)
        rows = {
            r.employee_id: EmployeeContact(legal_name=r.legal_name, email=r.email, phone=r.phone)
            for r in await service.employee_contacts(ctx.db, ids)
        }
        return [rows.get(i) for i in ids]

    return ctx.loader(employee_contact, load)
