"""Small builders for engine inputs in the tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from immersio_booking.slots.model import (
    BusyInterval,
    DateOverride,
    EventRules,
    HostCalendar,
    SlotQuery,
    WeeklyRule,
)

WEEKDAYS = frozenset(range(5))
EVERY_DAY = frozenset(range(7))


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def rule(start: str, end: str, days: frozenset[int] = WEEKDAYS) -> WeeklyRule:
    return WeeklyRule(days, hm(start), hm(end))


def override(day: str, start: str, end: str) -> DateOverride:
    return DateOverride(date.fromisoformat(day), hm(start), hm(end))


def local(text: str, zone: str) -> datetime:
    """A wall-clock time in ``zone`` as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def busy(start: datetime, minutes: int, **kwargs: object) -> BusyInterval:
    return BusyInterval(start=start, end=start + timedelta(minutes=minutes), **kwargs)  # type: ignore[arg-type]


def host(
    zone: str,
    *rules: WeeklyRule,
    overrides: tuple[DateOverride, ...] = (),
    busy_times: tuple[BusyInterval, ...] = (),
    host_id: int = 1,
) -> HostCalendar:
    return HostCalendar(host_id, zone, tuple(rules), overrides, busy_times)


def query(
    start: str, end: str, now: str = "2020-01-01T00:00:00+00:00", booker: str = "UTC"
) -> SlotQuery:
    def parse(value: str) -> datetime:
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    return SlotQuery(parse(start), parse(end), parse(now), booker)


def event(length: int = 60, **kwargs: object) -> EventRules:
    return EventRules(event_type_id=1, length=length, **kwargs)  # type: ignore[arg-type]
