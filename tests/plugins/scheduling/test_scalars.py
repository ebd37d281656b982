"""Fraction on the wire: a JSON number where 1 means 100 %, stored exactly; inputs outside
0–1 refused, coded and localized, before anything runs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from tests import factories as f

SET = """mutation($lob: UUID!, $input: LobStaffingInput!) { setLobStaffing(lobId: $lob, input: $input) {
  staffing { shrinkage occupancyCap } errors { code field } } }"""


def test_a_fraction_is_a_json_number_both_ways_and_stored_exactly(world, gql, owner):
    body = gql(SET, {"lob": str(world.A1a), "input": {"shrinkage": 0.3, "occupancyCap": 0.9}},
               token=world.tokens["planner"])
    assert body["data"]["setLobStaffing"] == {"staffing": {"shrinkage": 0.3, "occupancyCap": 0.9}, "errors": []}
    stored = owner.execute(text("SELECT shrinkage, occupancy_cap FROM lob_staffing WHERE lob_id = :l"),
                           {"l": world.A1a}).one()
    assert tuple(stored) == (Decimal("0.3"), Decimal("0.9"))  # through the number's text, not its binary value


@pytest.mark.parametrize("field, value", [("shrinkage", 1.2), ("shrinkage", -0.1), ("occupancyCap", 85)])
@pytest.mark.parametrize("lang, message", [
    ("en", "A fraction must lie between 0 and 1 (1 means 100 %)."),
    ("fr", "Une fraction doit être comprise entre 0 et 1 (1 signifie 100 %)."),
])
def test_a_fraction_outside_0_to_1_is_refused_and_nothing_is_written(world, gql, owner, field, value, lang,
                                                                       message):
    before = f.fingerprint(owner)
    body = gql(SET, {"lob": str(world.A1a), "input": {field: value}}, token=world.tokens["planner"], lang=lang)
    assert body.get("data") is None and len(body["errors"]) == 1, body
    assert body["errors"][0]["extensions"] == {"code": "FRACTION_OUT_OF_RANGE", "argument": f"input.{field}",
                                               "min": "0", "max": "1"}
    assert body["errors"][0]["message"] == message
    assert f.fingerprint(owner) == before
    assert owner.execute(text("SELECT count(*) FROM lob_staffing")).scalar_one() == 0


def test_a_fraction_is_a_number_not_a_string(world, gql):
    body = gql(SET, {"lob": str(world.A1a), "input": {"shrinkage": "0.30"}}, token=world.tokens["planner"])
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "$input.shrinkage"}
