"""A running platform with every built-in module for the security tests: an app over
HTTP, the two-tenant world and the composed schemas, on a fresh database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.config import Settings
from switchboard.core.runtime import Runtime
from tests.conftest import BUILTINS, GraphQLClient, cloned_runtime
from tests.world import World, build_world


@dataclass
class Platform:
    runtime: Runtime
    gql: GraphQLClient
    world: World
    owner: Connection


@contextmanager
def built_in_platform(template: Settings, plugins_template: str, *extra: tuple[str, Any],
                      **settings: Any) -> Iterator[Platform]:
    """The built-in modules (and ``extra`` plugins) with ``settings`` changed, the world built."""
    with cloned_runtime(replace(template, **settings), plugins_template, *BUILTINS, *extra) as runtime:
        with runtime.owner.connect() as owner:
            owner.execution_options(isolation_level="AUTOCOMMIT")
            world = build_world(owner)
            with TestClient(create_app(runtime), raise_server_exceptions=False) as http:
                yield Platform(runtime, GraphQLClient(http), world, owner)
