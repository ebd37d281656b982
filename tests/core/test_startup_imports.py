"""Start-up stays light: the command line, every plugin module and both composed schemas load
without OR-Tools, statsmodels, SciPy or pandas (seconds of imports that only a solve, a
forecast or a report needs), in a fresh interpreter as ``switchboard`` starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ("ortools", "statsmodels", "scipy", "pandas")

PROBE = """
import inspect, json, sys
from switchboard.core import cli
from switchboard.core.config import get_settings
from switchboard.core.plugin_host import PluginHost
from switchboard.schema.compose import compose

settings = get_settings()
host = PluginHost(settings)  # every installed plugin module, through the entry points
host.hook.switchboard_cli(app=cli.app)
for name, caller in vars(host.hook).items():  # every hook that takes no argument, on every plugin
    if name.startswith("switchboard_") and not inspect.signature(caller.spec.function).parameters:
        caller()
compose(host, settings)  # every GraphQL module of both schemas
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[1:]))))
"""


def loaded(tmp_path, probe: str = PROBE, packages: tuple[str, ...] = HEAVY) -> list[str]:
    """The ``packages`` (top-level names) ``probe`` left in ``sys.modules``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHBOARD_") and k != "DATABASE_URL"}
    env["SWITCHBOARD_DATA_DIR"] = str(tmp_path)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
    result = subprocess.run([sys.executable, "-c", probe, *packages], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cli_plugins_and_schemas_load_without_the_numerical_libraries(tmp_path):
    assert loaded(tmp_path) == []


def test_the_probe_sees_a_plugin_hook_importing_pandas(tmp_path):
    """The probe can fail: a plugin whose hook imports pandas is caught."""
    (tmp_path / "heavy_probe_plugin.py").write_text(
        "from switchboard.core.hookspecs import hookimpl\n\n\n"
        "@hookimpl\ndef switchboard_permission_declarations():\n    import pandas  # noqa: F401\n\n    return []\n")
    probe = PROBE.replace("host = PluginHost(settings)", "import heavy_probe_plugin\n"
                          "host = PluginHost(settings, extra=[('heavy', heavy_probe_plugin)])")
    assert loaded(tmp_path, probe) == ["pandas"]


SCHEMA_ONLY = """
import json, sys
from switchboard.core.config import get_settings
from switchboard.core.plugin_host import PluginHost
from switchboard.schema.compose import compose, sdl

settings = get_settings()
schemas = compose(PluginHost(settings), settings)  # as `switchboard schema export` does
sdl(schemas.internal), sdl(schemas.portal)
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[1:]))))
"""
HTTP_SERVER = ("starlette", "uvicorn")


def test_composing_the_schemas_loads_no_http_server(tmp_path):
    """Error formatting lives in ``core.graphql.errors``, not in the Starlette view: composing and
    printing both schemas imports neither Starlette nor uvicorn."""
    assert loaded(tmp_path, SCHEMA_ONLY, HTTP_SERVER) == []
