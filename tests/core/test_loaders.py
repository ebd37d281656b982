"""Per-request loaders: keyed by their fetch function, and a None id answers None without a query."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from uuid import uuid4

from switchboard.core.graphql import loaders
from switchboard.core.graphql.context import Context


def context() -> Context:
    return Context(request=None, runtime=None, db="db", lang="en")


def recording(asked: list):
    async def fetch(db, ids):
        asked.append(list(ids))
        return [SimpleNamespace(id=i, owner=i) for i in ids]
    return fetch


def test_a_none_id_is_none_without_a_query_and_the_rest_batch_into_one():
    asked: list = []
    fetch, a, b = recording(asked), uuid4(), uuid4()

    async def run():
        ctx = context()
        load = loaders.by_id(ctx, fetch, lambda r: r.id)
        return await asyncio.gather(load.load(None), load.load(a), load.load_many([b, None]))

    assert asyncio.run(run()) == [None, a, [b, None]]
    assert asked == [[a, b]]


def test_only_the_none_id_skips_the_query():
    asked: list = []

    async def run():
        return await loaders.by_id(context(), recording(asked), lambda r: r.id).load(None)

    assert asyncio.run(run()) is None and asked == []


def test_loaders_are_keyed_by_their_fetch_function_not_a_name():
    first, second = recording([]), recording([])
    ctx = context()
    one = loaders.by_id(ctx, first, lambda r: r)
    assert loaders.by_id(ctx, first, lambda r: r) is one
    assert loaders.by_id(ctx, second, lambda r: r) is not one
    assert loaders.grouped(ctx, first, lambda r: r, "owner") is not one
