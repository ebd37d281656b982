"""SQL that runtime code and a stored function share, kept as its current text in one file.

A module keeps such text in its own ``sql/`` folder (``plugins/<name>/sql/<topic>.sql``);
runtime code reads it with :func:`sql_text`, and ``tests/core/test_stored_sql.py`` checks
that the head revision installs exactly the functions the files describe. When that test
fails, the file changed after the function was installed: write a migration that installs
the new text (with a literal copy of it: a migration never reads these files).

Placeholders are ``{{name}}``; the comment lines heading a file document it and are not
part of its text.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


@cache
def _text(package: str, name: str) -> str:
    lines = (files(package) / "sql" / f"{name}.sql").read_text(encoding="utf-8").splitlines()
    while lines and (not lines[0].strip() or lines[0].startswith("--")):
        lines.pop(0)
    return "\n".join(lines) + "\n"


def sql_text(package: str, name: str, **values: str) -> str:
    """The text of ``<package>/sql/<name>.sql`` with its ``{{placeholders}}`` replaced by
    ``values`` (``KeyError`` for one not given, ``ValueError`` for a value not used)."""
    text = _text(package, name)
    unused = set(values) - set(PLACEHOLDER.findall(text))
    if unused:
        raise ValueError(f"{name}.sql has no placeholder {', '.join(sorted(unused))}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)
