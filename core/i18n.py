"""Messages in the caller's language, from Babel catalogs.

Each catalog is ``<dir>/<lang>/LC_MESSAGES/messages.po`` whose ``msgid`` is a stable
code (``ASSIGNMENT_OVERLAP``) and whose ``msgstr`` is the message, with ``{name}``
placeholders filled from the error's parameters. Core's catalogs live in the
``locale/`` folder; plugins add theirs through ``switchboard_locale_dirs``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"


def core_locale_dir() -> Path:
    """The folder of core's catalogs (installed as the data package ``switchboard.locale``)."""
    import switchboard.locale

    # A namespace package: take the first real folder of its path (editable installs
    # add a path-hook entry that is not one).
    return next(Path(p) for p in switchboard.locale.__path__ if (Path(p) / DEFAULT_LANGUAGE).is_dir())


class Messages:
    """Every catalog merged: ``code → {language → template}``."""

    def __init__(self, dirs: Iterable[Path]) -> None:
        self._by_lang: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
        for directory in dirs:
            for lang in LANGUAGES:
                path = Path(directory) / lang / "LC_MESSAGES" / "messages.po"
                if not path.exists():
                    continue
                with path.open("rb") as fh:
                    catalog = read_po(fh, locale=lang)
                for message in catalog:
                    if message.id and message.string:
                        self._by_lang[lang][str(message.id)] = str(message.string)

    def codes(self, lang: str) -> set[str]:
        """Every code with a message in ``lang``."""
        return set(self._by_lang[lang])

    def render(self, code: str, lang: str, params: dict[str, Any] | None = None) -> str:
        """The message for ``code`` in ``lang`` (falling back to English, then to the code)."""
        template = self._by_lang.get(lang, {}).get(code) or self._by_lang[DEFAULT_LANGUAGE].get(code)
        if template is None:
            return code
        try:
            return template.format(**(params or {}))
        except (KeyError, IndexError, ValueError):
            return template


def negotiate(accept_language: str | None, preferred: str | None = None) -> str:
    """Pick ``en`` or ``fr``: the request's Accept-Language first, then the user's preference.

    A headless API's front end states the language per request; the stored
    preference serves callers that send none.
    """
    if accept_language:
        tags = [part.split(";")[0].strip().replace("-", "_") for part in accept_language.split(",")]
        try:
            match = Locale.negotiate([t for t in tags if t and t != "*"], list(LANGUAGES))
        except (ValueError, UnknownLocaleError):
            match = None
        if match is not None:
            return match.language
    if preferred in LANGUAGES:
        return preferred
    return DEFAULT_LANGUAGE


def localized_fractions(params: dict[str, Any], lang: str) -> dict[str, Any]:
    """``params`` with fractional numbers written as ``lang`` writes them (0.5 s, 0,5 s)."""
    return {k: format_decimal(v, locale=lang) if isinstance(v, float) else v for k, v in params.items()}
