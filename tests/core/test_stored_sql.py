"""The head revision installs exactly the SQL the ``sql/`` files hold (see ``core/db/sql_files.py``).

Runtime code reads these files; stored functions were installed by migrations with a
literal copy of the text of their day. A failure means a file changed after the function
was installed: write a migration installing the new text.

The comparison is PostgreSQL's own: the installed function's ``pg_get_functiondef``
against the same after replacing it with the file's text (in a transaction rolled back),
whitespace collapsed.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Connection

from switchboard.core.db.sql_files import sql_text
from switchboard.plugins.scheduling.reports.adherence import SQL_PACKAGE as SCHEDULING
from switchboard.plugins.scheduling.reports.adherence import cells_sql
from tests.head import definition, head

__all__ = ["head"]

# function -> the definition its module's sql/ files give it today
STORED = {
    "scheduling.portal_adherence(date, date)": lambda: sql_text(
        SCHEDULING, "portal_adherence",
        cells=cells_sql("(SELECT scheduling.portal_lob_ids())::uuid[]", "p_start", "p_end")),
}


def definition_from(conn: Connection, function: str, sql: str) -> str:
    """``function``'s definition once ``sql`` has replaced it (rolled back)."""
    conn.rollback()
    try:
        conn.exec_driver_sql(sql)
        return definition(conn, function)
    finally:
        conn.rollback()


@pytest.mark.parametrize("function", sorted(STORED))
def test_the_head_installs_the_current_sql_file(head, function):
    installed = definition(head, function)
    assert definition_from(head, function, STORED[function]()) == installed, (
        f"{function} differs from its sql/ file: write a migration installing the file's text")


def test_a_changed_file_is_told_apart(head):
    function = "scheduling.portal_adherence(date, date)"
    changed = STORED[function]().replace("c.scheduled, c.adherent", "c.adherent, c.scheduled")
    assert definition_from(head, function, changed) != definition(head, function)
