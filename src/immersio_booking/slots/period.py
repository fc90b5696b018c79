"""The booking window of an event type (Cal.com's periodType) as bounds on slot starts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from immersio_booking.slots.model import EventRules, SlotQuery
from immersio_booking.slots.ranges import local_to_epoch, zone


def last_bookable_day(today: date, days: int, calendar_days: bool) -> date:
    """Today is day 0; business days count Monday–Friday only (weekends inside stay bookable).

    The last bookable day is the ``days``-th counted day after today.
    """
    if calendar_days:
        return today + timedelta(days=days)
    day, counted = today, 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day


def bounds(event: EventRules, query: SlotQuery) -> tuple[float | None, float | None]:
    """Earliest start and the bound (exclusive) on starts allowed by the period; None: no bound.

    ROLLING counts from today in the booker's zone (``query.booker_time_zone``); RANGE reads
    its dates in ``event.period_time_zone``. An incomplete period (no days, a missing date) does
    not limit anything.
    """
    if event.period_type == "ROLLING" and event.period_days is not None:
        tz = zone(query.booker_time_zone)
        today = datetime.fromtimestamp(epoch(query.now), tz).date()
        last = last_bookable_day(today, event.period_days, event.period_count_calendar_days)
        return None, local_to_epoch(last + timedelta(days=1), 0, tz)
    if event.period_type == "RANGE" and event.period_start_date and event.period_end_date:
        tz = zone(event.period_time_zone)
        return (
            local_to_epoch(event.period_start_date, 0, tz),
            local_to_epoch(event.period_end_date + timedelta(days=1), 0, tz),
        )
    return None, None


def epoch(moment: datetime) -> float:
    """Epoch seconds of an instant; a naive ``datetime`` is read as UTC (never as local time)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
