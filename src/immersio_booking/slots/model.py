"""Plain data in and out of the slots engine (no ORM, no clock, no I/O).

Times of day are minutes since local midnight (0..1440; 1440 is the end of the day) in the
host schedule's IANA zone; instants are timezone-aware UTC ``datetime``s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, NamedTuple

MINUTES_PER_DAY = 1440

PeriodType = Literal["UNLIMITED", "ROLLING", "RANGE"]
SchedulingType = Literal["COLLECTIVE", "ROUND_ROBIN"]


@dataclass(frozen=True)
class WeeklyRule:
    """Working hours on some weekdays. ``weekdays`` uses Python's numbering: Monday = 0."""

    weekdays: frozenset[int]
    start_minute: int
    end_minute: int


@dataclass(frozen=True)
class DateOverride:
    """Replaces all weekly rules of ``day``; several overrides of one day add up.

    ``start_minute == end_minute`` makes the day unavailable.
    """

    day: date
    start_minute: int
    end_minute: int


@dataclass(frozen=True)
class BusyInterval:
    """Something that occupies a host: a booking, a hold, a pending request.

    ``event_type_id`` and ``seats`` let a seated event type count seats instead of blocking:
    a busy interval of the same seated event type at exactly a candidate's start uses ``seats``
    seats of that session. ``booking_uid`` is reported as the session's ``bookingUid``.
    """

    start: datetime
    end: datetime
    before_buffer: int = 0
    after_buffer: int = 0
    event_type_id: int | None = None
    seats: int = 1
    booking_uid: str | None = None


@dataclass(frozen=True)
class HostCalendar:
    host_id: int
    time_zone: str
    weekly: tuple[WeeklyRule, ...]
    overrides: tuple[DateOverride, ...] = ()
    busy: tuple[BusyInterval, ...] = ()


@dataclass(frozen=True)
class EventRules:
    """The event type's constraints on slots."""

    event_type_id: int
    length: int
    slot_interval: int | None = None
    minimum_booking_notice: int = 0
    before_buffer: int = 0
    after_buffer: int = 0
    period_type: PeriodType = "UNLIMITED"
    period_days: int | None = None
    period_count_calendar_days: bool = False
    period_start_date: date | None = None
    period_end_date: date | None = None
    # Zone of the RANGE period's dates: the event schedule's zone.
    period_time_zone: str = "UTC"
    seats_per_time_slot: int | None = None
    scheduling_type: SchedulingType | None = None
    # Minutes each range's grid is shifted by (Cal.com's ``offsetStart``).
    offset_start: int = 0


@dataclass(frozen=True)
class SlotQuery:
    window_start: datetime
    window_end: datetime
    now: datetime
    booker_time_zone: str = "UTC"


class Slot(NamedTuple):
    """A free start. A named tuple rather than a frozen dataclass: a month of a busy teacher
    is hundreds of slots per request, and a frozen dataclass costs about twice as much to
    build (``object.__setattr__`` per field)."""

    start: datetime
    end: datetime
    host_ids: tuple[int, ...] = ()
    seats_booked: int | None = None
    seats_total: int | None = None
    booking_uid: str | None = None

    @property
    def seats_remaining(self) -> int | None:
        if self.seats_total is None or self.seats_booked is None:
            return None
        return self.seats_total - self.seats_booked
