"""The built-in plugins' tests: a fresh clone per test of the template migrated with core
and every built-in plugin (``plugins_template``, in :mod:`tests.conftest`), and the
two-tenant world of :mod:`tests.world`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from switchboard.core.runtime import Runtime

from tests.conftest import BUILTINS, cloned_runtime
from tests.world import World, build_world

__all__ = ["BUILTINS"]


@pytest.fixture
def runtime(template, plugins_template) -> Iterator[Runtime]:
    """A runtime with the built-in plugins on a fresh database of its own."""
    with cloned_runtime(template, plugins_template, *BUILTINS) as rt:
        yield rt


@pytest.fixture
def world(owner) -> World:
    return build_world(owner)
