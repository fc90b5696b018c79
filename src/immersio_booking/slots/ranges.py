"""Working ranges: weekly rules and date overrides turned into merged intervals of real time.

Instants are epoch seconds (ints) inside the engine: cheap to compare and to step.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from immersio_booking.slots.model import MINUTES_PER_DAY, HostCalendar

Interval = tuple[int, int]
Minutes = tuple[int, int]

# A working range that never began (the host works around the clock on every day, as far back
# as the rules go) has its grid anchored at local midnight of this date in the host's zone.
ANCHOR_DAY = date(2000, 1, 1)
_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The ``ZoneInfo`` of an IANA name, cached (raises ``ZoneInfoNotFoundError`` if unknown)."""
    return ZoneInfo(name)


@lru_cache(maxsize=16384)
def local_to_epoch(day: date, minute: int, tz: ZoneInfo) -> int:
    """Wall-clock ``minute`` of ``day`` in ``tz`` as an instant (epoch seconds).

    Minute 1440 is the next local midnight. A wall time inside a DST gap does not exist;
    zoneinfo reads it with ``fold=0``, i.e. with the offset in force before the change (02:30 on
    a spring-forward night in New York becomes 03:30 EDT). A wall time that occurs twice (in
    the hour repeated when clocks fall back) is its first occurrence.
    """
    naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
    return int(naive.replace(tzinfo=tz).timestamp())


def epoch_to_local_date(instant: int, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(instant, UTC).astimezone(tz).date()


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching intervals become one; empty ones are dropped."""
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


class _Hours:
    """One host's rules, indexed: the wall-clock pieces of any local date."""

    def __init__(self, host: HostCalendar) -> None:
        self.tz = zone(host.time_zone)
        self.weekly: list[list[Minutes]] = [[] for _ in range(7)]
        for rule in host.weekly:
            piece = _clamp(rule.start_minute, rule.end_minute)
            if piece is not None:
                for weekday in rule.weekdays:
                    self.weekly[weekday].append(piece)
        # A date with overrides ignores its weekly rules, even when every override is empty.
        self.overrides: dict[date, list[Minutes]] = {}
        for item in host.overrides:
            pieces = self.overrides.setdefault(item.day, [])
            piece = _clamp(item.start_minute, item.end_minute)
            if piece is not None:
                pieces.append(piece)

    def day(self, day: date) -> list[Interval]:
        """The instants of ``day``'s pieces (not merged)."""
        pieces = self.overrides.get(day)
        if pieces is None:
            pieces = self.weekly[day.weekday()]
        return [
            (local_to_epoch(day, start, self.tz), local_to_epoch(day, end, self.tz))
            for start, end in pieces
        ]

    def chain_start(self, day: date) -> int:
        """Where the working time that runs without a break into local midnight of ``day``
        began: walk back over whole working days until a day with a gap.

        After seven whole days in a row without overrides every weekday is whole, so only an
        earlier override can end the walk; with none, the time never began and the fixed
        anchor (midnight of ``ANCHOR_DAY``) stands in for its start.
        """
        start = local_to_epoch(day, 0, self.tz)
        whole_weekly_days = 0
        while True:
            day -= _ONE_DAY
            pieces = merge(self.day(day))
            if not pieces or pieces[-1][1] < start:
                return start  # nothing reaches midnight: the chain begins there
            midnight = local_to_epoch(day, 0, self.tz)
            if pieces[-1][0] > midnight:
                return pieces[-1][0]
            start = midnight  # a whole working day: keep walking
            if day in self.overrides:
                whole_weekly_days = 0
                continue
            whole_weekly_days += 1
            if whole_weekly_days == 7:
                earlier = [d for d in self.overrides if d < day]
                if not earlier:
                    return min(start, local_to_epoch(ANCHOR_DAY, 0, self.tz))
                # Every day between the latest earlier override and ``day`` is whole.
                day = max(earlier) + _ONE_DAY
                start = local_to_epoch(day, 0, self.tz)
                whole_weekly_days = 0


def _clamp(start: int, end: int) -> Minutes | None:
    start, end = max(start, 0), min(end, MINUTES_PER_DAY)
    return (start, end) if end > start else None


def working_ranges(host: HostCalendar, lower: int, upper: int) -> list[Interval]:
    """The host's merged working ranges that overlap ``[lower, upper)``.

    Each range keeps its true start, also when that lies before ``lower`` (the grid of start
    times counts from it): ranges that run on across midnight are followed back to where they
    began.
    """
    hours = _Hours(host)
    tz = hours.tz
    first = epoch_to_local_date(lower, tz) - _ONE_DAY
    last = epoch_to_local_date(upper, tz) + _ONE_DAY
    found: list[Interval] = []
    day = first
    while day <= last:
        found.extend(hours.day(day))
        day += _ONE_DAY
    merged = [r for r in merge(found) if r[1] > lower and r[0] < upper]
    if merged and merged[0][0] == local_to_epoch(first, 0, tz):
        merged[0] = (hours.chain_start(first), merged[0][1])
    return merged
