"""required_agents' refusals (coded, localized, raised before any work) and its array shapes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from switchboard.core.errors import UserError
from switchboard.core.i18n import Messages, core_locale_dir
from switchboard.plugins.scheduling import plugin
from switchboard.plugins.scheduling.staffing.requirement import required_agents

GOOD = dict(volume=[100.0, 0.0], aht_seconds=180.0, interval_seconds=1800, service_level=0.8, answer_seconds=20,
            occupancy_cap=0.85, shrinkage=0.3, patience_seconds=120.0)

BAD = [
    ("volume", [100.0, -1.0], "VOLUME_NEGATIVE", "volume"),
    ("volume", [100.0, math.nan], "VOLUME_NEGATIVE", "volume"),
    ("aht_seconds", 0.0, "AHT_NOT_POSITIVE", "ahtSeconds"),
    ("interval_seconds", -900, "INTERVAL_NOT_POSITIVE", "intervalSeconds"),
    ("service_level", 1.0, "SERVICE_LEVEL_OUT_OF_RANGE", "serviceLevel"),
    ("service_level", [0.8, 0.0], "SERVICE_LEVEL_OUT_OF_RANGE", "serviceLevel"),
    ("answer_seconds", -5, "ANSWER_TIME_NEGATIVE", "answerSeconds"),
    ("occupancy_cap", 0.0, "OCCUPANCY_CAP_OUT_OF_RANGE", "occupancyCap"),
    ("occupancy_cap", 1.01, "OCCUPANCY_CAP_OUT_OF_RANGE", "occupancyCap"),
    ("shrinkage", 1.0, "SHRINKAGE_OUT_OF_RANGE", "shrinkage"),
    ("shrinkage", -0.1, "SHRINKAGE_OUT_OF_RANGE", "shrinkage"),
    ("patience_seconds", 0.0, "PATIENCE_NOT_POSITIVE", "patienceSeconds"),
    ("patience_seconds", math.inf, "PATIENCE_NOT_POSITIVE", "patienceSeconds"),
]


def call(**changes):
    args = {**GOOD, **changes}
    return required_agents(args.pop("volume"), args.pop("aht_seconds"), **args)


@pytest.mark.parametrize(("name", "value", "code", "field"), BAD)
def test_bad_parameter_is_refused_with_code_and_field(name, value, code, field):
    with pytest.raises(UserError) as refused:
        call(**{name: value})
    assert (refused.value.code, refused.value.field) == (code, field)


def test_refusals_have_messages_in_english_and_french():
    messages = Messages([core_locale_dir(), plugin.HERE / "locale"])
    for _, _, code, _ in BAD:
        english, french = messages.render(code, "en"), messages.render(code, "fr")
        assert code not in (english, french) and english != french


def test_edges_of_the_ranges_are_accepted():
    r = call(occupancy_cap=1.0, shrinkage=0.0, answer_seconds=0, volume=[0.0, 0.0])
    assert r.whole_agents.tolist() == [0, 0]


def test_arrays_broadcast_per_interval():
    """LOB × interval volumes with a per-LOB target and a per-interval AHT keep their shape."""
    volume = np.array([[10.0, 40.0, 0.0], [200.0, 5.0, 60.0]])
    r = required_agents(volume, np.array([240.0, 300.0, 180.0]), interval_seconds=1800,
                        service_level=np.array([[0.8], [0.9]]), answer_seconds=np.array([[20], [30]]), shrinkage=0.25)
    assert r.agents.shape == r.whole_scheduled.shape == r.asa_seconds.shape == (2, 3)
    assert r.abandon_probability is None
    one = required_agents(200.0, 240.0, interval_seconds=1800, service_level=0.9, answer_seconds=30, shrinkage=0.25)
    assert r.whole_agents[1, 0] == one.whole_agents and r.agents[1, 0] == one.agents
    assert r.whole_scheduled[1, 0] == one.whole_scheduled and one.scheduled.shape == ()
