"""The security suite's database: core, every built-in plugin and the sample plugin
migrated, the two-tenant world and a row in every table (:mod:`tests.security.populated`).

It is built once per session as a template and cloned for each module that asks for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
import switchboard_sample.plugin as sample

from switchboard.core.platform import migrate_all
from switchboard.core.runtime import Runtime
from tests.conftest import PREFIX, TEMPLATE, RuntimeSQL, clone_template, cloned_runtime, make_host
from tests.plugins.conftest import BUILTINS
from tests.security.populated import populate
from tests.world import World, build_world

SECURITY_TEMPLATE = f"{PREFIX}template_security"
EVERY_PLUGIN = (*BUILTINS, ("sample", sample))


@pytest.fixture(scope="session")
def populated_template(template) -> tuple[str, World]:
    """A template with every plugin migrated and a row in every table; its world."""
    local = clone_template(template, TEMPLATE, SECURITY_TEMPLATE)
    runtime = Runtime.build(local, host=make_host(local, *EVERY_PLUGIN))
    try:
        migrate_all(runtime)
        with runtime.owner.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            world = build_world(conn)
            populate(conn, world)
    finally:
        runtime.owner.dispose()
    return SECURITY_TEMPLATE, world


@pytest.fixture(scope="module")
def populated(template, populated_template) -> Iterator[SimpleNamespace]:
    """A clone of the populated template: its runtime, world and raw SQL as the runtime role."""
    name, world = populated_template
    with cloned_runtime(template, name, *EVERY_PLUGIN) as runtime:
        sql = RuntimeSQL(runtime)
        try:
            yield SimpleNamespace(runtime=runtime, world=world, sql=sql)
        finally:
            sql.engine.dispose()
