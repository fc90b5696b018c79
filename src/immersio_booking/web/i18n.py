"""Page languages: English and French from Babel catalogues, chosen by ``?lang`` then
Accept-Language. The ``.po`` files are compiled in memory when first used, so no build step
(and no download) stands between a checkout and translated pages."""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Request

LOCALES = Path(__file__).parent / "locale"
LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"


def _base(tag: str) -> str:
    return tag.strip().split("-")[0].split("_")[0].lower()


def language_from_header(header: str | None) -> str | None:
    """The best of our languages in an Accept-Language header (q-values honoured)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if _base(tag) in LANGUAGES and quality > 0:
            ranked.append((-quality, position, _base(tag)))
    return min(ranked)[2] if ranked else None


def choose_language(request: Request) -> str:
    asked = _base(request.query_params.get("lang", ""))
    if asked in LANGUAGES:
        return asked
    return language_from_header(request.headers.get("accept-language")) or DEFAULT_LANGUAGE


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> NullTranslations:
    path = LOCALES / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)
