"""What a page knows of its visitor besides the language: the time zone they read times in
(typed or picked by name, refused visibly when unknown) and their 12- or 24-hour clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from fastapi import Request

from immersio_booking.kit import locale_tags, when
from immersio_booking.kit.i18n import base_language

CLOCKS = ("12", "24")


@dataclass(frozen=True)
class ZoneChoice:
    zone: str  # the IANA zone the page shows times in
    refused: str | None  # what the visitor typed that names no zone, if anything


def zone_choice(asked: str | None, previous: str | None) -> ZoneChoice:
    """The zone a visitor asked for (``?tz=``: an IANA id or a city, "Paris"); when that names
    none, the zone they had before (``previous``), with what they typed kept to say so. UTC
    only when neither names a zone."""
    if not asked:
        return ZoneChoice(when.resolve_zone(previous) or "UTC", None)
    resolved = when.resolve_zone(asked)
    if resolved:
        return ZoneChoice(resolved, None)
    return ZoneChoice(when.resolve_zone(previous) or "UTC", asked)


def locale_tag(request: Request, language: str) -> str:
    """The visitor's locale with its region when their browser says one in the page's
    language (``en-US`` for an American reading English), else the language alone."""
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip()
        if base_language(tag) == language and len(tag) > len(language):
            return tag
    return language


def uses_12_hours(clock: str | None, tag: str) -> bool:
    """``?clock=12|24`` when given, else the habit of the visitor's locale."""
    if clock in CLOCKS:
        return clock == "12"
    return when.uses_12_hour_clock(tag)


def booking_tag(tag: str, language: str, clock: str | None) -> str:
    """The locale a booking made on this page keeps for its student, so their emails say the
    time as the page did: the page's language with the browser's region (``en-GB``), and the
    clock the visitor chose with the toggle (``en-US-u-hc-h23``)."""
    parsed = locale_tags.parse(tag)
    if parsed is None or parsed.language != language:
        parsed = locale_tags.LocaleTag(language, None, None)
    chosen = clock == "12" if clock in CLOCKS else None
    return str(locale_tags.with_hour_cycle(parsed, chosen))


@dataclass(frozen=True)
class ZoneOption:
    zone: str
    name: str  # "Paris (UTC+1)"


def zone_options(tag: str, at: datetime) -> list[ZoneOption]:
    """Every zone a visitor can pick, by its city and offset on ``at``'s day."""
    return _options(tag, at.replace(minute=0, second=0, microsecond=0, hour=12))


@lru_cache(maxsize=8)
def _options(tag: str, at: datetime) -> list[ZoneOption]:
    options = [ZoneOption(zone, when.zone_name(zone, at, tag)) for zone in when.pickable_zones()]
    return sorted(options, key=lambda option: option.name)
