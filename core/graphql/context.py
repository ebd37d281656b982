"""What every resolver receives as ``info.context``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.dataloader import DataLoader

from switchboard.core.db.session import DbSession
from switchboard.core.errors import AccessError, UserError
from switchboard.core.identity.caller import Caller

from .loaders import Loader

if TYPE_CHECKING:
    from starlette.requests import Request

    from switchboard.core.runtime import Runtime

    from .payload import UserErrorType


@dataclass
class Context:
    """One request: its transaction, caller, language and DataLoaders."""

    request: Request
    runtime: Runtime
    db: DbSession
    lang: str
    caller: Caller | None = None
    portal: bool = False
    operation_named: bool = True  # whether the request named its operation (``operationName``)
    _loaders: dict[Hashable, DataLoader] = field(default_factory=dict)

    @property
    def address(self) -> str | None:
        """The client's network address (as the ASGI server reports it, proxy headers
        applied when the server trusts them); login back-off is kept per address."""
        client = self.request.client
        return client.host if client else None

    @property
    def me(self) -> Caller:
        """The authenticated caller (``UNAUTHENTICATED`` when there is none)."""
        if self.caller is None:
            raise AccessError("UNAUTHENTICATED")
        return self.caller

    def loader(self, key: Hashable, load: Callable[[list[Any]], Awaitable[list[Any]]]) -> DataLoader:
        """The request's DataLoader for ``key`` (the function that defines it, not a free string),
        created on first use (batches one SQL per key); it answers a None key with None."""
        if key not in self._loaders:
            self._loaders[key] = Loader(load_fn=load)
        return self._loaders[key]

    def message(self, code: str, **params: Any) -> str:
        """``code`` rendered in the caller's language."""
        return self.runtime.messages.render(code, self.lang, params)

    def user_error(self, error: UserError) -> UserErrorType:
        """The payload form of a refusal."""
        from .payload import UserErrorType

        return UserErrorType(code=error.code, field=error.field, message=self.message(error.code, **error.params))


Info = strawberry.Info[Context, None]
"""What a resolver's ``info`` is: ``info.context`` typed as :class:`Context`."""
