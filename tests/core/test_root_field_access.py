"""Every root field declares who may call it, and the declaration holds.

The declarations are read from the composed schemas (every module's root fields, both
audiences), not listed here: a new field without one fails the first test, and a field
whose declared key is not the one enforced fails the second.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from switchboard.core.graphql.access import access_of
from tests import factories as f
from tests.security.operations import Operation, operations
from tests.security.running import Platform, built_in_platform


@pytest.fixture(scope="module")
def platform(template, plugins_template) -> Iterator[Platform]:
    with built_in_platform(template, plugins_template) as running:
        yield running


def root_fields(platform: Platform) -> Iterator[tuple[str, str, str, object]]:
    """(audience, root type, field name, Strawberry field) of every root field of both schemas."""
    for audience, schema in (("internal", platform.runtime.schemas.internal),
                             ("portal", platform.runtime.schemas.portal)):
        for root in ("Query", "Mutation", "Subscription"):
            definition = schema.get_type_by_name(root)
            for field in getattr(definition, "fields", []):
                yield audience, root, field.graphql_name or field.name, field


def test_every_root_field_is_described_and_declares_who_may_call_it(platform):
    missing, unsaid, undescribed = [], [], []
    for audience, root, name, field in root_fields(platform):
        access = access_of(field)
        description = field.description or ""
        if access is None:
            missing.append(f"{audience} {root}.{name}")
        elif not description.endswith(access.sentence):
            unsaid.append(f"{audience} {root}.{name}")
        elif not description.removesuffix(access.sentence).strip():
            undescribed.append(f"{audience} {root}.{name}")
    assert not missing, f"root fields without requires()/signed_in()/anyone(): {missing}"
    assert not unsaid, f"descriptions not ending with their access sentence: {unsaid}"
    assert not undescribed, f"root fields that say nothing but who may call them: {undescribed}"


def declared_keys(platform: Platform, audience: str) -> dict[str, str]:
    """Root field name → the permission key it declares (``requires`` fields only)."""
    keys = {}
    for aud, _root, name, field in root_fields(platform):
        access = access_of(field)
        if aud == audience and access is not None and access.key is not None:
            keys[name] = access.key
    return keys


def call(platform: Platform, operation: Operation, token: str, portal: bool) -> dict:
    return platform.gql(operation.document(), operation.variables(), token=token, portal=portal)


def test_a_caller_holding_no_permission_is_refused_every_field_that_requires_one(platform):
    """A staff user of the tenant with no grant at all, and the portal's client user for the
    portal's fields: every ``requires`` field answers FORBIDDEN (MFA_REQUIRED for a key that
    needs a recent second factor) naming the declared key, before anything is read or written."""
    w = platform.world
    staff = f.user(platform.owner, w.tA)
    client = f.user(platform.owner, w.tA, kind="client", bound_client=w.A1)
    wrong = []
    for portal, schema in ((False, platform.runtime.schemas.internal), (True, platform.runtime.schemas.portal)):
        keys = declared_keys(platform, "portal" if portal else "internal")
        for operation in operations(schema._schema):
            key = keys.get(operation.name)
            if key is None:
                continue
            token = f.token(platform.owner, client if portal else staff, mfa=False)
            before = f.fingerprint(platform.owner)
            body = call(platform, operation, token, portal)
            first = (body.get("errors") or [{}])[0].get("extensions", {})
            if first.get("code") not in ("FORBIDDEN", "MFA_REQUIRED") or first.get("permission") != key:
                wrong.append((operation.name, key, body))
            assert f.fingerprint(platform.owner) == before, operation.name
    assert not wrong, wrong
