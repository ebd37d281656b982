"""A running platform with every built-in module for the security tests: an app over
HTTP, the two-tenant world and the composed schemas, on a fresh database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from graphql import GraphQLSchema
from sqlalchemy import Connection
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.config import Settings
from switchboard.core.runtime import Runtime
from tests.conftest import BUILTINS, GraphQLClient, cloned_runtime
from tests.security.operations import Operation, Place, operations
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


def audience(platform: Platform, portal: bool) -> tuple[GraphQLSchema, str]:
    """One audience's composed schema and the token of a caller of it (tenant A's admin, or
    the portal's client user)."""
    schema = platform.runtime.schemas.portal if portal else platform.runtime.schemas.internal
    return schema._schema, platform.world.tokens["portal" if portal else "admin"]


def places(schema: GraphQLSchema, wanted: Callable[[Place], bool]) -> Iterator[tuple[Operation, Place]]:
    """Every place ``wanted`` picks in the arguments of the operations of ``schema`` that take no file."""
    for operation in operations(schema):
        if not operation.takes_files:
            yield from ((operation, place) for place in operation.places() if wanted(place))
