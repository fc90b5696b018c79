"""Working ranges: weekly rules and date overrides turned into merged UTC intervals.

Instants are epoch seconds (ints) inside the engine: cheap to compare and step.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from immersio_booking.slots.model import HostCalendar

Interval = tuple[int, int]


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_to_epoch(day: date, minute: int, tz: ZoneInfo) -> int:
    """Wall-clock ``minute`` of ``day`` in ``tz`` as an instant.

    Minute 1440 is the next midnight. A wall time inside a DST gap does not exist; zoneinfo
    reads it with ``fold=0``, i.e. with the offset in force before the change (02:30 on a
    spring-forward night in New York becomes 03:30 EDT).
    """
    naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
    return int(naive.replace(tzinfo=tz).timestamp())


def epoch_to_local_date(instant: int, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(instant, UTC).astimezone(tz).date()


def merge(intervals: list[Interval]) -> list[Interval]:
    """Overlapping or touching intervals become one."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def working_ranges(host: HostCalendar, lower: int, upper: int) -> list[Interval]:
    """The host's merged working ranges that may touch ``[lower, upper)``."""
    tz = zone(host.time_zone)
    first = epoch_to_local_date(lower, tz) - timedelta(days=1)
    last = epoch_to_local_date(upper, tz) + timedelta(days=1)
    overrides: dict[date, list[tuple[int, int]]] = {}
    for item in host.overrides:
        if first <= item.day <= last:
            overrides.setdefault(item.day, []).append((item.start_minute, item.end_minute))
    found: list[Interval] = []
    day = first
    while day <= last:
        if day in overrides:
            pieces = overrides[day]  # an override replaces the weekly rules of its date
        else:
            weekday = day.weekday()
            pieces = [(r.start_minute, r.end_minute) for r in host.weekly if weekday in r.weekdays]
        for start_minute, end_minute in pieces:
            if end_minute > start_minute:
                found.append(
                    (local_to_epoch(day, start_minute, tz), local_to_epoch(day, end_minute, tz))
                )
        day += timedelta(days=1)
    return [r for r in merge(found) if r[1] > lower and r[0] < upper]


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    """Where both sorted, merged lists of intervals hold."""
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out
