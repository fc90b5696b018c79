"""Conversions between the wire's weekly rules and the ERD's Availability rows.

``Availability.days`` is a bitmask with Sunday = bit 0 … Saturday = bit 6 (Cal.com's numbering).
Times are wall-clock ``time`` values in the schedule's zone; an end of "24:00" is stored as
``time.max`` and, like "23:59", means the end of the day.
"""

from __future__ import annotations

from datetime import time

from immersio_booking.models import Availability
from immersio_booking.schedules.schemas import (
    WEEK_DAYS,
    DateOverrideIn,
    WeekDay,
    WeeklyAvailability,
    minutes_of,
)

END_OF_DAY = time.max


def day_bit(day: WeekDay) -> int:
    """Monday..Sunday → bit of the Sunday-first mask."""
    return 1 << ((WEEK_DAYS.index(day) + 1) % 7)


def days_of(mask: int) -> list[WeekDay]:
    return [day for day in WEEK_DAYS if mask & day_bit(day)]


def weekdays_of(mask: int) -> frozenset[int]:
    """Bitmask → Python weekday numbers (Monday = 0)."""
    return frozenset(i for i, day in enumerate(WEEK_DAYS) if mask & day_bit(day))


def to_time(value: str) -> time:
    if value == "24:00":
        return END_OF_DAY
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def to_hhmm(value: time) -> str:
    return "24:00" if value == END_OF_DAY else value.strftime("%H:%M")


def weekly_rows(rules: list[WeeklyAvailability]) -> list[tuple[int, time, time]]:
    rows = []
    for rule in rules:
        mask = 0
        for day in rule.days:
            mask |= day_bit(day)
        rows.append((mask, to_time(rule.start_time), to_time(rule.end_time)))
    return rows


def weekly_out(rows: list[Availability]) -> list[WeeklyAvailability]:
    """Rows → wire rules; days that share the same hours are grouped into one entry."""
    by_hours: dict[tuple[time, time], int] = {}
    for row in rows:
        if row.date is None:
            key = (row.start_time, row.end_time)
            by_hours[key] = by_hours.get(key, 0) | row.days
    out = [
        WeeklyAvailability(days=days_of(mask), start_time=to_hhmm(s), end_time=to_hhmm(e))
        for (s, e), mask in by_hours.items()
        if mask
    ]
    return sorted(out, key=lambda r: (WEEK_DAYS.index(r.days[0]), minutes_of(r.start_time)))


def overrides_out(rows: list[Availability]) -> list[DateOverrideIn]:
    out = [
        DateOverrideIn(
            date=row.date, start_time=to_hhmm(row.start_time), end_time=to_hhmm(row.end_time)
        )
        for row in rows
        if row.date is not None
    ]
    return sorted(out, key=lambda o: (o.date, o.start_time))
