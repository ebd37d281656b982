"""Every list a request passes is capped, in both schemas, before anything runs.

The places are read from the composed schemas: every list argument and every list field
of a nested input object. At each, a list one item over its cap is refused naming the
place with that cap (``TOO_MANY_IDS`` for a list of ids, ``TOO_MANY_ITEMS`` otherwise);
the cap is the place's ``@maxItems`` or, where it declares none, the ``max_list_items``
setting (small here). Nothing runs, so nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from graphql import get_named_type, get_nullable_type, is_list_type

from switchboard.core.graphql.caps import declared_items
from tests import factories as f
from tests.security.operations import valid
from tests.security.running import Platform, audience, built_in_platform, places

DEFAULT_ITEMS = 3


@pytest.fixture(scope="module")
def platform(template, plugins_template) -> Iterator[Platform]:
    with built_in_platform(template, plugins_template, max_list_items=DEFAULT_ITEMS) as running:
        yield running


@pytest.mark.parametrize("portal", [False, True], ids=["internal", "portal"])
def test_every_list_argument_is_capped(platform, portal):
    schema, token = audience(platform, portal)
    checked = []
    lists = places(schema, lambda p: is_list_type(get_nullable_type(p.type)) and not isinstance(p.keys[-1], int))
    for operation, place in lists:
        listed = get_nullable_type(place.type)
        cap = declared_items(place.definition) or DEFAULT_ITEMS
        item = valid(listed.of_type)
        ids = get_named_type(listed).name in ("ID", "UUID")
        expected = {"code": "TOO_MANY_IDS" if ids else "TOO_MANY_ITEMS", "argument": place.path, "max": cap}
        before = f.fingerprint(platform.owner)
        body = platform.gql(operation.document(), operation.put(place, [item] * (cap + 1)), token=token,
                            portal=portal, lang="fr")
        assert f.fingerprint(platform.owner) == before, operation.name
        assert body["_status"] == 200 and "data" not in body, (place.path, body)  # a request error
        assert [e["extensions"] for e in body["errors"]] == [expected], (operation.name, body)
        assert body["errors"][0]["message"] == (f"Au plus {cap} identifiants à la fois." if ids
                                                else f"Au plus {cap} éléments.")
        at_cap = platform.gql(operation.document(), operation.put(place, [item] * cap), token=token, portal=portal)
        codes = {e.get("extensions", {}).get("code") for e in at_cap.get("errors") or []}
        assert not codes & {"TOO_MANY_IDS", "TOO_MANY_ITEMS"}, (operation.name, at_cap)
        checked.append(f"{operation.name}:{place.path}")
    must = {"nodes:ids"} if portal else {
        "approveTimeEntries:ids", "committedMinutes:employeeIds", "solveSchedule:lobIds", "nodes:ids",
        "createClient:input.languages", "setAvailability:windows", "createForecast:input.lobIds"}
    assert must <= set(checked), sorted(checked)


def test_ids_acted_on_together_have_a_batch_cap(platform):
    """Approving a team's week of entries or reading its committed minutes takes up to 500 ids."""
    schema = platform.runtime.schemas.internal._schema
    assert declared_items(schema.mutation_type.fields["approveTimeEntries"].args["ids"]) == 500
    assert declared_items(schema.query_type.fields["committedMinutes"].args["employeeIds"]) == 500
    assert declared_items(schema.query_type.fields["nodes"].args["ids"]) == 100
