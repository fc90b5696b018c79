"""English and French from Babel catalogues, shared by the pages and the emails.

Each user of this module keeps its own catalogue directory (``<dir>/<lang>/LC_MESSAGES/
messages.po``). The ``.po`` files are compiled in memory when first used, so no build step
(and no download) stands between a checkout and translated text."""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"


def base_language(tag: str | None) -> str:
    """``fr-CA`` → ``fr``: the primary subtag, lower-cased (``""`` for nothing)."""
    return (tag or "").strip().split("-")[0].split("_")[0].lower()


def supported_language(tag: str | None) -> str:
    """One of ``LANGUAGES`` for a locale tag, falling back to English."""
    base = base_language(tag)
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=8)
def translations(locales: Path, language: str) -> NullTranslations:
    """The catalogue for ``language`` under ``locales``; English (the source) has none."""
    path = locales / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)
