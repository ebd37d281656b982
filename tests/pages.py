"""Reading a whole connection in tests, page by page, as a client would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PAGE = "first: 100, after: $after"  # the page arguments a paged query gives its connection
PAGE_INFO = "pageInfo { hasNextPage endCursor }"


def every_node(ask: Callable[[str | None], dict], path: tuple[str, ...]) -> list[Any]:
    """Every node of the connection at ``path`` in the data ``ask(after)`` answers with, in order."""
    nodes: list[Any] = []
    after = None
    while True:
        found = ask(after)
        for step in path:
            found = found[step]
        nodes += found["nodes"]
        if not found["pageInfo"]["hasNextPage"]:
            return nodes
        after = found["pageInfo"]["endCursor"]
