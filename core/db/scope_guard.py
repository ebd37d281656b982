"""A row's scope never changes after insert: tenant, client and LOB are fixed for its life.

Row policies judge a write by the row as it was and as it will be, but a policy
helper such as ``app.lob_ids()`` reads the scope graph as it was before the
statement: a LOB-level writer could otherwise move "their" LOB to another client,
and a tenant admin or the owner could move any row to another client or LOB where
no foreign key objects. So every table that carries ``tenant_id`` gets one cheap
row trigger, ``BEFORE UPDATE … FOR EACH ROW WHEN (OLD.x IS DISTINCT FROM NEW.x …)``
over the scope columns it has (:data:`SCOPE_COLUMNS`: ``tenant_id``, ``client_id``,
``lob_id`` and the ``lob_ids`` a job or schedule is about, whether they are the
table's scope level or attributes that decide who sees the row, like
``credential.client_id``). The ``WHEN`` clause is evaluated without calling the
function, so an update that leaves the scope alone costs a few comparisons.

A trigger rather than column privileges: privileges do not bind the tables' owner
(workers, migrations, the CLI), a trigger does, for every role.

The trigger's name sorts before every lower-case name, so PostgreSQL (which fires a
table's row triggers in name order) refuses a move with ``SCOPE_IMMUTABLE`` before
any of the module's own guards looks at the row (the price: a module's BEFORE UPDATE
trigger must never set a scope column itself, since it runs after this one; none
does). A move is refused as the
``scope_immutable`` constraint (``core.db.constraints`` maps it to the coded error).
Nothing in the platform moves a row: moving work to another LOB ends the row and
creates a new one (``moveAssignment``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SCOPE_COLUMNS = ("tenant_id", "client_id", "lob_id", "lob_ids")
TRIGGER = "_scope_immutable"
CONSTRAINT = "scope_immutable"
FUNCTION = "app.refuse_scope_change"

REFUSE_FUNCTION = f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = '{CONSTRAINT}';
END $$"""

# Every table of the public schema that carries tenant_id, with its scope columns and
# the scope trigger's definition (NULL without one) and state ('D': disabled).
GUARDED_TABLES = f"""
SELECT c.relname AS name,
       array(SELECT a.attname::text FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                AND a.attname = ANY (:columns) ORDER BY a.attnum) AS columns,
       pg_get_triggerdef(t.oid) AS definition, t.tgenabled AS enabled
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND t.tgname = '{TRIGGER}'
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
   AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'
                  AND NOT a.attisdropped)
 ORDER BY c.relname
"""
GUARDED_PARAMS = {"columns": list(SCOPE_COLUMNS)}

_COMPARED = re.compile(r"old\.(\w+) IS DISTINCT FROM new\.(\w+)")


def scope_columns_of(columns: Iterable[str]) -> list[str]:
    """The scope columns among ``columns``, in :data:`SCOPE_COLUMNS` order."""
    present = set(columns)
    return [c for c in SCOPE_COLUMNS if c in present]


def scope_guard_ddl(table: str, columns: Iterable[str]) -> list[str]:
    """The statements that make ``table``'s scope columns (among ``columns``) immutable.

    Idempotent (``CREATE OR REPLACE``): a migration may run them over a table that
    already has the trigger.
    """
    guarded = scope_columns_of(columns)
    if not guarded:
        raise ValueError(f"{table} has no scope column")
    when = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in guarded)
    return [
        REFUSE_FUNCTION,
        f"CREATE OR REPLACE TRIGGER {TRIGGER} BEFORE UPDATE ON {table} FOR EACH ROW WHEN ({when})"
        f" EXECUTE FUNCTION {FUNCTION}()",
    ]


def guard_problems(name: str, columns: list[str], definition: str | None, enabled: str | None) -> list[str]:
    """What is wrong with one table's scope trigger (a row of :data:`GUARDED_TABLES`)."""
    if definition is None:
        return [f"table {name}: scope columns may change (no {TRIGGER} trigger)"]
    problems = []
    if enabled == "D":
        problems.append(f"table {name}: the {TRIGGER} trigger is disabled")
    shape = (" BEFORE UPDATE ON ", " FOR EACH ROW WHEN ", f" EXECUTE FUNCTION {FUNCTION}()")
    if not all(part in definition for part in shape):
        problems.append(f"table {name}: the {TRIGGER} trigger is not a row trigger before every update")
    compared = {old for old, new in _COMPARED.findall(definition) if old == new}
    uncovered = [c for c in columns if c not in compared]
    if uncovered:
        problems.append(f"table {name}: the {TRIGGER} trigger does not cover {', '.join(uncovered)}")
    return problems
