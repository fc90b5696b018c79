"""Busy periods out of iCalendar data (an ICS feed, or the events a CalDAV server returns):
recurring events expanded inside the window, all-day and floating times read in the teacher's
zone, free (TRANSP:TRANSPARENT) and cancelled events left out."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import recurring_ical_events  # type: ignore[import-untyped]
from icalendar import Calendar, Component

from immersio_booking.calendars.source import Busy, CalendarUnavailable


def parsed(data: bytes | str) -> Calendar:
    try:
        calendar = Calendar.from_ical(data)
    except ValueError as exc:
        raise CalendarUnavailable(f"not iCalendar data: {exc}") from exc
    if not isinstance(calendar, Calendar):
        raise CalendarUnavailable("not an iCalendar VCALENDAR")
    return calendar


def _instant(value: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=zone)
        return aware.astimezone(UTC)
    return datetime.combine(value, time(0), zone).astimezone(UTC)


def _blocks(event: Component) -> bool:
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return False
    return str(event.get("STATUS", "CONFIRMED")).upper() != "CANCELLED"


def busy_in(
    calendar: Calendar, start: datetime, end: datetime, external_id: str, zone: ZoneInfo
) -> list[Busy]:
    """The busy periods of ``calendar`` that overlap ``[start, end)``, clipped to it."""
    found: list[Busy] = []
    try:
        events = recurring_ical_events.of(calendar).between(start, end)
    except (ValueError, TypeError) as exc:
        raise CalendarUnavailable(f"unreadable events: {exc}") from exc
    for event in events:
        if event.name != "VEVENT" or not _blocks(event) or event.get("DTSTART") is None:
            continue
        begins = _instant(event["DTSTART"].dt, zone)
        if event.get("DTEND") is not None:
            ends = _instant(event["DTEND"].dt, zone)
        elif event.get("DURATION") is not None:
            ends = begins + event["DURATION"].dt
        else:  # RFC 5545: a date lasts the day, a date-time takes no time
            is_day = not isinstance(event["DTSTART"].dt, datetime)
            ends = begins + (timedelta(days=1) if is_day else timedelta(0))
        lo, hi = max(begins, start), min(ends, end)
        if lo < hi:
            found.append(Busy(lo, hi, external_id))
    return found


def zone_of(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")
