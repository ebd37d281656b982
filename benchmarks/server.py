"""The app under benchmark: Switchboard plus a plain Starlette JSON baseline endpoint.

``/bench/employees`` does what the GraphQL ``employees(first: 50)`` page does —
authenticate the bearer token, open the runtime-role transaction with the caller,
run the same page SQL through the same service function, encode the same cursors —
and serializes with ``json`` directly. The ratio of the two isolates what GraphQL
parsing, validation, execution and serialization cost.

Run by :func:`benchmarks.harness.live_server` (``SWITCHBOARD_BENCH_SIZE`` names the
prepared database).
"""

from __future__ import annotations

import os

from starlette.requests import Request
from starlette.responses import JSONResponse

from benchmarks.harness import bench_settings
from switchboard.core.app import create_app
from switchboard.core.db.server import locate
from switchboard.core.db.session import DbSession
from switchboard.core.errors import AccessError
from switchboard.core.graphql.node import to_global_id
from switchboard.core.graphql.pagination import Window, encode_cursor
from switchboard.core.identity.service import authenticate
from switchboard.core.plugin_host import PluginHost
from switchboard.core.runtime import Runtime
from switchboard.core.workforce.service import employees_page

PAGE = 50
settings = bench_settings(os.environ.get("SWITCHBOARD_BENCH_SIZE", "mid"))
runtime = Runtime.build(settings, host=PluginHost(settings, builtin_only=True), database=locate(settings))
app = create_app(runtime)


async def plain_employees(request: Request) -> JSONResponse:
    db = DbSession(runtime.engine, None)
    try:
        token = request.headers.get("authorization", "").partition(" ")[2]
        caller = await authenticate(db, token, runtime.policy, runtime.settings)
        fetched = await employees_page(db, caller, Window(first=PAGE), runtime.settings.page_size_cap)
        rows, size = fetched.rows, fetched.keyset.size
        page = rows[:size]
        edges = [{"cursor": encode_cursor((r.preferred_name, r.id)),
                  "node": {"id": to_global_id("Employee", r.id), "employeeNumber": r.employee_number,
                           "preferredName": r.preferred_name,
                           "hireDate": r.hire_date.isoformat(), "workRegion": r.work_region}} for r in page]
        body = {"data": {"employees": {"edges": edges, "pageInfo": {
            "hasNextPage": len(rows) > size, "endCursor": edges[-1]["cursor"] if edges else None}}}}
        await db.finish(commit=True)
        return JSONResponse(body)
    except AccessError as exc:
        await db.finish(commit=False)
        return JSONResponse({"errors": [{"extensions": {"code": exc.code}}]}, status_code=401)


app.add_route("/bench/employees", plain_employees, methods=["POST"])
