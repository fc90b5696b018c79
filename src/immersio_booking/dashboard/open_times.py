"""The open times a schedule gives over the next days: its weekly rules and date overrides
through the slots engine's own working ranges (slots/ranges.py), less the time away."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import OutOfOfficeEntry, Schedule
from immersio_booking.slots import repository as slots_repository
from immersio_booking.slots.model import HostCalendar
from immersio_booking.slots.ranges import Interval, intersect, merge, working_ranges
from immersio_booking.slots.schedule_rules import engine_rules


@dataclass(frozen=True)
class OpenDay:
    day: date
    ranges: list[tuple[datetime, datetime]]  # in the schedule's zone


def _less(ranges: list[Interval], away: list[Interval]) -> list[Interval]:
    """``ranges`` without the parts ``away`` covers."""
    if not away:
        return ranges
    gaps: list[Interval] = []
    cursor = min(ranges[0][0], away[0][0]) if ranges else 0
    for start, end in merge(away):
        gaps.append((cursor, start))
        cursor = max(cursor, end)
    gaps.append((cursor, 2**62))
    return intersect(ranges, merge(gaps))


async def open_days(
    session: AsyncSession,
    schedule: Schedule,
    away: list[OutOfOfficeEntry],
    now: datetime,
    days: int,
) -> list[OpenDay]:
    loaded = await slots_repository.schedules(session, schedule.organization_id, [schedule.id])
    _, rows = loaded[schedule.id]
    weekly, overrides = engine_rules(rows)
    zone = ZoneInfo(schedule.time_zone)
    first = now.astimezone(zone).date()
    lower = int(datetime.combine(first, datetime.min.time(), zone).timestamp())
    upper = int(
        datetime.combine(first + timedelta(days=days), datetime.min.time(), zone).timestamp()
    )
    host = HostCalendar(schedule.user_id, schedule.time_zone, weekly, overrides)
    found = [(max(s, lower), min(e, upper)) for s, e in working_ranges(host, lower, upper)]
    gone = [(int(a.start_time.timestamp()), int(a.end_time.timestamp())) for a in away]
    by_day: dict[date, list[tuple[datetime, datetime]]] = {
        first + timedelta(days=n): [] for n in range(days)
    }
    for start, end in _less(found, merge(gone)):
        begins = datetime.fromtimestamp(start, UTC).astimezone(zone)
        ends = datetime.fromtimestamp(end, UTC).astimezone(zone)
        by_day.setdefault(begins.date(), []).append((begins, ends))
    return [OpenDay(day, ranges) for day, ranges in sorted(by_day.items()) if day in by_day]
