"""GraphQL types of the audit and PII access logs."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from switchboard.core.graphql.rows import FromRow


@strawberry.enum(description="The kind of change an audit event records.")
class AuditOperation(Enum):
    INSERT = "INSERT"
    UPDATE = "UPDATE"
    DELETE = "DELETE"


@strawberry.type(description="One audited change: who, when, which row, what changed (PII redacted).")
class AuditEvent(FromRow):
    seq: int = strawberry.field(description="Position in the tenant's hash chain.")
    at: datetime
    actor_user_id: UUID | None
    table: str
    row_id: UUID | None
    client_id: UUID | None
    lob_id: UUID | None
    op: AuditOperation
    changed: JSON
    hash: str = strawberry.field(description="SHA-256 of this event chained to the previous one (hex).")

    row_renames = {"table": "table_name"}

    @classmethod
    def from_row(cls, r: Any) -> AuditEvent:
        return super().from_row(r, hash=bytes(r.hash).hex())


@strawberry.type(description="One read of an employee's contact fields.")
class PiiAccess(FromRow):
    at: datetime
    user_id: UUID
    employee_id: UUID
    fields: list[str]
