"""The scalars on the wire: Percent a 0–100 JSON number, Decimal a string, money as Money,
minute counts whole; values outside a scalar's range refused, coded and localized, before
anything runs. (Fraction: tests/plugins/scheduling/test_scalars.py.)"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from switchboard.core.graphql.scalars import whole_minutes
from tests import factories as f

PATCH_LOB = """mutation($id: UUID!, $patch: LobPatch!) { updateLob(id: $id, patch: $patch) {
  lob { serviceLevel { targetPct answerSeconds } } errors { code field } } }"""
LOB_TARGET = "SELECT sla_target_pct FROM lob WHERE id = :id"


def only_error(body: dict) -> dict:
    assert body["_status"] < 500, body
    assert len(body.get("errors") or []) == 1, body
    return body["errors"][0]


def test_a_percent_is_a_json_number_both_ways(world, gql, owner):
    body = gql(PATCH_LOB, {"id": str(world.A1a), "patch": {"slaTargetPct": 92.5}}, token=world.tokens["admin"])
    level = body["data"]["updateLob"]["lob"]["serviceLevel"]
    assert level["targetPct"] == 92.5 and isinstance(level["targetPct"], float)
    assert owner.execute(text(LOB_TARGET), {"id": world.A1a}).scalar_one() == Decimal("92.5")
    literal = gql(f'mutation {{ updateLob(id: "{world.A1a}", patch: {{slaTargetPct: 80}}) {{'
                  " lob { serviceLevel { targetPct } } } }", token=world.tokens["admin"])
    assert literal["data"]["updateLob"]["lob"]["serviceLevel"] == {"targetPct": 80}


@pytest.mark.parametrize("value", [100.5, -1, 1e9])
@pytest.mark.parametrize("lang, message", [("en", "A percentage must lie between 0 and 100."),
                                           ("fr", "Un pourcentage doit être compris entre 0 et 100.")])
def test_a_percent_outside_0_to_100_is_refused_and_nothing_is_written(world, gql, owner, value, lang, message):
    before = f.fingerprint(owner)
    error = only_error(gql(PATCH_LOB, {"id": str(world.A1a), "patch": {"slaTargetPct": value}},
                           token=world.tokens["admin"], lang=lang))
    assert error["extensions"] == {"code": "PERCENT_OUT_OF_RANGE", "argument": "patch.slaTargetPct",
                                   "min": "0", "max": "100"}
    assert error["message"] == message
    assert f.fingerprint(owner) == before


def test_a_percent_literal_outside_the_range_is_refused_too(world, gql, owner):
    before = f.fingerprint(owner)
    error = only_error(gql(f'mutation {{ updateLob(id: "{world.A1a}", patch: {{slaTargetPct: 101}}) {{'
                           " errors { code } } }", token=world.tokens["admin"]))
    assert error["extensions"]["code"] == "PERCENT_OUT_OF_RANGE"
    assert f.fingerprint(owner) == before


@pytest.mark.parametrize("value", ["85", True, "NaN"])
def test_a_percent_is_a_number_not_a_string(world, gql, value):
    error = only_error(gql(PATCH_LOB, {"id": str(world.A1a), "patch": {"slaTargetPct": value}},
                           token=world.tokens["admin"]))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "$patch.slaTargetPct"}


ASSIGNMENTS = """query($id: UUID!) { employee(id: $id) { assignments { payRate { amount currency } payCurrency
  weeklyHoursCap } } }"""


def test_a_pay_rate_is_money_with_a_decimal_string_amount_and_hours_a_number(world, gql, owner):
    owner.execute(text("UPDATE assignment SET pay_rate = 21.50, weekly_hours_cap = 37.5 WHERE employee_id = :e"),
                  {"e": world.e1})
    body = gql(ASSIGNMENTS, {"id": str(world.e1)}, token=world.tokens["admin"])
    [assignment] = body["data"]["employee"]["assignments"]
    assert assignment == {"payRate": {"amount": "21.50", "currency": assignment["payCurrency"]},
                          "payCurrency": assignment["payCurrency"], "weeklyHoursCap": 37.5}


def test_the_schema_documents_each_scalar(schema_sdl):
    for scalar in ("Percent", "Fraction", "Decimal", "Date", "DateTime", "UUID"):
        head = schema_sdl.split(f"\nscalar {scalar}")[0].rsplit('"""', 2)[-2]
        assert len(head.strip()) > 20, scalar
    assert 'scalar DateTime @specifiedBy(url: "https://scalars.graphql.org/andimarek/date-time.html")' in schema_sdl


@pytest.fixture
def schema_sdl():
    from switchboard.schema.compose import snapshot_path

    return snapshot_path(False).read_text()


@pytest.mark.parametrize("value, whole", [(Decimal("29.50"), 30), (Decimal("29.49"), 29), (Decimal("-0.5"), -1),
                                          (0, 0), (None, None), (12.0, 12)])
def test_minute_counts_round_half_up_in_one_place(value, whole):
    assert whole_minutes(value) == whole
