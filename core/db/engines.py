"""SQLAlchemy engines for the owner (migrations, CLI, demo) and runtime (requests) roles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from psycopg.types.json import set_json_loads
from sqlalchemy import Engine, create_engine, event

from .server import Database, connect_args

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine


def sqlalchemy_url(libpq_url: str) -> str:
    """``postgresql://…`` → ``postgresql+psycopg://…`` (psycopg 3 driver)."""
    scheme, rest = libpq_url.split("://", 1)
    return f"postgresql+psycopg://{rest}" if scheme in ("postgresql", "postgres") else libpq_url


def load_json_with_orjson(engine: Engine) -> None:
    """Parse ``json``/``jsonb`` columns with orjson on every connection of ``engine``
    (psycopg's default, ``json.loads`` of bytes, costs ~5 µs a value)."""

    @event.listens_for(engine, "connect")
    def _loads(dbapi_connection: Any, _record: Any) -> None:
        set_json_loads(orjson.loads, getattr(dbapi_connection, "driver_connection", dbapi_connection))


def owner_engine(db: Database) -> Engine:
    """A synchronous engine connecting as the owner role."""
    engine = create_engine(
        sqlalchemy_url(db.owner_url),
        connect_args=connect_args(db.owner_set_role, "switchboard-owner"),
        pool_pre_ping=True,
    )
    load_json_with_orjson(engine)
    return engine


def runtime_engine(db: Database, *, pool_size: int = 10) -> AsyncEngine:
    """The asynchronous engine that serves requests as the runtime role."""
    from sqlalchemy.ext.asyncio import create_async_engine  # the async layer: servers and workers only

    engine = create_async_engine(
        sqlalchemy_url(db.runtime_url),
        connect_args=connect_args(db.runtime_set_role, "switchboard"),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=False,
    )
    load_json_with_orjson(engine.sync_engine)
    return engine
