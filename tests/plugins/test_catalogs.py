"""Every code a built-in plugin can return has a message in English and French."""

from __future__ import annotations

import re
from pathlib import Path

import switchboard.plugins

CODE = re.compile(r"""(?:UserError|raise_user)\(\s*"([A-Z][A-Z0-9_]+)\"""")


def raised_codes() -> set[str]:
    root = Path(switchboard.plugins.__file__).resolve().parent
    return {m for path in root.rglob("*.py") for m in CODE.findall(path.read_text())}


def test_every_code_has_a_message_in_each_language(runtime):
    codes = raised_codes() | {error.code for error in runtime.constraint_errors.declared()}
    assert "TIME_ENTRY_OVERLAP" in codes  # the scan finds the plugins' codes
    for lang in ("en", "fr"):
        missing = codes - runtime.messages.codes(lang)
        assert not missing, (lang, sorted(missing))
