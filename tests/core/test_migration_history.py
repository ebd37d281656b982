"""Migrations stay history: each one's SQL is what it was the day it landed.

See :mod:`tests.migration_history`. A new revision's file is written by running this
module with ``SWITCHBOARD_RECORD_MIGRATIONS=1`` (once, when the revision is added); an
existing file is never rewritten: a difference means the migration, a value it takes
from live code, or one of core's helpers changed what replaying history does. Leave the
old revision alone and write a new one.
"""

from __future__ import annotations

import os

import pytest

from tests.migration_history import history_file, recorded, revisions

RECORD = os.environ.get("SWITCHBOARD_RECORD_MIGRATIONS") == "1"
REVISIONS = revisions()


@pytest.mark.parametrize("revision", sorted(REVISIONS))
def test_a_migration_runs_what_it_ran_when_it_landed(revision):
    path = history_file(revision)
    sql = recorded(REVISIONS[revision])
    if not path.exists() and RECORD:
        path.write_text(sql)
    assert path.exists(), f"{revision} has no recorded SQL: run this test with SWITCHBOARD_RECORD_MIGRATIONS=1"
    assert sql == path.read_text(), (
        f"{revision} no longer runs what it ran when it landed ({path.name}): leave it alone and write a new"
        " migration")


def test_every_recorded_migration_still_exists():
    recorded_ids = {p.stem for p in history_file("x").parent.glob("*.txt")}
    assert recorded_ids <= set(REVISIONS)
