"""Replaying history: every branch migrates a fresh database, and the latest revision of each
branch that can be undone (its ``downgrade()`` exists) goes down and up again to exactly the
catalog it left (:mod:`tests.catalog`). ``scheduling_0009`` cannot be undone (the unkeyed
portal identifiers it replaced were linkable across clients) and is left out.
"""

from __future__ import annotations

import difflib

from alembic import command
from alembic.script import ScriptDirectory
from switchboard_sample import plugin as sample

from switchboard.core.db.migrate import alembic_config
from switchboard.core.platform import migrate_all
from tests.catalog import dump
from tests.conftest import BUILTINS, cloned_runtime
from tests.migration_history import recorded

IRREVERSIBLE = "-- irreversible:"


def test_each_branch_head_goes_down_and_up_to_the_same_catalog(template, plugins_template):
    with cloned_runtime(template, plugins_template, *BUILTINS, ("sample", sample)) as runtime:
        migrate_all(runtime)  # the sample branch on top of the built-ins' fresh replay
        config = alembic_config(runtime.database, runtime.host)
        script = ScriptDirectory.from_config(config)
        with runtime.owner.connect() as conn:
            before = dump(conn)
        undone = []
        for head in sorted(script.get_heads()):
            if IRREVERSIBLE in recorded(script.get_revision(head).module):
                continue
            command.downgrade(config, f"{head}@-1" if script.get_revision(head).down_revision else f"{head}@base")
            with runtime.owner.connect() as conn:
                assert dump(conn) != before, f"downgrading {head} changed nothing"
            command.upgrade(config, "heads")
            with runtime.owner.connect() as conn:
                after = dump(conn)
            assert after == before, f"{head} down and up again:\n" + "\n".join(
                difflib.unified_diff(before, after, lineterm="", n=0))
            undone.append(head)
        assert len(undone) >= 4, undone
