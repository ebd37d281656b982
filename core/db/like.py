"""Searching text for what the caller typed, literally, with ``LIKE``/``ILIKE``.

In a pattern ``%`` and ``_`` are wildcards and ``\\`` escapes: a search for ``%``
would match every row. Every search built from caller input goes through
:func:`contains` and names the escape character in its SQL::

    preferred_name ILIKE :pattern ESCAPE '\\'
"""

from __future__ import annotations


def contains(text: str) -> str:
    """The pattern (escape character ``\\``) matching values that contain ``text`` literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
