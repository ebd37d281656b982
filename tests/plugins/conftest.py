"""The built-in plugins' tests: a template database migrated with core and every
built-in plugin, cloned per test, and the two-tenant world of :mod:`tests.world`."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import replace

import pytest
from switchboard.core.config import Settings
from switchboard.core.platform import migrate_all
from switchboard.core.runtime import Runtime
from switchboard.plugins.billing import plugin as billing
from switchboard.plugins.scheduling import plugin as scheduling
from switchboard.plugins.timekeeping import plugin as timekeeping

from tests.conftest import TEMPLATE, clone_database, cloned_runtime, make_host
from tests.world import World, build_world

PLUGINS_TEMPLATE = "sb_template_plugins"
BUILTINS = (("timekeeping", timekeeping), ("billing", billing), ("scheduling", scheduling))


@functools.cache
def migrated_plugins_template(template: Settings) -> str:
    """A clone of core's template with every built-in plugin's branch migrated on top,
    made once per test session (test packages outside ``tests/plugins`` use it too)."""
    clone_database(template, TEMPLATE, PLUGINS_TEMPLATE)
    local = replace(template, database_name=PLUGINS_TEMPLATE)
    runtime = Runtime.build(local, host=make_host(local, *BUILTINS))
    migrate_all(runtime)
    runtime.owner.dispose()
    return PLUGINS_TEMPLATE


@pytest.fixture(scope="session")
def plugins_template(template) -> str:
    """The template database of :func:`migrated_plugins_template`."""
    return migrated_plugins_template(template)


@pytest.fixture
def runtime(template, plugins_template) -> Iterator[Runtime]:
    """A runtime with the built-in plugins on a fresh database of its own."""
    with cloned_runtime(template, plugins_template, *BUILTINS) as rt:
        yield rt


@pytest.fixture
def world(owner) -> World:
    return build_world(owner)
