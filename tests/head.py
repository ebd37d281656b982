"""A fresh database migrated to every built-in branch's head, for tests that read the schema."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, text

from tests.conftest import BUILTINS, cloned_runtime


@pytest.fixture(scope="module")
def head(template, plugins_template) -> Iterator[Connection]:
    """An owner connection to a fresh database migrated to every built-in branch's head."""
    with cloned_runtime(template, plugins_template, *BUILTINS) as runtime, runtime.owner.connect() as conn:
        yield conn


def definition(conn: Connection, function: str) -> str:
    """``pg_get_functiondef`` of ``function`` (``schema.name(types)``), whitespace collapsed."""
    found = conn.execute(text("SELECT pg_get_functiondef(CAST(:f AS regprocedure))"), {"f": function}).scalar()
    return re.sub(r"\s+", " ", found).strip()
