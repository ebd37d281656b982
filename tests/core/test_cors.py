"""Browsers on other origins (CORS): an allow-list, preflights answered, everyone else refused."""

from __future__ import annotations

from dataclasses import replace

import pytest
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.config import Settings
from switchboard.core.errors import ConfigurationError

ALLOWED = "https://wfm.retailco.example"
OTHER = "https://evil.example"
ME = "{ me { email } }"


@pytest.fixture
def http(runtime, world):
    runtime.settings = replace(runtime.settings, cors_origins=(ALLOWED, "http://localhost:5173"))
    with TestClient(create_app(runtime)) as client:
        yield client


def preflight(http: TestClient, origin: str, path: str = "/graphql"):
    return http.options(path, headers={"origin": origin, "access-control-request-method": "POST",
                                       "access-control-request-headers": "authorization, content-type"})


@pytest.mark.parametrize("path", ["/graphql", "/portal/graphql"])
def test_a_listed_origin_gets_its_preflight_answered(http, path):
    response = preflight(http, ALLOWED, path)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = {h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type"} <= allowed
    assert "access-control-allow-credentials" not in response.headers  # bearer tokens, never cookies


def test_a_listed_origin_reads_the_answer(http, world):
    response = http.post("/graphql", json={"query": ME},
                         headers={"origin": ALLOWED, "authorization": f"Bearer {world.tokens['planner']}"})
    assert response.status_code == 200 and response.json()["data"]["me"]["email"]
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "origin" in response.headers["vary"].lower()


def test_another_origin_is_refused(http, world):
    refused = preflight(http, OTHER)
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers
    # Without a preflight (a request no browser script could send this way) the answer carries no
    # permission, so the browser would not hand it to the other site's script.
    response = http.post("/graphql", json={"query": ME},
                         headers={"origin": OTHER, "authorization": f"Bearer {world.tokens['planner']}"})
    assert "access-control-allow-origin" not in response.headers


def test_no_origin_is_allowed_by_default(runtime):
    assert runtime.settings.cors_origins == ()
    with TestClient(create_app(runtime)) as http:
        response = preflight(http, ALLOWED)
    assert response.status_code == 400 and "access-control-allow-origin" not in response.headers


def test_the_setting_reads_a_comma_separated_list_of_origins():
    settings = Settings.from_env({"SWITCHBOARD_CORS_ORIGINS": " https://a.example, http://localhost:3000/ ,"})
    assert settings.cors_origins == ("https://a.example", "http://localhost:3000")
    for bad in ("https://a.example/app", "a.example", "ftp://a.example", "*"):
        with pytest.raises(ConfigurationError, match="SWITCHBOARD_CORS_ORIGINS"):
            Settings.from_env({"SWITCHBOARD_CORS_ORIGINS": bad})
