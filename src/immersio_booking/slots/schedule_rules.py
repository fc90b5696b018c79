"""A schedule's Availability rows → the pure slots engine's weekly rules and date overrides.

Lives in slots, not schedules: slots reads schedules, and schedules knows nothing of the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from typing import NamedTuple

from immersio_booking.schedules.rules import END_OF_DAY, weekdays_of
from immersio_booking.slots.model import MINUTES_PER_DAY, DateOverride, WeeklyRule


class Rule(NamedTuple):
    """What the engine reads of one Availability row (weekly when ``date`` is None)."""

    days: int
    start_time: time
    end_time: time
    date: date | None


def start_minute(value: time) -> int:
    return value.hour * 60 + value.minute


def end_minute(value: time) -> int:
    if value == END_OF_DAY or (value.hour, value.minute) == (23, 59):
        return MINUTES_PER_DAY
    return value.hour * 60 + value.minute


def engine_rules(
    rows: Sequence[Rule],
) -> tuple[tuple[WeeklyRule, ...], tuple[DateOverride, ...]]:
    """Rows → the slots engine's plain rules."""
    weekly = tuple(
        WeeklyRule(weekdays_of(r.days), start_minute(r.start_time), end_minute(r.end_time))
        for r in rows
        if r.date is None and r.days
    )
    overrides = tuple(
        DateOverride(r.date, start_minute(r.start_time), end_minute(r.end_time))
        for r in rows
        if r.date is not None
    )
    return weekly, overrides
