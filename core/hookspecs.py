"""The plugin contract: every hook a Switchboard plugin may implement.

A plugin is a module (or object) registered under the ``switchboard.plugins``
entry-point group; core's own contributions are registered the same way. Each
hook below is a small function whose docstring is its contract. Hooks that
return lists are called on every plugin and their results concatenated.

    from switchboard.core.hookspecs import hookimpl

    @hookimpl
    def switchboard_graphql_query():
        return NotesQuery
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("switchboard")
hookimpl = pluggy.HookimplMarker("switchboard")


@hookspec
def switchboard_migrations():
    """Return the folder of this plugin's Alembic revisions (its own branch), or None.

    The branch's first revision sets ``branch_labels = ("<plugin name>",)`` and
    ``depends_on`` the core revision it builds on. Create every table that carries
    scope with :func:`switchboard.core.db.scoped.create_scoped_table`.
    """


@hookspec
def switchboard_graphql_query():
    """Return a Strawberry type whose fields join the internal ``Query`` type, or None.

    Field names must be unique across plugins: a duplicate fails schema composition.
    """


@hookspec
def switchboard_graphql_mutation():
    """Return a Strawberry type whose fields join the internal ``Mutation`` type, or None."""


@hookspec
def switchboard_graphql_subscription():
    """Return a Strawberry type whose fields join the internal ``Subscription`` type, or None.

    Subscriptions are served over WebSocket (``graphql-transport-ws``) on ``/graphql``,
    authenticated once at ``connection_init``. A field is an async generator that reads
    each event in its own short transaction as the subscriber (see
    :mod:`switchboard.core.graphql.live`), so row security applies to every event, and
    ends (returns) when the subscriber may no longer see what it follows.
    """


@hookspec
def switchboard_graphql_types():
    """Return extra Strawberry types to include in the internal schema (list), or None.

    Only needed for types no field reaches directly (interface implementations).
    """


@hookspec
def switchboard_node_types():
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
def switchboard_portal_node_types():
    """Like ``switchboard_node_types``, for the portal schema's types (``PortalLob`` …)."""


@hookspec
def switchboard_portal_query():
    """Return a Strawberry type whose fields join the portal ``Query`` type, or None.

    Portal types expose opaque agent identifiers and work output only: never a
    name, e-mail, phone or HR field (a test walks the portal schema for them).
    """


@hookspec
def switchboard_portal_mutation():
    """Return a Strawberry type whose fields join the portal ``Mutation`` type, or None."""


@hookspec
def switchboard_permissions():
    """Return ``{permission_key: description}`` for the permission keys this plugin checks.

    Keys are dotted lowercase (``billing.invoice.issue``).
    """


@hookspec
def switchboard_default_grants():
    """Return ``{role: [permission_key, ...]}``: which roles hold this plugin's keys by default."""


@hookspec
def switchboard_sensitive_permissions():
    """Return the permission keys that require a recent TOTP step-up (list), or None."""


@hookspec
def switchboard_eligibility_rules():
    """Return :class:`switchboard.core.workforce.eligibility.EligibilityRule` objects (list).

    Each rule is one SQL expression evaluated inside the single ``eligibleAgents``
    statement, per candidate: it yields a JSON array of reasons (``[{"code": ...}]``)
    or NULL when the rule is satisfied. The statement stays one read.
    """


@hookspec
def switchboard_job_handlers():
    """Return ``{job_kind: handler}`` for the background jobs this plugin runs, or None.

    Kinds are dotted lowercase (``scheduling.solve``). A handler is ``async def
    handler(ctx: JobContext) -> dict | None`` (:mod:`switchboard.core.jobs.worker`): it
    works as the job's requester through ``ctx.acting()``, reports through
    ``ctx.progress(...)``, honours ``ctx.time_limit_seconds`` and raises ``JobCancelled``
    once ``ctx.cancel_requested()``; what it returns becomes the job's result.
    """


@hookspec
def switchboard_job_results():
    """Return ``{job_kind: result_type}`` for the job kinds this plugin gives a typed result, or None.

    A result type is a Strawberry type implementing
    :class:`switchboard.core.jobs.results.JobResult`: its fields read ``self.stored``, the
    dict the handler returned (or it overrides ``of(job_id, result)``). ``Job.outcome``
    answers with it once the job succeeded; kinds without one answer ``UntypedJobResult``
    (the stored JSON). The types join the internal schema.
    """


@hookspec
def switchboard_webhook_event_types():
    """Return ``{event_type: description}`` for the webhook events this plugin writes, or None.

    Types are dotted lowercase (``billing.invoice.issued``). A tenant admin subscribes
    endpoints to them; the plugin writes each event where its change happens, in the
    same transaction, with :func:`switchboard.core.webhooks.events.emit` (the event's
    client, or None for a tenant-level event; a client's endpoints get only that
    client's events). The payload is JSON a receiver can act on: ids, dates, amounts.
    """


@hookspec
def switchboard_audit_sink(events):
    """Receive the audit events a request committed (list of dicts), to forward elsewhere.

    Called after commit; an exception here is logged and never undoes the request.
    """


@hookspec
def switchboard_demo_data(conn, demo):
    """Add this plugin's demo rows on ``conn`` (owner, SQLAlchemy Connection).

    ``demo`` is the :class:`switchboard.core.demo.model.DemoResult` just built: its
    tenant, clients, LOBs, employees, size, seed and anchor date; ``demo.id_for(kind,
    *key)`` gives deterministic ids. Must be deterministic for a seed.
    """


@hookspec
def switchboard_cli(app):
    """Add commands to the ``switchboard`` Typer application ``app``."""


@hookspec
def switchboard_locale_dirs():
    """Return a folder holding ``<lang>/LC_MESSAGES/messages.po`` catalogs, or None."""


@hookspec
def switchboard_startup_checks(conn):
    """Return problems (list of strings) that must stop the server from serving, or None.

    ``conn`` is an owner SQLAlchemy Connection; core already checks row security.
    """
