"""The wheel users install with `pip install .` carries everything the runtime reads.

Editable installs read the source tree, so a file left out of the package would
only fail on a user's machine: migrations, catalogs, snapshots, the SQL files and the casbin model.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_carries_migrations_catalogs_snapshots_the_policy_model_and_graphiql(tmp_path):
    # Build from a clean copy: a working tree's *.egg-info lists files setuptools would reuse.
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "tests", "benchmarks"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=300)
    [wheel] = tmp_path.glob("switchboard-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    migrations = {f"switchboard/core/migrations/versions/{p.name}"
                  for p in (ROOT / "core/migrations/versions").glob("*.py")}
    assert migrations and migrations <= names
    built_ins = [p.parent for p in (ROOT / "plugins").glob("*/plugin.py")]
    assert built_ins
    for plugin in built_ins:
        prefix = f"switchboard/plugins/{plugin.name}"
        assert {f"{prefix}/migrations/{p.name}" for p in (plugin / "migrations").glob("*.py")} <= names
        assert {f"{prefix}/locale/{lang}/LC_MESSAGES/messages.po" for lang in ("en", "fr")} <= names
        assert {f"{prefix}/sql/{p.name}" for p in (plugin / "sql").glob("*.sql")} <= names
    assert "switchboard/plugins/scheduling/sql/adherence_cells.sql" in names
    assert {
        "switchboard/core/migrations/env.py",
        "switchboard/core/migrations/script.py.mako",
        "switchboard/core/authz/model.conf",
        "switchboard/locale/en/LC_MESSAGES/messages.po",
        "switchboard/locale/fr/LC_MESSAGES/messages.po",
        "switchboard/schema/internal.graphql",
        "switchboard/schema/portal.graphql",
        "switchboard/core/graphql/static/switchboard-graphiql.js",
    } <= names
    graphiql = ROOT / "core/graphql/static/graphiql"  # GraphiQL's own files, licences and README
    assert {f"switchboard/core/graphql/static/graphiql/{p.name}" for p in graphiql.iterdir()} <= names
    assert not any(n.startswith(("core/", "schema/", "locale/", "plugins/")) for n in names)  # namespaced only
