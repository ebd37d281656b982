"""Rows and requests shared by the schedule tests (the world of :mod:`tests.world`).

The world's LOBs keep Toronto and Montréal time: in March 2027 (before DST starts
on the 14th) local midnight is 05:00Z. ``WEEK`` is a Monday.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

from sqlalchemy import text

from tests import factories as f
from tests.core.test_workforce import mutation

WEEK = date(2027, 3, 1)
LOCAL = timezone(timedelta(hours=-5))  # EST, the world's LOBs in early March
SCHEDULING_TABLES = ("shift_template", "availability", "time_off", "scheduling_settings", "schedule",
                     "schedule_segment", "audit_event")

PUBLISH = mutation("$id: UUID!", "publishSchedule(id: $id)", "schedule { id state publishedAt }")
UNPUBLISH = mutation("$id: UUID!", "unpublishSchedule(id: $id)", "schedule { id state publishedAt }")


def at(day: int, hour: float) -> datetime:
    """Local (EST) time on ``day`` March 2027."""
    return datetime(2027, 3, day, tzinfo=LOCAL) + timedelta(hours=hour)


def schedule(owner, tenant: UUID, lobs: list[UUID], week: date = WEEK) -> UUID:
    """A draft schedule written as the owner."""
    return owner.execute(text("INSERT INTO schedule (tenant_id, lob_ids, week_start, solver_status)"
                              " VALUES (:t, CAST(:l AS uuid[]), :w, 'optimal') RETURNING id"),
                         {"t": tenant, "l": [str(x) for x in lobs], "w": week}).scalar_one()


def segment(owner, schedule_id: UUID, employee: UUID, lob: UUID, start: datetime, hours: float = 8,
            activity: str = "work", assignment: UUID | None = None) -> UUID:
    """A segment of ``employee`` on ``lob`` through their assignment to it (``assignment`` when
    they have several), as the owner."""
    return owner.execute(text(
        "INSERT INTO schedule_segment (tenant_id, client_id, lob_id, schedule_id, employee_id, assignment_id,"
        " activity, starts_at, ends_at)"
        " SELECT a.tenant_id, a.client_id, a.lob_id, :s, a.employee_id, a.id, :act, :start, :end"
        " FROM assignment a WHERE a.employee_id = :e AND a.lob_id = :l AND a.id = coalesce(:a, a.id) RETURNING id"),
        {"s": schedule_id, "e": employee, "l": lob, "act": activity, "start": start,
         "end": start + timedelta(hours=hours), "a": assignment}).scalar_one()


def assignment_of(owner, employee: UUID, lob: UUID) -> UUID:
    return owner.execute(text("SELECT id FROM assignment WHERE employee_id = :e AND lob_id = :l"),
                         {"e": employee, "l": lob}).scalar_one()


def ok(gql, world, query: str, variables: dict | None = None, who: str = "admin") -> Any:
    """The payload of a mutation (or the data of a query) that must succeed."""
    body = gql(query, variables or {}, token=world.tokens[who])
    assert "errors" not in body, body
    payload = next(iter(body["data"].values()))
    if isinstance(payload, dict) and "errors" in payload:
        assert payload["errors"] == [], payload
    return payload


def refused(gql, world, owner, query: str, variables: dict, code: str, field: str | None,
            who: str = "admin") -> dict[str, str]:
    """Refused with ``(code, field)`` in English and French, nothing written; the two messages."""
    before = f.fingerprint(owner, SCHEDULING_TABLES)
    messages = {}
    for lang in ("en", "fr"):
        body = gql(query, variables, token=world.tokens[who], lang=lang)
        assert "errors" not in body, body
        payload = next(iter(body["data"].values()))
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], payload
        messages[lang] = payload["errors"][0]["message"]
    assert messages["en"] != messages["fr"] and code not in messages.values(), messages
    assert f.fingerprint(owner, SCHEDULING_TABLES) == before
    return messages


def forbidden(gql, world, owner, query: str, variables: dict, who: str) -> str:
    """Refused as a GraphQL error (``FORBIDDEN`` and the like), nothing written; its code."""
    before = f.fingerprint(owner, SCHEDULING_TABLES)
    body = gql(query, variables, token=world.tokens[who])
    assert f.fingerprint(owner, SCHEDULING_TABLES) == before
    if body.get("errors"):
        return body["errors"][0]["extensions"]["code"]
    payload = next(iter(body["data"].values()))
    return payload["errors"][0]["code"]
