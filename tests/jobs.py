"""Mutations that queue a job: run the queue as a worker would, then read what the job made."""

from __future__ import annotations

from typing import Any

from switchboard.core.jobs.worker import Worker

OUTCOME = """query($id: UUID!) {{ job(id: $id) {{ id kind state error {{ code message }}
  outcome {{ jobId ... on {type} {{ {selection} }} }} }} }}"""


def run_queue(runtime: Any) -> int:
    """Run every queued job to its end, as a worker; how many ran."""
    worker, ran = Worker(runtime), 0
    while worker.run_once() is not None:
        ran += 1
    return ran


def finished(gql: Any, token: str, job_id: str, result_type: str, selection: str, lang: str | None = None) -> dict:
    """Run the queue, then the job as ``token`` reads it: ``state``, ``error`` and ``outcome``
    (``result_type``'s ``selection``)."""
    run_queue(gql.http.app.state.runtime)
    body = gql(OUTCOME.format(type=result_type, selection=selection), {"id": job_id}, token=token, lang=lang)
    assert "errors" not in body, body
    return body["data"]["job"]


def outcome(gql: Any, token: str, job_id: str, result_type: str, selection: str, lang: str | None = None) -> dict:
    """What a job that must succeed made (its outcome's ``selection``)."""
    job = finished(gql, token, job_id, result_type, selection, lang)
    assert job["state"] == "SUCCEEDED", job
    return job["outcome"]
