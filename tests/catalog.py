"""What the migrations leave in a database, as sorted text: functions, policies, constraints,
triggers, indexes, columns, privileges and row-security flags of the project's schemas.

Two databases migrated from the same history compare equal line for line, so a change
meant to leave the migrations' effect alone (freezing their literals, refactoring the
scoped-table helper) is checked by comparing the dump before and after it::

    SWITCHBOARD_DATA_DIR=/tmp/a python -m tests.catalog > before.txt
    ... change the code ...
    SWITCHBOARD_DATA_DIR=/tmp/b python -m tests.catalog > after.txt
    diff before.txt after.txt

(``python -m tests.catalog`` migrates a fresh database with every enabled module first.)
"""

from __future__ import annotations

import sys

from sqlalchemy import Connection, text

SCHEMAS = "('public', 'app', 'timekeeping', 'billing', 'scheduling', 'sample')"
OURS = f"n.nspname IN {SCHEMAS}"

QUERIES = {
    "function": f"""
        SELECT pg_get_functiondef(p.oid) || coalesce(' ACL ' || p.proacl::text, '')
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE {OURS} AND p.prokind IN ('f', 'p')
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')""",
    "policy": f"""
        SELECT format('%s.%s %s %s %s USING (%s) CHECK (%s)', schemaname, tablename, policyname, permissive,
                      cmd, qual, with_check) || ' TO ' || roles::text
          FROM pg_policies n WHERE n.schemaname IN {SCHEMAS}""",
    "constraint": f"""
        SELECT format('%s %s %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
          FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
         WHERE {OURS} AND c.conrelid <> 0""",
    "trigger": f"""
        SELECT pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text
          FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE {OURS} AND NOT t.tgisinternal""",
    "index": f"SELECT indexdef FROM pg_indexes n WHERE n.schemaname IN {SCHEMAS}",
    "column": f"""
        SELECT format('%s.%s %s %s%s%s ACL %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                      CASE WHEN a.attnotnull THEN 'NOT NULL ' ELSE '' END,
                      coalesce('DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), ''),
                      CASE WHEN a.attgenerated <> '' THEN ' GENERATED' ELSE '' END, a.attacl)
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE {OURS} AND c.relkind IN ('r', 'p', 'v') AND a.attnum > 0 AND NOT a.attisdropped""",
    "relation": f"""
        SELECT format('%s.%s %s rls=%s forced=%s ACL %s', n.nspname, c.relname, c.relkind, c.relrowsecurity,
                      c.relforcerowsecurity, c.relacl)
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE {OURS} AND c.relkind IN ('r', 'p', 'v', 'm', 'S')""",
    "view": f"""
        SELECT format('%s.%s %s', n.nspname, c.relname, pg_get_viewdef(c.oid))
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE {OURS} AND c.relkind IN ('v', 'm')""",
    "schema": f"SELECT format('%s ACL %s', n.nspname, n.nspacl) FROM pg_namespace n WHERE {OURS}",
    "revision": "SELECT version_num FROM alembic_version",
    "role": "SELECT format('%s %s %s %s', name, kind, row_access, description) FROM role",
}


def dump(conn: Connection) -> list[str]:
    """Every catalog entry the migrations made, one ``kind: text`` entry each, sorted."""
    entries = []
    for kind, query in QUERIES.items():
        entries += [f"{kind}: {row[0]}" for row in conn.execute(text(query))]
    return sorted(entries)


def main() -> None:
    """Migrate a fresh database with every enabled module (SWITCHBOARD_* settings) and print its dump."""
    from switchboard.core.config import get_settings
    from switchboard.core.platform import migrate_all
    from switchboard.core.runtime import Runtime

    runtime = Runtime.build(get_settings())
    migrate_all(runtime)
    with runtime.owner.connect() as conn:
        sys.stdout.write("\n".join(dump(conn)) + "\n")
    runtime.owner.dispose()


if __name__ == "__main__":
    main()
