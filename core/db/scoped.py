"""The scoped-table helper: the one way core and plugins declare a table that carries scope.

A scoped table belongs to a tenant, and optionally to a client and a LOB of it. The
helper adds what a module must never forget:

* scope columns (``tenant_id`` [, ``client_id`` [, ``lob_id``]]) and ``id``, with
  the primary key and every foreign key leading with ``tenant_id``;
* composite foreign keys up the scope graph, so a row can never name a LOB of
  another client nor a client of another tenant (and tables co-locate by tenant);
* an index for every column a policy filters on;
* row-level security, enabled and forced, with a read and a write policy derived
  from the caller's identity through grant and binding tables; every helper is
  called as ``(SELECT fn())`` so PostgreSQL evaluates it once per statement;
* table grants to the runtime role (only the commands asked for);
* the audit triggers (statement-level, with transition tables), which redact PII;
* the scope trigger: its scope columns, and any ``client_id``/``lob_id``/``lob_ids``
  column it declares, never change after insert (:mod:`.scope_guard`).

Use it from a migration::

    from switchboard.core.db.scoped import ScopedTable, create_scoped_table

    create_scoped_table(op, ScopedTable(
        name="note", scope="lob", columns="body text NOT NULL",
        references={"employee_id": "employee"}, self_column="employee_id"))

Its output is history. Existing migrations call it, and replaying them on a fresh
database must create what they created the day they landed, so the DDL it gives a
declaration never changes: ``tests/core/test_migration_history.py`` holds every
migration's SQL as recorded when it landed (``tests/core/migration_history``), and a
change here that alters any of it fails there. A new behaviour comes as a new field of
:class:`ScopedTable` whose default keeps today's output (as ``write_command`` did);
the migrations that want it say so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .scope_guard import scope_guard_ddl

Scope = Literal["tenant", "client", "lob"]

TENANT = "tenant_id = (SELECT app.tenant_id())"
TENANT_WIDE = "(SELECT app.tenant_wide())"
STAFF = "(SELECT app.is_staff())"
SELF = "{column} = (SELECT app.employee_id())"
AUDIT_TRIGGER_PREFIX = "audit_"


def scope_predicate(scope: Scope, *, portal: bool = False, write: bool = False) -> str:
    """The visibility predicate of a scope level, as used in row policies.

    ``tenant``: every staff member of the tenant reads; tenant-wide grants write.
    ``client``/``lob``: tenant-wide grants, or a grant on that client (or LOB);
    with ``portal`` the client's bound client users read it too (never write).
    """
    if scope == "tenant":
        return f"{TENANT} AND {TENANT_WIDE if write else STAFF}"
    flag = "true" if portal and not write else "false"
    column, fn = ("client_id", "client_ids") if scope == "client" else ("lob_id", "lob_ids")
    return f"{TENANT} AND ({TENANT_WIDE} OR {column} = ANY ((SELECT app.{fn}({flag}))::uuid[]))"


@dataclass(frozen=True)
class ScopedTable:
    """Declaration of one scoped table.

    ``columns``: SQL column definitions besides the scope columns and ``id``.
    ``references``: ``{column: table}`` composite foreign keys ``(tenant_id, column)``
    → ``table(tenant_id, id)``. ``constraints``: extra table constraints (checks,
    exclusions). ``read``/``write``: policy predicates replacing the scope defaults.
    ``self_column``: an employee column whose own employee may read the row.
    ``pii``: columns whose values the audit log redacts. ``quiet``: columns whose
    changes alone are not audited (``last_used_at``). ``commands``: what the runtime
    role may do (empty: the migration grants column by column itself).
    ``write_command``: what the write policy covers; ``INSERT`` for a table written
    more widely than it is read (an outbox), since a policy ``FOR ALL`` also reads.
    """

    name: str
    scope: Scope
    columns: str = ""
    references: Mapping[str, str] = field(default_factory=dict)
    constraints: Sequence[str] = ()
    read: str | None = None
    write: str | None = None
    self_column: str | None = None
    portal: bool = False
    pii: Sequence[str] = ()
    quiet: Sequence[str] = ()
    commands: Sequence[str] = ("SELECT", "INSERT", "UPDATE", "DELETE")
    write_command: Literal["ALL", "INSERT"] = "ALL"
    runtime_role: str = "switchboard_app"

    def scope_columns(self) -> list[str]:
        """The scope column definitions for this level."""
        cols = ["tenant_id uuid NOT NULL REFERENCES tenant (id)"]
        if self.scope in ("client", "lob"):
            cols.append("client_id uuid NOT NULL")
        if self.scope == "lob":
            cols.append("lob_id uuid NOT NULL")
        return cols

    def column_names(self) -> list[str]:
        """Every column's name: ``id``, the scope columns, then those of ``columns``."""
        declared = [c.split()[0] for c in (*self.scope_columns(), *_split_columns(self.columns))]
        return ["id", *declared]

    def read_predicate(self) -> str:
        base = self.read or scope_predicate(self.scope, portal=self.portal)
        if self.self_column:
            base = f"({base}) OR ({TENANT} AND {SELF.format(column=self.self_column)})"
        return base

    def write_predicate(self) -> str:
        return self.write or scope_predicate(self.scope, write=True)

    def ddl(self) -> list[str]:
        """Every statement that creates the table with its keys, policies and triggers."""
        n = self.name
        body = ["id uuid NOT NULL DEFAULT gen_random_uuid()", *self.scope_columns()]
        body += [c.strip() for c in _split_columns(self.columns)]
        body.append("created_at timestamptz NOT NULL DEFAULT now()")
        body.append("PRIMARY KEY (tenant_id, id)")
        if self.scope == "client":
            body.append("FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id)")
        if self.scope == "lob":
            body.append(
                "FOREIGN KEY (tenant_id, client_id, lob_id) REFERENCES lob (tenant_id, client_id, id)"
            )
        for column, target in self.references.items():
            body.append(f"FOREIGN KEY (tenant_id, {column}) REFERENCES {target} (tenant_id, id)")
        body += list(self.constraints)
        stmts = [f"CREATE TABLE {n} (\n    " + ",\n    ".join(body) + "\n)"]
        if self.scope in ("client", "lob"):
            stmts.append(f"CREATE INDEX {n}_client_idx ON {n} (tenant_id, client_id)")
        if self.scope == "lob":
            stmts.append(f"CREATE INDEX {n}_lob_idx ON {n} (tenant_id, lob_id)")
        indexed = {"id", "client_id", "lob_id"}
        for column in [*self.references, *( [self.self_column] if self.self_column else [])]:
            if column not in indexed:
                indexed.add(column)
                stmts.append(f"CREATE INDEX {n}_{column}_idx ON {n} (tenant_id, {column})")
        stmts += [
            f"ALTER TABLE {n} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {n} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY {n}_read ON {n} FOR SELECT USING ({self.read_predicate()})",
            f"CREATE POLICY {n}_write ON {n} FOR {self.write_command}"
            + (f" USING ({self.write_predicate()})" if self.write_command == "ALL" else "")
            + f" WITH CHECK ({self.write_predicate()})",
        ]
        if self.commands:
            stmts.append(f"GRANT {', '.join(self.commands)} ON {n} TO {self.runtime_role}")
        stmts += audit_trigger_ddl(n, self.pii, self.quiet)
        stmts += scope_guard_ddl(n, self.column_names())
        return stmts


def audit_trigger_ddl(table: str, pii: Sequence[str] = (), quiet: Sequence[str] = ()) -> list[str]:
    """The three statement-level audit triggers of a table.

    The trigger arguments tell ``app.audit_rows`` which columns to redact
    (``pii:<column>``) and which to ignore when they alone change (``quiet:<column>``).
    """
    args = ", ".join([f"'pii:{c}'" for c in pii] + [f"'quiet:{c}'" for c in quiet])
    spec = {
        "insert": "REFERENCING NEW TABLE AS new_rows",
        "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "REFERENCING OLD TABLE AS old_rows",
    }
    return [
        f"CREATE TRIGGER {AUDIT_TRIGGER_PREFIX}{op} AFTER {op.upper()} ON {table} {transition}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows({args})"
        for op, transition in spec.items()
    ]


def _split_columns(columns: str) -> list[str]:
    """Split comma-separated column definitions, ignoring commas inside parentheses."""
    parts, depth, current = [], 0, []
    for ch in columns:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current))
    return [p for p in parts if p.strip()]


def create_scoped_table(op, table: ScopedTable) -> None:
    """Run ``table``'s DDL through an Alembic ``op`` (or any object with ``execute``)."""
    from switchboard.core.config import get_settings

    runtime = get_settings().runtime_role
    if table.runtime_role != runtime:
        table = ScopedTable(**{**table.__dict__, "runtime_role": runtime})
    for statement in table.ddl():
        op.execute(statement)


def execute_for_runtime(op, sql: str) -> None:
    """Run hand-written DDL through ``op`` with ``{runtime}`` replaced by the runtime role's
    name (for the grants of functions and columns a migration adds itself)."""
    from switchboard.core.config import get_settings

    op.execute(sql.replace("{runtime}", get_settings().runtime_role))


def drop_scoped_table(op, name: str) -> None:
    """Drop a scoped table (its policies and triggers go with it)."""
    op.execute(f"DROP TABLE IF EXISTS {name} CASCADE")
