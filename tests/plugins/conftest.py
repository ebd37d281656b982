"""The built-in plugins' tests: a fresh clone per test of the template migrated with core
and every built-in plugin (``plugins_template``, in :mod:`tests.conftest`), and the
two-tenant world of :mod:`tests.world` (built into a template of its own once)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from switchboard.core.runtime import Runtime
from tests.conftest import BUILTINS, fresh_runtime

__all__ = ["BUILTINS"]


@pytest.fixture
def runtime(request, template, plugins_template) -> Iterator[Runtime]:
    """A runtime with the built-in plugins on a fresh database of its own."""
    with fresh_runtime(request, template, plugins_template, "plugins_world_template", *BUILTINS) as rt:
        yield rt
