"""Core's tests share the two-tenant world of :mod:`tests.world`."""

from __future__ import annotations

import pytest

from tests.world import World, build_world


@pytest.fixture
def world(owner) -> World:
    return build_world(owner)
