"""Searching text for what the caller typed, literally, with ``ILIKE``.

In a pattern ``%`` and ``_`` are wildcards and ``\\`` escapes: a search for ``%``
would match every row. Every search built from caller input binds
:func:`ilike_pattern` of the text to a parameter and matches it with the condition
:func:`ilike_any` builds, which names the escape character::

    (preferred_name ILIKE :pattern ESCAPE '\\' OR employee_number ILIKE :pattern ESCAPE '\\')

:meth:`switchboard.core.db.pages.Where.search` does both for a list's filter.
"""

from __future__ import annotations

from collections.abc import Sequence


def ilike_pattern(text: str) -> str:
    """The pattern (escape character ``\\``) matching values that contain ``text`` literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def ilike_any(columns: Sequence[str], parameter: str) -> str:
    """The condition that one of ``columns`` matches the pattern bound to ``:parameter``
    (an :func:`ilike_pattern`), case aside."""
    return "(" + " OR ".join(f"{column} ILIKE :{parameter} ESCAPE '\\'" for column in columns) + ")"
