"""Page languages: English and French from the pages' Babel catalogue (compiled in memory by
``kit.i18n``), chosen by ``?lang`` then Accept-Language."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from urllib.parse import urlencode

from babel.support import NullTranslations
from fastapi import Request

from immersio_booking.kit import i18n
from immersio_booking.kit.i18n import DEFAULT_LANGUAGE, LANGUAGES
from immersio_booking.kit.i18n import base_language as _base

LOCALES = Path(__file__).parent / "locale"
__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "choose_language",
    "in_language",
    "locale_tag",
    "language_from_header",
    "translations",
]


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


def choose_language(request: Request, workshop_language: str | None = None) -> str:
    """``?lang`` (the visitor's choice), else the workshop's ``interfaceLanguage``, else
    Accept-Language."""
    asked = _base(request.query_params.get("lang", ""))
    if asked in LANGUAGES:
        return asked
    if workshop_language in LANGUAGES:
        return workshop_language
    return language_from_header(request.headers.get("accept-language")) or DEFAULT_LANGUAGE


def locale_tag(request: Request, language: str) -> str:
    """The visitor's locale in ``language``, region included when Accept-Language gives one
    (``en-US`` reads a 12-hour clock, ``en-GB`` and ``fr`` a 24-hour one)."""
    for part in (request.headers.get("accept-language") or "").split(","):
        tag = part.partition(";")[0].strip()
        if _base(tag) == language:
            return tag
    return language


def translations(language: str) -> NullTranslations:
    return i18n.translations(LOCALES, language)


def in_language(request: Request, language: str, refused: Collection[str] = ()) -> str:
    """This page (its path and every query parameter: token, zone, embed mode, referrer,
    reschedule, month, ...) in ``language``: only ``lang`` changes, and the parameters the
    page ``refused`` (a reschedule with a forged token) are not echoed back."""
    dropped = {"lang", *refused}
    kept = [(key, value) for key, value in request.query_params.multi_items() if key not in dropped]
    return f"{request.url.path}?{urlencode([*kept, ('lang', language)])}"
