"""How a session's time reads to people: one format for pages, emails and invitations.

``span`` gives "Tuesday, December 8, 2026, 6:00 – 7:00 PM (Paris, UTC+1)" in American English,
"mardi 8 décembre 2026, 18:00 – 19:00 (Paris, UTC+1)" in French: the weekday, the date, start and
end, and the zone by its city with its offset at that moment (never a raw IANA id). The locale
tag may carry a region (``en-US``, ``en-GB``, ``fr-CA``): it picks the date order and the
12- or 24-hour clock, unless the tag's hour cycle (``en-US-u-hc-h23``) or ``hour12`` says which.

``resolve_zone`` reads what a person types ("Paris", "new york", "europe/paris") as an IANA
zone, or ``None`` when it names none, so a typo is reported, never silently read as UTC.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date, format_time, get_timezone_location

from immersio_booking.kit import locale_tags
from immersio_booking.kit.i18n import LANGUAGES, supported_language

__all__ = [
    "babel_locale",
    "uses_12_hour_clock",
    "zone_name",
    "span",
    "time_of",
    "resolve_zone",
    "city_zones",
    "canonical_zone",
    "pickable_zones",
]


@lru_cache(maxsize=64)
def babel_locale(tag: str | None) -> Locale:
    """The Babel locale of a tag (``fr``, ``en-GB``, ``en_US``, ``en-GB-u-hc-h12``) in one of our
    languages; a region we do not know keeps the language (``en`` reads as American English,
    Babel's default for it). The hour cycle is not Babel's: ``uses_12_hour_clock`` reads it."""
    language = supported_language(tag)
    parsed = locale_tags.parse(tag)
    if parsed is not None and parsed.language == language and parsed.region:
        try:
            return Locale.parse(f"{language}_{parsed.region}")
        except (ValueError, UnknownLocaleError):
            pass
    return Locale.parse(language)


def uses_12_hour_clock(tag: str | None) -> bool:
    """Whether the reader wants a 12-hour clock: the tag's hour cycle when it has one
    (``-u-hc-h12``, ``-u-hc-h23``), else the habit of its locale (en-US yes, en-GB and fr no)."""
    parsed = locale_tags.parse(tag)
    if parsed is not None and parsed.twelve_hours is not None:
        return parsed.twelve_hours
    pattern = babel_locale(tag).time_formats["short"].pattern
    unquoted = "".join(pattern.split("'")[::2])  # quoted literals ("HH 'h' mm") are text
    return "h" in unquoted or "K" in unquoted


def _offset(moment: datetime) -> str:
    delta = moment.utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta is not None else 0
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


@lru_cache(maxsize=1024)
def _city(zone: str, tag: str) -> str:
    if zone in ("UTC", "Etc/UTC", "GMT", "Etc/GMT"):
        return ""
    try:
        return str(
            get_timezone_location(ZoneInfo(zone), locale=babel_locale(tag), return_city=True)
        )
    except (LookupError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


def zone_name(zone: str, at: datetime, tag: str | None = None, *, joiner: str = " ") -> str:
    """``Paris (UTC+1)`` (``Paris, UTC+1`` with ``joiner=", "``): the zone's city in the
    reader's language and its offset at ``at``; ``UTC`` alone for UTC."""
    offset = _offset(at.astimezone(ZoneInfo(zone)))
    city = _city(zone, tag or "")
    if not city:
        return offset
    return f"{city}, {offset}" if joiner == ", " else f"{city} ({offset})"


def time_of(moment: datetime, tag: str | None = None, *, hour12: bool | None = None) -> str:
    """The clock time alone (``6:00 PM`` or ``18:00``), in the moment's own zone."""
    twelve = uses_12_hour_clock(tag) if hour12 is None else hour12
    return format_time(moment, "h:mm a" if twelve else "HH:mm", locale=babel_locale(tag))


def span(
    start: datetime,
    end: datetime,
    zone: str,
    tag: str | None = None,
    *,
    hour12: bool | None = None,
) -> str:
    """Weekday, date, start – end and zone of a session, read in ``zone``."""
    local_start = start.astimezone(ZoneInfo(zone))
    local_end = end.astimezone(ZoneInfo(zone))
    locale = babel_locale(tag)
    day = format_date(local_start.date(), "full", locale=locale)
    until = time_of(local_end, tag, hour12=hour12)
    if local_end.date() != local_start.date():
        until = f"{format_date(local_end.date(), 'medium', locale=locale)} {until}"
    begins = time_of(local_start, tag, hour12=hour12)
    return f"{day}, {begins} – {until} ({zone_name(zone, start, tag, joiner=', ')})"


def moment_in(moment: datetime, zone: str, tag: str | None = None) -> str:
    """Date, time and zone of one moment, read in ``zone`` (an offer's end, a deadline)."""
    local = moment.astimezone(ZoneInfo(zone))
    day = format_date(local.date(), "medium", locale=babel_locale(tag))
    return f"{day} {time_of(local, tag)} ({zone_name(zone, moment, tag, joiner=', ')})"


def canonical_zone(zone: str) -> str:
    """The zone an alias stands for (``Asia/Calcutta`` → ``Asia/Kolkata``), per CLDR."""
    aliases = get_global("zone_aliases")
    return str(aliases.get(zone, zone))


@lru_cache(maxsize=1)
def pickable_zones() -> tuple[str, ...]:
    """The zones a person picks from: every region's zone once (no aliases, no ``Etc/``)."""
    zones = {
        canonical_zone(z)
        for z in available_timezones()
        if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/", "Canada/", "Brazil/"))
    }
    return (*sorted(z for z in zones if "/" in z), "UTC")


@lru_cache(maxsize=1)
def _zones_by_key() -> dict[str, str]:
    """Every IANA zone under its lower-cased id; every city name (from the id, and as English
    and French readers see it) when it names one zone only."""
    keys: dict[str, str] = {}
    cities: dict[str, set[str]] = {}
    for zone in available_timezones():
        if "/" in zone and not zone.startswith("SystemV/"):
            keys[zone.lower()] = zone
    for zone in pickable_zones():
        names = {zone.rsplit("/", 1)[-1].replace("_", " ")}
        names.update(_city(zone, language) for language in LANGUAGES)
        for name in names - {""}:
            cities.setdefault(_plain(name).lower(), set()).add(zone)
    for city, found in cities.items():
        if len(found) == 1:
            keys.setdefault(city, next(iter(found)))
    keys["utc"] = keys["gmt"] = "UTC"
    return keys


def _plain(text: str) -> str:
    """Accents dropped ("São Paulo" → "Sao Paulo"), spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


# What ``zone_name`` adds after the city: " (UTC+1)", ", UTC−5:30".
_OFFSET_SUFFIX = re.compile(r"(?:\s*\(UTC[^)]*\)|,\s*UTC\S*)$")


def resolve_zone(text: str | None) -> str | None:
    """The IANA zone a person meant by ``text`` ("Paris", "Londres", "São Paulo",
    "america/new_york", or a picker's "New York (UTC−5)"), or ``None`` when it names none."""
    typed = _plain(_OFFSET_SUFFIX.sub("", (text or "").strip()))
    if not typed:
        return None
    keys = _zones_by_key()
    return (
        keys.get(typed.lower())
        or keys.get(typed.lower().replace(" ", "_"))
        or keys.get(typed.lower().replace("_", " "))
    )


@lru_cache(maxsize=1)
def city_zones() -> list[tuple[str, str]]:
    """Every IANA zone with its city in English, ``("Paris", "Europe/Paris")``, by city."""
    return sorted(
        {(_city(zone, "en") or zone, zone) for zone in pickable_zones()},
        key=lambda pair: (pair[0].lower(), pair[1]),
    )
