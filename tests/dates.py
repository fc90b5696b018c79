"""Dates for tests, derived from the service's clock (``kit.clock``), so the suite passes on
any day. Never write a literal future date in a test: take one from here.

Calendar facts (weekdays, month ends, DST changes) are computed, not assumed: a test that needs
"a Monday in winter" or "the Monday before New York moves its clocks" asks for exactly that.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from immersio_booking.kit import clock

DAY = timedelta(days=1)
WEEK = timedelta(weeks=1)


def today() -> date:
    return clock.now().date()


def monday(weeks_ahead: int = 8) -> date:
    """The first Monday at least ``weeks_ahead`` weeks after today."""
    day = today() + timedelta(weeks=weeks_ahead)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def first_monday(month: int | None = None, weeks_ahead: int = 8) -> date:
    """The first Monday of a month (of ``month``, 1–12, if given) that is at least
    ``weeks_ahead`` weeks after today.

    ``first_monday(2)`` is a Monday in the first week of February: winter in Europe and North
    America (Paris at UTC+1, New York at UTC−5), summer south of the equator, and the days of
    the next two weeks stay in February, clear of every DST change."""
    earliest = today() + timedelta(weeks=weeks_ahead)
    first = earliest.replace(day=1)
    while True:
        candidate = _first_monday_of(first)
        if candidate >= earliest and month in (None, candidate.month):
            return candidate
        first = _next_month(first)


def first_monday_of_next_month(day: date) -> date:
    """The first Monday of the month after ``day``'s month."""
    return _first_monday_of(_next_month(day.replace(day=1)))


def clocks_go_forward(zone: str, after: date) -> datetime:
    """The first instant after ``after`` (midnight UTC) at which ``zone`` moves its clocks
    forward (its UTC offset grows), read from zoneinfo: the start of summer time."""
    tz = ZoneInfo(zone)
    moment = datetime.combine(after, time(), UTC)
    offset = moment.astimezone(tz).utcoffset()
    for _ in range(2 * 366 * 24):
        moment += timedelta(hours=1)
        now_offset = moment.astimezone(tz).utcoffset()
        if offset is not None and now_offset is not None and now_offset > offset:
            # the change happened within the last hour: find its minute (Lord Howe moves by 30)
            moment -= timedelta(hours=1)
            while moment.astimezone(tz).utcoffset() == offset:
                moment += timedelta(minutes=1)
            return moment
        offset = now_offset
    raise ValueError(f"{zone} does not move its clocks forward within two years of {after}")


def monday_before(day: date) -> date:
    """The last Monday strictly before ``day``."""
    return day - timedelta(days=day.weekday() or 7)


def year_like(model: int) -> int:
    """The first year after this one whose calendar is ``model``'s: 1 January on the same
    weekday and the same leap-ness, so every date of ``model`` falls on the same weekday in it.
    For worked examples whose expected values were written out for one year's calendar."""
    year = today().year + 1
    while (calendar.weekday(year, 1, 1), calendar.isleap(year)) != (
        calendar.weekday(model, 1, 1),
        calendar.isleap(model),
    ):
        year += 1
    return year


def utc_offset(zone: str, day: date, hhmm: str = "12:00") -> str:
    """``zone``'s UTC offset on ``day`` at ``hhmm`` as the API writes it: ``+05:30``, ``-04:00``."""
    text = datetime.combine(day, time.fromisoformat(hhmm), ZoneInfo(zone)).strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def at(day: date, hhmm: str = "10:00") -> str:
    """``day`` at ``hhmm`` UTC as the API writes an instant: ``YYYY-MM-DDTHH:MM:00Z``."""
    return f"{day.isoformat()}T{hhmm}:00Z"


def instant(day: date, hhmm: str = "10:00", zone: str = "UTC") -> datetime:
    """``day`` at the wall-clock time ``hhmm`` in ``zone``, as an aware datetime in UTC."""
    wall = datetime.combine(day, time.fromisoformat(hhmm), ZoneInfo(zone))
    return wall.astimezone(UTC)


def _first_monday_of(first: date) -> date:
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)
