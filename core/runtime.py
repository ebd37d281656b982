"""The running platform: settings, database, plugins, policy, messages and schemas, wired once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, text

from .config import Settings
from .db.engines import owner_engine, runtime_engine
from .db.server import Database, locate
from .plugin_host import PluginHost

if TYPE_CHECKING:  # each loads with the first command or request that needs it
    from sqlalchemy.ext.asyncio import AsyncEngine

    from .authz.policy import Policy
    from .db.constraints import ConstraintErrors
    from .i18n import Messages
    from .identity.keys import KeyRing


@dataclass
class Runtime:
    """Everything a request or a command needs, built from settings and the plugin host."""

    settings: Settings
    host: PluginHost
    database: Database
    _engine: AsyncEngine | None = field(default=None, repr=False)
    _owner: Engine | None = field(default=None, repr=False)

    @classmethod
    def build(cls, settings: Settings, host: PluginHost | None = None, database: Database | None = None) -> Runtime:
        """Locate (or start) the database and load the plugins."""
        host = host or PluginHost(settings)
        return cls(settings=settings, host=host, database=database or locate(settings))

    @property
    def engine(self) -> AsyncEngine:
        """The runtime-role engine that serves requests."""
        if self._engine is None:
            self._engine = runtime_engine(self.database)
        return self._engine

    @property
    def owner(self) -> Engine:
        """The owner-role engine (migrations, demo, checks; never requests)."""
        if self._owner is None:
            self._owner = owner_engine(self.database)
        return self._owner

    @cached_property
    def keyring(self) -> KeyRing:
        """The keys that encrypt TOTP secrets at rest (never stored in the database)."""
        from .identity.keys import KeyRing

        return KeyRing.from_settings(self.settings)

    @cached_property
    def factor_key(self) -> bytes:
        """The key this server vouches for a checked TOTP code with (``app.server_key``,
        which the owner alone reads)."""
        with self.owner.connect() as conn:
            return bytes(conn.execute(text("SELECT key FROM app.server_key WHERE name = 'factor_proof'")).scalar_one())

    @cached_property
    def policy(self) -> Policy:
        from .authz.policy import Policy

        return Policy.from_host(self.host)

    @cached_property
    def messages(self) -> Messages:
        from .i18n import Messages, core_locale_dir

        dirs = [core_locale_dir(), *self.host.hook.switchboard_locale_dirs()]
        return Messages(dirs)

    @cached_property
    def has_audit_sinks(self) -> bool:
        return bool(self.host.hook.switchboard_audit_sink.get_hookimpls())

    @cached_property
    def eligibility_rules(self) -> list[Any]:
        return list(chain.from_iterable(self.host.hook.switchboard_eligibility_rules()))

    @cached_property
    def constraint_errors(self) -> ConstraintErrors:
        """What each declared database constraint's violation means (``ConfigurationError``
        when two plugins declare one name)."""
        from .db.constraints import ConstraintErrors

        return ConstraintErrors(self.host.owned(self.host.hook.switchboard_constraint_errors))

    @cached_property
    def job_result_types(self) -> dict[str, type]:
        from .jobs.results import result_types

        return result_types(self.host)

    @cached_property
    def node_types(self) -> dict[bool, dict[str, Any]]:
        """``{portal?: {TypeName: loader}}``: what ``node(id:)`` loads on each schema (see :mod:`.graphql.node`)."""
        from .graphql.node import registry

        return {portal: registry(self.host, portal) for portal in (False, True)}

    @cached_property
    def schemas(self) -> Any:
        from switchboard.schema.compose import compose

        return compose(self.host, self.settings)

    async def close(self) -> None:
        """Release pooled connections."""
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None
        if self._owner is not None:
            self._owner.dispose()
            self._owner = None
