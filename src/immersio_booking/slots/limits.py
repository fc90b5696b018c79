"""Booking limits of a workshop (Cal.com's ``bookingLimitsCount`` / ``bookingLimitsDuration``):
pure rules over the sessions already booked; no database, no clock.

Periods (day, week from Monday, calendar month, calendar year) are read in the zone of the
workshop's schedule, as Cal.com reads them in the organizer's zone. A session counts once
however many seats it has (Cal.com keeps one booking per seated session); joining a session
already booked adds nothing, so a seat in it stays open when the period is full.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from immersio_booking.slots.model import Slot
from immersio_booking.slots.ranges import zone

PERIODS = ("day", "week", "month", "year")


@dataclass(frozen=True)
class Limits:
    """Most sessions and most minutes per period, by period name."""

    count: dict[str, int]
    minutes: dict[str, int]
    time_zone: str

    def __bool__(self) -> bool:
        return bool(self.count or self.minutes)


@dataclass(frozen=True)
class Booked:
    """One session already booked: its start and its length in minutes."""

    start: datetime
    minutes: int


def period_of(moment: datetime, period: str, time_zone: str) -> tuple[datetime, datetime]:
    """The period containing ``moment``, as UTC bounds ``[start, end)``."""
    tz = zone(time_zone)
    day = moment.astimezone(tz).date()
    if period == "day":
        first, last = day, day + timedelta(days=1)
    elif period == "week":
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=7)
    elif period == "month":
        first = day.replace(day=1)
        last = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    else:
        first, last = date(day.year, 1, 1), date(day.year + 1, 1, 1)

    def midnight(d: date) -> datetime:
        return datetime(d.year, d.month, d.day, tzinfo=tz).astimezone(UTC)

    return midnight(first), midnight(last)


def reach(limits: Limits, low: datetime, high: datetime) -> tuple[datetime, datetime]:
    """The bounds of every period of ``limits`` touching ``[low, high]``."""
    used = set(limits.count) | set(limits.minutes)
    longest = next(p for p in reversed(PERIODS) if p in used)
    return (
        period_of(low, longest, limits.time_zone)[0],
        period_of(high, longest, limits.time_zone)[1],
    )


def refusal(
    limits: Limits, start: datetime, minutes: int, booked: Sequence[Booked], joins: bool
) -> str | None:
    """Why a new session at ``start`` would pass a limit (``booking_limit_reached`` or
    ``duration_limit_reached``), or None. ``joins``: it is a seat in a session booked already."""
    if joins or not limits:
        return None
    for period in PERIODS:
        most, most_minutes = limits.count.get(period), limits.minutes.get(period)
        if most is None and most_minutes is None:
            continue
        low, high = period_of(start, period, limits.time_zone)
        inside = [b for b in booked if low <= b.start < high]
        if most is not None and len(inside) >= most:
            return "booking_limit_reached"
        if most_minutes is not None and sum(b.minutes for b in inside) + minutes > most_minutes:
            return "duration_limit_reached"
    return None


def sessions(rows: Iterable[tuple[datetime, datetime, int | None]]) -> list[Booked]:
    """Bookings as sessions: the seats of one session (same start, end and host) count once."""
    return [
        Booked(start, int((end - start).total_seconds() // 60))
        for start, end, _ in sorted(set(rows), key=lambda r: (r[0], r[1], r[2] or 0))
    ]


def first_of_each_day(slots: Sequence[Slot], time_zone: str) -> list[Slot]:
    """``onlyShowFirstAvailableSlot``: the earliest slot of each local day in ``time_zone``."""
    tz = zone(time_zone)
    seen: set[date] = set()
    kept = []
    for slot in sorted(slots, key=lambda s: s.start):
        day = slot.start.astimezone(tz).date()
        if day not in seen:
            seen.add(day)
            kept.append(slot)
    return kept
