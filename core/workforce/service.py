"""Workforce services: plain functions over the request's transaction.

Every read runs as the runtime role, so RLS bounds it to the caller's scope; the
functions add no scope filter of their own. Writes check the permission key
somewhere first, validate the whole input without the database, then look the
referenced rows up (``NOT_FOUND`` whether missing or out of scope), check the
permission on the scope those rows belong to, check conflicts with SQL, and only
then write. The database's constraints and triggers back every check.

Employee contact fields (``legal_name``, ``email``, ``phone``) are written here but
never selected: the runtime role has no SELECT on them, and reads go through
``app.employee_contacts()``, which logs each one.

Dates: an assignment's ``valid_during`` is a daterange with an exclusive upper
bound; the API speaks inclusive last days (``validTo``). A credential is valid on
the days ``[issued_on, least(expires_on, revoked_on))``: ``expiresOn`` and
``revokedOn`` are the first days it no longer counts.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from switchboard.core.db.keyset import Fetched, PageRequest
from switchboard.core.db.pages import Where, filtered_page
from switchboard.core.db.session import DbSession
from switchboard.core.errors import AccessError, NotFound, UserError
from switchboard.core.identity.caller import Caller
from switchboard.core.scope import validation as sv
from switchboard.core.scope.service import get_client

from . import validation as v
from .permissions import ASSIGNMENT_MANAGE, CREDENTIAL_MANAGE, EMPLOYEE_MANAGE, READ

# The employee columns the runtime role may select (never the contact fields).
EMPLOYEE_COLUMNS = (
    "id, tenant_id, employee_number, preferred_name, hire_date, termination_date,"
    " home_site_id, work_region, languages"
)
# Assignment rows with their validity as an inclusive first and last day.
ASSIGNMENT_COLUMNS = "*, lower(valid_during) AS valid_from, upper(valid_during) - 1 AS valid_to"
# Current or future: what "works on" means for filters (as in app.employee_ids()).
CURRENT = "a.valid_during && daterange(current_date, NULL)"


# --- reads -----------------------------------------------------------------------------


async def employees_by_ids(db: DbSession, ids: list[UUID]) -> list[Any]:
    return await db.all(f"SELECT {EMPLOYEE_COLUMNS} FROM employee WHERE id = ANY(:ids)", {"ids": list(ids)})


async def employees_page(
    db: DbSession,
    caller: Caller,
    window: PageRequest,
    cap: int,
    client_id: UUID | None = None,
    lob_id: UUID | None = None,
    search: str | None = None,
) -> Fetched:
    """One page of visible employees by preferred name.

    ``client_id``/``lob_id``: only those with a current or future assignment there.
    ``search``: case-insensitive substring of the preferred name or employee number.
    """
    caller.require_somewhere(READ)
    where = Where()
    for column, value in (("client_id", client_id), ("lob_id", lob_id)):
        where.given(f"EXISTS (SELECT 1 FROM assignment a WHERE a.tenant_id = employee.tenant_id"
                    f" AND a.employee_id = employee.id AND a.{column} = :{column} AND {CURRENT})", **{column: value})
    where.search(["preferred_name", "employee_number"], search and search.strip())
    return await filtered_page(db, f"SELECT {EMPLOYEE_COLUMNS} FROM employee", ["preferred_name", "id"], window, cap,
                               where)


async def assignments_by_ids(db: DbSession, ids: list[UUID]) -> list[Any]:
    return await db.all(f"SELECT {ASSIGNMENT_COLUMNS} FROM assignment WHERE id = ANY(:ids)", {"ids": list(ids)})


async def assignments_of_employees(db: DbSession, ids: list[UUID]) -> list[Any]:
    return await db.all(
        f"SELECT {ASSIGNMENT_COLUMNS} FROM assignment WHERE employee_id = ANY(:ids)"
        " ORDER BY lower(valid_during), id",
        {"ids": list(ids)},
    )


async def credentials_of_employees(db: DbSession, ids: list[UUID]) -> list[Any]:
    return await db.all(
        "SELECT * FROM credential WHERE employee_id = ANY(:ids) ORDER BY kind, issued_on, id", {"ids": list(ids)}
    )


async def employee_contacts(db: DbSession, ids: list[UUID]) -> list[Any]:
    """Contact fields of the employees the caller may read them for; each read is logged."""
    return await db.all("SELECT * FROM app.employee_contacts(:ids)", {"ids": list(ids)})


async def get_employee(db: DbSession, employee_id: UUID, field: str = "employeeId") -> Any:
    """A visible employee, or ``NOT_FOUND`` (whether missing or out of scope)."""
    return await db.first_or_not_found(f"SELECT {EMPLOYEE_COLUMNS} FROM employee WHERE id = :id",
                                       {"id": employee_id}, field)


async def get_assignment(db: DbSession, assignment_id: UUID, field: str = "id") -> Any:
    """A visible assignment, or ``NOT_FOUND``."""
    return await db.first_or_not_found(f"SELECT {ASSIGNMENT_COLUMNS} FROM assignment WHERE id = :id",
                                       {"id": assignment_id}, field)


async def get_credential(db: DbSession, credential_id: UUID, field: str = "id") -> Any:
    """A visible credential, or ``NOT_FOUND``."""
    return await db.first_or_not_found("SELECT * FROM credential WHERE id = :id", {"id": credential_id}, field)


async def _target_lob(db: DbSession, lob_id: UUID, field: str) -> Any:
    """A visible LOB with its client's permitted residency regions, or ``NOT_FOUND``."""
    return await db.first_or_not_found(
        "SELECT l.id, l.client_id, c.residency_regions FROM lob l"
        " JOIN client c ON c.tenant_id = l.tenant_id AND c.id = l.client_id WHERE l.id = :id",
        {"id": lob_id},
        field,
    )


# --- shared checks ---------------------------------------------------------------------


async def _check_residency(db: DbSession, region: str, permitted: list[str], field: str) -> None:
    if not await db.scalar("SELECT app.region_permitted(:region, :permitted)",
                           {"region": region, "permitted": list(permitted)}):
        raise UserError("RESIDENCY_NOT_PERMITTED", field, region=region)


async def _check_free(
    db: DbSession, employee_id: UUID, lob_id: UUID, first: date, last: date | None, field: str,
    exclude: UUID | None = None,
) -> None:
    """No other assignment of the employee to the LOB meets ``[first, last]`` (``ASSIGNMENT_OVERLAP``)."""
    if await db.scalar(
        "SELECT EXISTS (SELECT 1 FROM assignment WHERE employee_id = :employee_id AND lob_id = :lob_id"
        " AND valid_during && daterange(CAST(:first AS date), CAST(:until AS date))"
        " AND id IS DISTINCT FROM CAST(:exclude AS uuid))",
        {"employee_id": employee_id, "lob_id": lob_id, "first": first, "until": _until(last), "exclude": exclude},
    ):
        raise UserError("ASSIGNMENT_OVERLAP", field)


def _check_employment(employee: Any, first: date, last: date | None, first_field: str, last_field: str) -> None:
    """An assignment lies within the employment (``OUTSIDE_EMPLOYMENT``)."""
    if first < employee.hire_date:
        raise UserError("OUTSIDE_EMPLOYMENT", first_field, date=employee.hire_date.isoformat())
    end = employee.termination_date
    if end is not None and (last is None or last > end):
        raise UserError("OUTSIDE_EMPLOYMENT", last_field, date=end.isoformat())


async def _check_supervisor(db: DbSession, supervisor_id: UUID | None, employee_id: UUID) -> None:
    if supervisor_id is None:
        return
    await get_employee(db, supervisor_id, "supervisorId")
    if supervisor_id == employee_id:
        raise UserError("SUPERVISOR_IS_EMPLOYEE", "supervisorId")


def _until(last: date | None) -> date | None:
    """The exclusive upper bound of a range whose inclusive last day is ``last``."""
    return None if last is None else last + timedelta(days=1)


def _not_self(caller: Caller, employee_id: UUID, permission: str) -> None:
    """Nobody records or revokes their own credentials (RLS refuses it too)."""
    if caller.employee_id is not None and caller.employee_id == employee_id:
        raise AccessError("FORBIDDEN", permission=permission)


# --- employees -------------------------------------------------------------------------


def employee_values(data: dict[str, Any]) -> dict[str, Any]:
    """Validated employee columns from input (only the keys present; None clears a nullable one)."""
    checks = {
        "employee_number": lambda x: sv.text(x, "employeeNumber", 32),
        "legal_name": lambda x: sv.text(x, "legalName"),
        "preferred_name": lambda x: sv.text(x, "preferredName"),
        "email": lambda x: v.email(x),
        "phone": lambda x: sv.text(x, "phone", 40),
        "hire_date": lambda x: x,
        "home_site_id": lambda x: x,
        "work_region": lambda x: sv.region(x, "workRegion"),
        "languages": lambda x: json.dumps(
            [{"language": sv.language(s["language"], "languages"), "proficiency": _value(s["proficiency"])}
             for s in x]
        ),
    }
    nullable = {"email", "phone", "home_site_id"}
    values = {}
    for key, value in data.items():
        if key not in checks or (value is None and key not in nullable):
            continue
        values[key] = None if value is None else checks[key](value)
    return values


def _value(x: Any) -> Any:
    return getattr(x, "value", x)


def _columns(values: dict[str, Any]) -> tuple[str, str]:
    cols = ", ".join(values)
    params = ", ".join(f"CAST(:{k} AS jsonb)" if k == "languages" else f":{k}" for k in values)
    return cols, params


async def _check_employee_refs(db: DbSession, values: dict[str, Any], employee_id: UUID | None = None) -> None:
    """The home site is visible and the employee number free."""
    if values.get("home_site_id") is not None and not await db.scalar(
        "SELECT EXISTS (SELECT 1 FROM site WHERE id = :id)", {"id": values["home_site_id"]}
    ):
        raise NotFound("homeSiteId")
    if "employee_number" in values and await db.scalar(
        "SELECT EXISTS (SELECT 1 FROM employee WHERE employee_number = :n AND id IS DISTINCT FROM CAST(:id AS uuid))",
        {"n": values["employee_number"], "id": employee_id},
    ):
        raise UserError("CODE_TAKEN", "employeeNumber")


async def hire_employee(db: DbSession, caller: Caller, data: dict[str, Any]) -> Any:
    """Create an employee (tenant-wide ``workforce.employee.manage``)."""
    caller.require(EMPLOYEE_MANAGE)
    values = employee_values(data)
    await _check_employee_refs(db, values)
    cols, params = _columns(values)
    return await db.first(
        f"INSERT INTO employee (tenant_id, {cols}) VALUES (:tenant_id, {params}) RETURNING {EMPLOYEE_COLUMNS}",
        {**values, "tenant_id": caller.tenant_id},
    )


async def update_employee(db: DbSession, caller: Caller, employee_id: UUID, data: dict[str, Any]) -> Any:
    """Change an employee's fields.

    Refuses a hire date after the termination date or after an assignment begins,
    and a work region that a client the employee has a current or future assignment
    with does not permit.
    """
    caller.require(EMPLOYEE_MANAGE)
    values = employee_values(data)
    employee = await get_employee(db, employee_id, "id")
    if not values:
        return employee
    if "hire_date" in values:
        if employee.termination_date is not None:
            v.not_before(employee.termination_date, values["hire_date"], "hireDate")
        first = await db.scalar("SELECT min(lower(valid_during)) FROM assignment WHERE employee_id = :id",
                                {"id": employee_id})
        if first is not None and first < values["hire_date"]:
            raise UserError("OUTSIDE_EMPLOYMENT", "hireDate", date=first.isoformat())
    await _check_employee_refs(db, values, employee_id)
    if "work_region" in values and await db.scalar(
        f"SELECT EXISTS (SELECT 1 FROM assignment a JOIN client c ON c.tenant_id = a.tenant_id AND c.id = a.client_id"
        f" WHERE a.employee_id = :id AND {CURRENT} AND NOT app.region_permitted(:region, c.residency_regions))",
        {"id": employee_id, "region": values["work_region"]},
    ):
        raise UserError("RESIDENCY_NOT_PERMITTED", "workRegion", region=values["work_region"])
    sets = ", ".join(f"{k} = CAST(:{k} AS jsonb)" if k == "languages" else f"{k} = :{k}" for k in values)
    return await db.first(
        f"UPDATE employee SET {sets} WHERE id = :id RETURNING {EMPLOYEE_COLUMNS}", {**values, "id": employee_id}
    )


async def terminate_employee(db: DbSession, caller: Caller, employee_id: UUID, termination_date: date) -> Any:
    """Record the employee's last day of work.

    In the same step, every assignment running past that day is ended on it, and
    every assignment that would only begin after it is deleted (it never took
    effect), so no assignment outlives the employment.
    """
    caller.require(EMPLOYEE_MANAGE)
    employee = await get_employee(db, employee_id, "id")
    v.not_before(termination_date, employee.hire_date, "terminationDate")
    params = {"id": employee_id, "last": termination_date, "until": _until(termination_date)}
    await db.execute("DELETE FROM assignment WHERE employee_id = :id AND lower(valid_during) > :last", params)
    await db.execute(
        "UPDATE assignment SET valid_during = daterange(lower(valid_during), :until)"
        " WHERE employee_id = :id AND (upper_inf(valid_during) OR upper(valid_during) > :until)",
        params,
    )
    return await db.first(
        f"UPDATE employee SET termination_date = :last WHERE id = :id RETURNING {EMPLOYEE_COLUMNS}", params
    )


# --- assignments -----------------------------------------------------------------------


def assignment_terms(data: dict[str, Any]) -> dict[str, Any]:
    """Validated role, pay and weekly cap of an assignment."""
    return {
        "role": _value(data["role"]),
        "pay_rate": v.pay_rate(data["pay_rate"]),
        "pay_currency": sv.currency(data["pay_currency"], "payCurrency"),
        "weekly_hours_cap": v.weekly_hours_cap(data["weekly_hours_cap"]),
    }


async def _insert_assignment(
    db: DbSession, caller: Caller, employee_id: UUID, lob: Any, terms: dict[str, Any],
    first: date, last: date | None, supervisor_id: UUID | None,
) -> Any:
    return await db.first(
        "INSERT INTO assignment (tenant_id, client_id, lob_id, employee_id, role, supervisor_id, valid_during,"
        " pay_rate, pay_currency, weekly_hours_cap)"
        " VALUES (:tenant_id, :client_id, :lob_id, :employee_id, :role, :supervisor_id,"
        " daterange(CAST(:first AS date), CAST(:until AS date)), :pay_rate, :pay_currency, :weekly_hours_cap)"
        f" RETURNING {ASSIGNMENT_COLUMNS}",
        {**terms, "tenant_id": caller.tenant_id, "client_id": lob.client_id, "lob_id": lob.id,
         "employee_id": employee_id, "supervisor_id": supervisor_id, "first": first, "until": _until(last)},
    )


async def create_assignment(db: DbSession, caller: Caller, data: dict[str, Any]) -> Any:
    """Assign an employee to a LOB from ``valid_from`` to ``valid_to`` (inclusive; None: open).

    The client is the LOB's own, so an assignment can never name a LOB of another client.
    """
    caller.require_somewhere(ASSIGNMENT_MANAGE)
    terms = assignment_terms(data)
    first, last = data["valid_from"], data.get("valid_to")
    v.not_before(last, first, "validTo")
    lob = await _target_lob(db, data["lob_id"], "lobId")
    caller.require(ASSIGNMENT_MANAGE, lob.client_id, lob.id)
    employee = await get_employee(db, data["employee_id"])
    await _check_supervisor(db, data.get("supervisor_id"), employee.id)
    _check_employment(employee, first, last, "validFrom", "validTo")
    await _check_free(db, employee.id, lob.id, first, last, "validFrom")
    await _check_residency(db, employee.work_region, lob.residency_regions, "employeeId")
    return await _insert_assignment(db, caller, employee.id, lob, terms, first, last, data.get("supervisor_id"))


async def end_assignment(db: DbSession, caller: Caller, assignment_id: UUID, last_day: date) -> Any:
    """Set an assignment's last day (inclusive). Extending it is checked like a new one."""
    caller.require_somewhere(ASSIGNMENT_MANAGE)
    current = await get_assignment(db, assignment_id)
    caller.require(ASSIGNMENT_MANAGE, current.client_id, current.lob_id)
    v.not_before(last_day, current.valid_from, "lastDay")
    if current.valid_to is not None and last_day > current.valid_to:
        employee = await get_employee(db, current.employee_id, "id")
        _check_employment(employee, current.valid_from, last_day, "lastDay", "lastDay")
        await _check_free(db, current.employee_id, current.lob_id, current.valid_from, last_day, "lastDay",
                          exclude=current.id)
    return await _set_last_day(db, current.id, last_day)


async def _set_last_day(db: DbSession, assignment_id: UUID, last_day: date) -> Any:
    return await db.first(
        "UPDATE assignment SET valid_during = daterange(lower(valid_during), :until) WHERE id = :id"
        f" RETURNING {ASSIGNMENT_COLUMNS}",
        {"id": assignment_id, "until": _until(last_day)},
    )


async def move_assignment(
    db: DbSession, caller: Caller, assignment_id: UUID, to_lob_id: UUID, effective_date: date,
    supervisor_id: UUID | None = None,
) -> tuple[Any, Any]:
    """End an assignment the day before ``effective_date`` and continue its terms on another LOB.

    The new assignment keeps the role, pay, currency, weekly cap and original last
    day; the supervisor is the one given (supervisors belong to a LOB). The LOB may
    belong to another client. Both writes happen in the caller's savepoint: either
    both land or neither. Returns ``(ended, created)``.
    """
    caller.require_somewhere(ASSIGNMENT_MANAGE)
    current = await get_assignment(db, assignment_id)
    caller.require(ASSIGNMENT_MANAGE, current.client_id, current.lob_id)
    if effective_date <= current.valid_from:
        raise UserError("END_BEFORE_START", "effectiveDate")
    v.not_before(current.valid_to, effective_date, "effectiveDate")
    if to_lob_id == current.lob_id:
        raise UserError("MOVE_TO_SAME_LOB", "toLobId")
    lob = await _target_lob(db, to_lob_id, "toLobId")
    caller.require(ASSIGNMENT_MANAGE, lob.client_id, lob.id)
    employee = await get_employee(db, current.employee_id, "id")
    await _check_supervisor(db, supervisor_id, employee.id)
    await _check_free(db, employee.id, lob.id, effective_date, current.valid_to, "effectiveDate")
    await _check_residency(db, employee.work_region, lob.residency_regions, "toLobId")
    terms = {k: current._mapping[k] for k in ("role", "pay_rate", "pay_currency", "weekly_hours_cap")}
    ended = await _set_last_day(db, current.id, effective_date - timedelta(days=1))
    created = await _insert_assignment(
        db, caller, employee.id, lob, terms, effective_date, current.valid_to, supervisor_id
    )
    return ended, created


# --- credentials -----------------------------------------------------------------------


async def record_credential(db: DbSession, caller: Caller, data: dict[str, Any]) -> Any:
    """Record a credential (tenant-wide, or of one client when ``client_id`` is given).

    Needs ``workforce.credential.manage`` on the tenant, or on the client of a
    client-specific credential.
    """
    caller.require_somewhere(CREDENTIAL_MANAGE)
    kind = v.credential_kind(data["kind"].strip())
    issued_on, expires_on = data["issued_on"], data.get("expires_on")
    v.after(expires_on, issued_on, "expiresOn")
    employee = await get_employee(db, data["employee_id"])
    client_id = data.get("client_id")
    if client_id is not None:
        await get_client(db, client_id)
    caller.require(CREDENTIAL_MANAGE, client_id)
    _not_self(caller, employee.id, CREDENTIAL_MANAGE)
    return await db.first(
        "INSERT INTO credential (tenant_id, employee_id, kind, client_id, issued_on, expires_on)"
        " VALUES (:tenant_id, :employee_id, :kind, :client_id, :issued_on, :expires_on) RETURNING *",
        {"tenant_id": caller.tenant_id, "employee_id": employee.id, "kind": kind, "client_id": client_id,
         "issued_on": issued_on, "expires_on": expires_on},
    )


async def revoke_credential(db: DbSession, caller: Caller, credential_id: UUID, revoked_on: date) -> Any:
    """Revoke a credential from ``revoked_on`` (the first day it no longer counts)."""
    caller.require_somewhere(CREDENTIAL_MANAGE)
    credential = await get_credential(db, credential_id)
    caller.require(CREDENTIAL_MANAGE, credential.client_id)
    _not_self(caller, credential.employee_id, CREDENTIAL_MANAGE)
    if credential.revoked_on is not None:
        raise UserError("ALREADY_REVOKED", "id", date=credential.revoked_on.isoformat())
    v.not_before(revoked_on, credential.issued_on, "revokedOn")
    return await db.first(
        "UPDATE credential SET revoked_on = :revoked_on WHERE id = :id RETURNING *",
        {"id": credential_id, "revoked_on": revoked_on},
    )
