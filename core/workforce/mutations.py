"""Workforce mutations: hire, change and terminate employees; assign, end and move
assignments; record and revoke credentials."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import strawberry

from switchboard.core.graphql.access import requires
from switchboard.core.graphql.payload import UserErrorType, mutate

from . import service
from .permissions import ASSIGNMENT_MANAGE, CREDENTIAL_MANAGE, EMPLOYEE_MANAGE
from .types import Assignment, AssignmentRole, Credential, Employee, Proficiency


@strawberry.input
class LanguageSkillInput:
    language: str
    proficiency: Proficiency


@strawberry.input
class EmployeeInput:
    employee_number: str
    legal_name: str
    preferred_name: str
    hire_date: date
    work_region: str
    email: str | None = None
    phone: str | None = None
    home_site_id: UUID | None = None
    languages: list[LanguageSkillInput] = strawberry.field(default_factory=list)


@strawberry.input(description="Fields to change; an omitted field is kept, null clears email, phone or home site.")
class EmployeePatch:
    employee_number: str | None = strawberry.UNSET
    legal_name: str | None = strawberry.UNSET
    preferred_name: str | None = strawberry.UNSET
    hire_date: date | None = strawberry.UNSET
    work_region: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    home_site_id: UUID | None = strawberry.UNSET
    languages: list[LanguageSkillInput] | None = strawberry.UNSET


@strawberry.input
class AssignmentInput:
    employee_id: UUID
    lob_id: UUID = strawberry.field(description="The client is the LOB's own.")
    role: AssignmentRole
    valid_from: date
    pay_rate: Decimal = strawberry.field(description="Hourly pay rate, in payCurrency.")
    pay_currency: str = strawberry.field(description="ISO 4217 code, e.g. CAD.")
    weekly_hours_cap: float = strawberry.field(description="Most hours a week on this assignment, 1 to 60.")
    valid_to: date | None = strawberry.field(default=None, description="Last day (inclusive); null: open-ended.")
    supervisor_id: UUID | None = None


@strawberry.input
class CredentialInput:
    employee_id: UUID
    kind: str = strawberry.field(description="e.g. pci_clearance, hipaa_training, cert:retailco.")
    issued_on: date
    client_id: UUID | None = strawberry.field(default=None, description="Only for this client; null: for every client.")
    expires_on: date | None = strawberry.field(default=None, description="First day it no longer counts.")


@strawberry.type
class EmployeePayload:
    employee: Employee | None
    errors: list[UserErrorType]


@strawberry.type
class AssignmentPayload:
    assignment: Assignment | None
    errors: list[UserErrorType]


@strawberry.type
class MoveAssignmentPayload:
    ended: Assignment | None = strawberry.field(description="The assignment, now ending the day before the move.")
    created: Assignment | None = strawberry.field(description="The same terms on the new LOB.")
    errors: list[UserErrorType]


@strawberry.type
class CredentialPayload:
    credential: Credential | None
    errors: list[UserErrorType]


@strawberry.type
class WorkforceMutation:
    @strawberry.mutation(description="Hire an employee: number, names, hire date, work region and languages.",
                         extensions=[requires(EMPLOYEE_MANAGE)])
    async def hire_employee(self, info: strawberry.Info, input: EmployeeInput) -> EmployeePayload:
        ctx = info.context
        data = strawberry.asdict(input)
        return await mutate(info, EmployeePayload, lambda: service.hire_employee(ctx.db, ctx.me, data),
                            Employee.from_row)

    @strawberry.mutation(description="Change an employee's record; fields left out keep their value.",
                         extensions=[requires(EMPLOYEE_MANAGE)])
    async def update_employee(self, info: strawberry.Info, id: UUID, patch: EmployeePatch) -> EmployeePayload:
        ctx = info.context
        data = strawberry.asdict(patch)
        return await mutate(info, EmployeePayload, lambda: service.update_employee(ctx.db, ctx.me, id, data),
                            Employee.from_row)

    @strawberry.mutation(
        description="Record the last day of work; assignments past it end on it (later ones are removed).",
        extensions=[requires(EMPLOYEE_MANAGE)],
    )
    async def terminate_employee(self, info: strawberry.Info, id: UUID, termination_date: date) -> EmployeePayload:
        ctx = info.context
        return await mutate(info, EmployeePayload,
                            lambda: service.terminate_employee(ctx.db, ctx.me, id, termination_date),
                            Employee.from_row)

    @strawberry.mutation(description="Assign an employee to a LOB from a date, with a role, a pay rate and a"
                         " weekly-hours cap.", extensions=[requires(ASSIGNMENT_MANAGE)])
    async def create_assignment(self, info: strawberry.Info, input: AssignmentInput) -> AssignmentPayload:
        ctx = info.context
        data = strawberry.asdict(input)
        return await mutate(info, AssignmentPayload, lambda: service.create_assignment(ctx.db, ctx.me, data),
                            Assignment.from_row)

    @strawberry.mutation(description="Set an assignment's last day (inclusive).",
                         extensions=[requires(ASSIGNMENT_MANAGE)])
    async def end_assignment(self, info: strawberry.Info, id: UUID, last_day: date) -> AssignmentPayload:
        ctx = info.context
        return await mutate(info, AssignmentPayload, lambda: service.end_assignment(ctx.db, ctx.me, id, last_day),
                            Assignment.from_row)

    @strawberry.mutation(description="End an assignment the day before effectiveDate and continue it on another LOB.",
                         extensions=[requires(ASSIGNMENT_MANAGE)])
    async def move_assignment(
        self, info: strawberry.Info, id: UUID, to_lob_id: UUID, effective_date: date, supervisor_id: UUID | None = None
    ) -> MoveAssignmentPayload:
        ctx = info.context
        return await mutate(
            info, MoveAssignmentPayload,
            lambda: service.move_assignment(ctx.db, ctx.me, id, to_lob_id, effective_date, supervisor_id),
            fields={"ended": lambda moved: Assignment.from_row(moved[0]),
                    "created": lambda moved: Assignment.from_row(moved[1])},
        )

    @strawberry.mutation(description="Record a certification or clearance an employee holds, for every client or"
                         " for one, from its issue date until it expires.", extensions=[requires(CREDENTIAL_MANAGE)])
    async def record_credential(self, info: strawberry.Info, input: CredentialInput) -> CredentialPayload:
        ctx = info.context
        data = strawberry.asdict(input)
        return await mutate(info, CredentialPayload, lambda: service.record_credential(ctx.db, ctx.me, data),
                            Credential.from_row)

    @strawberry.mutation(description="Revoke a credential from revokedOn (the first day it no longer counts).",
                         extensions=[requires(CREDENTIAL_MANAGE)])
    async def revoke_credential(self, info: strawberry.Info, id: UUID, revoked_on: date) -> CredentialPayload:
        ctx = info.context
        return await mutate(info, CredentialPayload,
                            lambda: service.revoke_credential(ctx.db, ctx.me, id, revoked_on), Credential.from_row)
