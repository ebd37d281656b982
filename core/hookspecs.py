"""The plugin contract: every hook a Switchboard plugin may implement.

A plugin is a module (or object) registered under the ``switchboard.plugins``
entry-point group, under the entry point's name; core's own contributions are
registered the same way (as ``core``). Each hook below is a typed function whose
docstring is its contract; a plugin implements the ones it needs:

    from switchboard.core.hookspecs import hookimpl

    @hookimpl
    def switchboard_graphql_query() -> type | None:
        return NotesQuery

Besides its hooks, the host reads one attribute of a plugin: ``requires`` (see
:class:`SwitchboardPlugin`).

Order: pluggy calls a hook's implementations ``tryfirst`` ones first, then one per
plugin in the order of the plugins' names (plugins handed to the host directly, as
tests do, after the entry points), ``trylast`` ones last. Every contribution comes in
that order: fields of the composed schemas, eligibility rules, start-up problems. A
list-returning hook's lists are concatenated in that order, a dict-returning hook's
dicts merged in it. Hooks whose contributions have an owner (schema fields,
permissions, constraint names, start-up problems, audit sinks) may not be implemented
as wrappers (``ConfigurationError``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import pluggy

if TYPE_CHECKING:
    from pathlib import Path

    import typer
    from sqlalchemy import Connection

    from switchboard.core.authz.permission import Permission
    from switchboard.core.db.constraints import ConstraintError
    from switchboard.core.demo.model import DemoResult
    from switchboard.core.graphql.node import Loader
    from switchboard.core.jobs.worker import Handler
    from switchboard.core.workforce.eligibility import EligibilityRule

hookspec = pluggy.HookspecMarker("switchboard")
hookimpl = pluggy.HookimplMarker("switchboard")


class SwitchboardPlugin(Protocol):
    """What the host reads from a plugin besides its hooks (every attribute optional)."""

    requires: Sequence[str]
    """Names of the plugins this one imports or reads (``("timekeeping",)``). The host refuses
    to start (``ConfigurationError``) when one of them is not enabled. A plugin imports
    ``switchboard.core`` and the plugins it requires, nothing else of Switchboard."""


@hookspec
def switchboard_migrations() -> Path | None:
    """Return the folder of this plugin's Alembic revisions (its own branch), or None.

    The branch's first revision sets ``branch_labels = ("<plugin name>",)`` and
    ``depends_on`` the core revision it builds on. Create every table that carries
    scope with :func:`switchboard.core.db.scoped.create_scoped_table`.
    """


@hookspec
def switchboard_graphql_query() -> type | None:
    """Return a Strawberry type whose fields join the internal ``Query`` type, or None.

    Field names must be unique across plugins: a duplicate fails schema composition.
    """


@hookspec
def switchboard_graphql_mutation() -> type | None:
    """Return a Strawberry type whose fields join the internal ``Mutation`` type, or None."""


@hookspec
def switchboard_graphql_subscription() -> type | None:
    """Return a Strawberry type whose fields join the internal ``Subscription`` type, or None.

    Subscriptions are served over WebSocket (``graphql-transport-ws``) on ``/graphql``,
    authenticated once at ``connection_init``. A field is an async generator that reads
    each event in its own short transaction as the subscriber (see
    :mod:`switchboard.core.graphql.live`), so row security applies to every event, and
    ends (returns) when the subscriber may no longer see what it follows.
    """


@hookspec
def switchboard_graphql_types() -> list[type] | None:
    """Return extra Strawberry types to include in the internal schema (list), or None.

    Only needed for types no field reaches directly (interface implementations).
    """


@hookspec
def switchboard_node_types() -> dict[str, Loader] | None:
    """Return ``{TypeName: loader}`` for this plugin's internal types that implement ``Node``, or None.

    A node type subclasses :class:`switchboard.core.graphql.node.Node` and keeps its UUID as
    ``id: strawberry.Private[UUID]``: its GraphQL ``id`` is then the global id and
    ``databaseId`` the UUID. ``node(id:)`` and ``nodes(ids:)`` call ``async def loader(info,
    ids: list[UUID]) -> list[object | None]`` once per type for all ids of that type. The
    loader answers AS THE CALLER, exactly as the type's own query does: the same permission
    check (an ``AccessError`` makes every id of the type null) and the same DataLoader or
    service function under row security, so an object outside the caller's scope is None.
    One statement per call, not one per id.
    """


@hookspec
def switchboard_portal_node_types() -> dict[str, Loader] | None:
    """Like ``switchboard_node_types``, for the portal schema's types (``PortalLob`` …)."""


@hookspec
def switchboard_portal_query() -> type | None:
    """Return a Strawberry type whose fields join the portal ``Query`` type, or None.

    Portal types expose opaque agent identifiers and work output only: never a
    name, e-mail, phone or HR field (a test walks the portal schema for them).
    """


@hookspec
def switchboard_portal_mutation() -> type | None:
    """Return a Strawberry type whose fields join the portal ``Mutation`` type, or None."""


@hookspec
def switchboard_permission_declarations() -> list[Permission] | None:
    """Return the :class:`switchboard.core.authz.permission.Permission` keys this plugin checks.

    Each declares its key (dotted lowercase: ``billing.invoice.issue``), a description,
    the roles that hold it by default and whether it is sensitive (needs a recent TOTP
    step-up). Keep them in the domain's ``permissions.py``, beside constants for the keys.
    A key declared twice stops start-up (``ConfigurationError`` naming both plugins);
    checking a key nobody declared (``caller.require("x.y")``) raises ``UnknownPermission``.
    """


DEPRECATED_PERMISSION_HOOKS = DeprecationWarning(
    "switchboard_permissions, switchboard_default_grants and switchboard_sensitive_permissions are"
    " deprecated: return Permission declarations from switchboard_permission_declarations")
deprecated_permission_hook = hookspec(warn_on_impl=DEPRECATED_PERMISSION_HOOKS)


@deprecated_permission_hook
def switchboard_permissions() -> dict[str, str] | None:
    """Deprecated (``switchboard_permission_declarations``): ``{permission_key: description}``."""


@deprecated_permission_hook
def switchboard_default_grants() -> dict[str, list[str]] | None:
    """Deprecated (``switchboard_permission_declarations``): ``{role: [permission_key, ...]}``.

    May name any declared key, this plugin's or another's.
    """


@deprecated_permission_hook
def switchboard_sensitive_permissions() -> list[str] | None:
    """Deprecated (``switchboard_permission_declarations``): keys needing a recent TOTP step-up."""


@hookspec
def switchboard_constraint_errors() -> list[ConstraintError] | None:
    """Return :class:`switchboard.core.db.constraints.ConstraintError` entries: the coded user
    error (and input field) that a violation of each of this plugin's constraints means.

    A name is a constraint's (``time_entry_overlap``) or one a trigger raises with
    ``USING CONSTRAINT = '...'``. Work run through
    :func:`switchboard.core.graphql.payload.mutate` (and the import commands) then
    refuses with that code instead of failing. Each name has one owner: declared twice
    stops start-up (``ConfigurationError`` naming both plugins). Every code needs a
    catalog message.
    """


@hookspec
def switchboard_eligibility_rules() -> list[EligibilityRule] | None:
    """Return :class:`switchboard.core.workforce.eligibility.EligibilityRule` objects (list).

    A rule is a set-based relation, not a per-candidate expression: its ``sql`` is one
    ``SELECT`` of ``(employee_id, code, credential_kind, day)`` rows, one per reason a
    candidate fails it (``credential_kind`` and ``day`` may be NULL). It may read the
    ``target`` row (the LOB, its client, the window), the ``candidate`` employees and
    their ``held`` credentials (see :mod:`switchboard.core.workforce.eligibility`) and any
    table as the runtime role. Every rule runs inside the one statement that answers
    ``eligibleAgents`` (and the open-shift candidates), so the answer stays one read; a
    candidate's reasons come in rule order (this hook's call order), then by credential
    kind. ``codes`` lists every code the rule emits; each needs a catalog message.
    """


@hookspec
def switchboard_job_handlers() -> dict[str, Handler] | None:
    """Return ``{job_kind: handler}`` for the background jobs this plugin runs, or None.

    Kinds are dotted lowercase (``scheduling.solve``). A handler is ``async def
    handler(ctx: JobContext) -> dict | None`` (:mod:`switchboard.core.jobs.worker`): it
    works as the job's requester through ``ctx.acting()``, reports through
    ``ctx.progress(...)``, honours ``ctx.time_limit_seconds`` and raises ``JobCancelled``
    once ``ctx.cancel_requested()``; what it returns becomes the job's result.
    """


@hookspec
def switchboard_job_results() -> dict[str, type] | None:
    """Return ``{job_kind: result_type}`` for the job kinds this plugin gives a typed result, or None.

    A result type is a Strawberry type implementing
    :class:`switchboard.core.jobs.results.JobResult`: its fields read ``self.stored``, the
    dict the handler returned (or it overrides ``of(job_id, result)``). ``Job.outcome``
    answers with it once the job succeeded; kinds without one answer ``UntypedJobResult``
    (the stored JSON). The types join the internal schema.
    """


@hookspec
def switchboard_webhook_event_types() -> dict[str, str] | None:
    """Return ``{event_type: description}`` for the webhook events this plugin writes, or None.

    Types are dotted lowercase (``billing.invoice.issued``). A tenant admin subscribes
    endpoints to them; the plugin writes each event where its change happens, in the
    same transaction, with :func:`switchboard.core.webhooks.events.emit` (the event's
    client, or None for a tenant-level event; a client's endpoints get only that
    client's events). The payload is JSON a receiver can act on: ids, dates, amounts.
    """


@hookspec
def switchboard_audit_sink(events: list[dict[str, Any]]) -> None:
    """Receive the audit events a request committed (list of dicts), to forward elsewhere.

    Called after commit; an exception here is logged and never undoes the request.
    """


@hookspec
def switchboard_demo_data(conn: Connection, demo: DemoResult) -> None:
    """Add this plugin's demo rows on ``conn`` (owner, SQLAlchemy Connection).

    ``demo`` is the :class:`switchboard.core.demo.model.DemoResult` just built: its
    tenant, clients, LOBs, employees, size, seed and anchor date; ``demo.id_for(kind,
    *key)`` gives deterministic ids. Must be deterministic for a seed.
    """


@hookspec
def switchboard_cli(app: typer.Typer) -> None:
    """Add commands to the ``switchboard`` Typer application ``app``."""


@hookspec
def switchboard_locale_dirs() -> Path | None:
    """Return a folder holding ``<lang>/LC_MESSAGES/messages.po`` catalogs, or None."""


@hookspec
def switchboard_startup_checks(conn: Connection) -> list[str] | None:
    """Return problems (list of strings) that must stop the server from serving, or None.

    ``conn`` is an owner SQLAlchemy Connection; core already checks row security.
    """
