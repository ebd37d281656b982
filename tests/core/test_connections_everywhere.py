"""Every list that can grow past a page is a connection, on both schemas.

The test walks the composed schemas (every enabled plugin's types) and fails on a list
field of an object type that is neither a connection's own list (``edges``, ``nodes``)
nor in :data:`BOUNDED`, whose entries each say what bounds the list. A new list field
either becomes a connection (``connection_field``) or joins the allow-list with its bound.
"""

from __future__ import annotations

import pytest
from graphql import GraphQLSchema, get_named_type, get_nullable_type, is_list_type, is_object_type

from switchboard.core.plugin_host import PluginHost
from switchboard.schema.compose import compose

CONNECTION_LISTS = {"edges", "nodes"}
PAYLOAD_ERRORS = "errors"  # a payload's refusals: at most the input's fields, or the first few import errors

BOUNDED = {
    # the caller's own account and identity
    "Me.grants": "the caller's role grants: a handful per user",
    "User.grants": "one user's role grants: a handful per user",
    "Role.permissions": "the permission keys the installed plugins declare",
    "Query.roles": "the role catalogue",
    "Query.nodes": "as many as the ids asked for: at most 100 (TOO_MANY_IDS)",
    "Query.tokens": "one user's live tokens (expired and revoked ones are not listed)",
    "Query.webhookEventTypes": "the event types the installed plugins declare",
    "RecoveryCodesPayload.recoveryCodes": "ten codes",
    "TotpConfirmationPayload.recoveryCodes": "ten codes",
    # vocabularies and settings of one row
    "Client.languages": "a client's languages",
    "Client.regimes": "the compliance regimes a client is under",
    "Client.residencyRegions": "a client's permitted residency regions",
    "Lob.requiredCredentials": "a LOB's required credential kinds",
    "BillingTerms.billableActivities": "the activity vocabulary",
    "ShiftTemplate.weekdays": "seven days at most",
    "WebhookEndpoint.eventTypes": "the declared event types at most",
    "PiiAccess.fields": "the contact fields of an employee",
    "Employee.languages": "the languages one employee speaks",
    "EligibleAgent.reasons": "one reason per eligibility rule and required credential",
    "OpenShiftCandidate.reasons": "one reason per rule, required credential and shift check",
    "CoverageGap.reasons": "one per gap reason code",
    "GapReason.employeeIds": "the agents eligible for one LOB-interval of one solve",
    "WebhookDelivery.attemptLog": "at most SWITCHBOARD_WEBHOOK_MAX_ATTEMPTS attempts",
    # the scope graph
    "Client.lobs": "a client's lines of business: tens",
    "Schedule.lobIds": "the LOBs one solve covered",
    "Schedule.lobs": "the LOBs one solve covered",
    "Job.lobIds": "the LOBs one job is about",
    "PortalAccount.lobs": "the bound client's lines of business: tens",
    # one employee's records (date-effective, a few a year)
    "Employee.assignments": "one employee's assignments",
    "Employee.credentials": "one employee's credentials",
    "Query.availability": "one employee's weekly availability windows",
    # as many as the request names (the body cap bounds the request)
    "Query.committedMinutes": "one row per employee given and assignment of theirs",
    "ForecastAccuracy.lobs": "one per LOB given",
    "TimeEntriesPayload.entries": "the entries the mutation was given",
    "AvailabilityPayload.windows": "the windows the mutation was given",
    "ForecastJobResult.forecastIds": "one per LOB the job forecast",
    "ForecastJobResult.forecasts": "one per LOB the job forecast",
    # one document
    "Invoice.lines": "one line per LOB, terms and hours class of one invoice",
    "Invoice.creditNotes": "the credit notes of one invoice",
    "Query.billingTerms": "the terms of the clients in scope, a few per client",
}


def list_fields(schema: GraphQLSchema) -> set[str]:
    """``Type.field`` of every list field of an object type, but a connection's own lists."""
    found = set()
    for named in schema.type_map.values():
        if named.name.startswith("__") or not is_object_type(named):
            continue
        connection = {"edges", "pageInfo"} <= set(named.fields)
        for name, field in named.fields.items():
            if not is_list_type(get_nullable_type(field.type)):
                continue
            if connection and name in CONNECTION_LISTS:
                continue
            if name == PAYLOAD_ERRORS and get_named_type(field.type).name in ("UserError", "ImportRowError"):
                continue
            found.add(f"{named.name}.{name}")
    return found


@pytest.fixture(scope="module")
def schemas(template):
    """The internal and portal schemas of the built-in plugins."""
    composed = compose(PluginHost(template, builtin_only=True), template)
    return composed.internal._schema, composed.portal._schema


def test_every_list_that_can_outgrow_a_page_is_a_connection(schemas):
    unbounded = {f for s in schemas for f in list_fields(s)} - set(BOUNDED)
    assert not unbounded, f"make these connections, or say in BOUNDED what bounds them: {sorted(unbounded)}"


def test_the_allow_list_names_only_fields_that_exist(schemas):
    present = {f for s in schemas for f in list_fields(s)}
    assert set(BOUNDED) <= present, sorted(set(BOUNDED) - present)


def test_the_reports_that_grow_with_their_range_are_connections(schemas):
    """The lists issue 15 names: a report over 92 days holds thousands of rows."""
    internal, portal = schemas
    grown = [(internal, "Query", "billableHours"), (internal, "Query", "adherence"),
             (internal, "Query", "slaScorecard"), (internal, "ScheduleCoverage", "gaps"),
             (internal, "CoverageReport", "intervals"), (internal, "StaffingRequirement", "intervals"),
             (portal, "Query", "scheduleAdherence")]
    for schema, parent, name in grown:
        returned = get_named_type(schema.type_map[parent].fields[name].type)
        assert {"edges", "nodes", "pageInfo", "totalCount"} <= set(returned.fields), (parent, name)
        assert {"first", "after", "last", "before"} <= set(schema.type_map[parent].fields[name].args)
