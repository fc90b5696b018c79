"""What the slots engine needs from the database, read for one query window only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    String,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.selectable import CompoundSelect

from immersio_booking.models import (
    Attendee,
    Availability,
    Booking,
    BookingStatus,
    CalendarBusyTime,
    EventType,
    Schedule,
    SlotReservation,
    User,
)
from immersio_booking.slots import calendar_busy, schedule_rules
from immersio_booking.slots.model import BusyInterval

# A booking lasts at most a day and buffers are at most a day each: anything starting earlier
# than this before the window cannot reach into it. Bounding both sides keeps the index scan to
# the window, whatever the size of the host's history.
REACH = timedelta(days=3)


async def hosts(session: AsyncSession, user_ids: Sequence[int]) -> list[User]:
    if not user_ids:  # most slot queries have no stand-in to load: no round trip for them
        return []
    rows = await session.execute(_HOSTS, {"user_ids": list(user_ids)})
    return list(rows.scalars())


# Built once: every slots request runs these, and building a statement costs more CPU than
# running a cached one (the values are bound parameters).
_HOSTS = select(User).where(User.id.in_(bindparam("user_ids", expanding=True))).order_by(User.id)
_SCHEDULES = (
    select(
        Schedule.id,
        Schedule.time_zone,
        Availability.days,
        Availability.start_time,
        Availability.end_time,
        Availability.date,
    )
    .outerjoin(
        Availability,
        and_(
            Availability.schedule_id == Schedule.id,
            Availability.organization_id == bindparam("organization_id"),
        ),
    )
    .where(
        Schedule.organization_id == bindparam("organization_id"),
        Schedule.id.in_(bindparam("schedule_ids", expanding=True)),
    )
    .order_by(Schedule.id, Availability.id)
)


async def schedules(
    session: AsyncSession, organization_id: int, schedule_ids: Sequence[int]
) -> dict[int, tuple[str, list[schedule_rules.Rule]]]:
    """Each schedule's time zone and rules, in one statement (a schedule without rules has no
    working hours, but its zone still counts)."""
    if not schedule_ids:
        return {}
    rows = await session.execute(
        _SCHEDULES, {"organization_id": organization_id, "schedule_ids": list(schedule_ids)}
    )
    out: dict[int, tuple[str, list[schedule_rules.Rule]]] = {}
    for schedule_id, time_zone, days, start, end, day in rows:
        rules = out.setdefault(schedule_id, (time_zone, []))[1]
        if start is not None:  # the outer join's row of a schedule without rules
            rules.append(schedule_rules.Rule(days, start, end, day))
    return out


# What one row of ``busy_times`` is: the kinds of busy time, read in one statement.
AS_HOST, AS_ATTENDEE, RESERVED, CALENDAR = 0, 1, 2, 3


async def busy_times(
    session: AsyncSession,
    organization_id: int,
    host_ids: Sequence[int],
    host_emails: Sequence[str],
    window_start: datetime,
    window_end: datetime,
    now: datetime,
    exclude_booking_uid: str | None = None,
    exclude_reservation_uid: str | None = None,
) -> dict[int, list[BusyInterval]]:
    """Busy time per host near the window, in one round trip (``UNION ALL`` of four reads):

    - blocking bookings as host or as attendee (by email), both in this tenant only. Bookings
      of one session come back as one interval with its seat count, so a full seated session
      costs one row, not one per student. An attendee's email is whatever the booker typed: a
      booking of another school naming a host's email proves nothing about the host, and
      counting it would let anyone block any teacher's time by booking some workshop elsewhere
      with the teacher's address. Accepted bookings block; pending ones (requests, payment
      holds) block until their hold expires, by time alone;
    - unexpired slot reservations (seats for seated workshops);
    - the teachers' own calendars, as cached by the calendars package (slots/calendar_busy.py:
      a cached period with exactly the times of a session of the host is that session's).
    """
    if not host_ids:
        return {}
    emails = [e.lower() for e in host_emails]
    values: dict[str, Any] = {
        "organization_id": organization_id,
        "host_ids": list(host_ids),
        "emails": emails,
        "lower": window_start - REACH,
        "upper": window_end + REACH,
        "now": now,
    }
    if exclude_booking_uid:
        values["exclude_booking_uid"] = exclude_booking_uid
    if exclude_reservation_uid:
        values["exclude_reservation_uid"] = exclude_reservation_uid
    rows = await session.execute(
        _busy_statement(bool(exclude_booking_uid), bool(exclude_reservation_uid)), values
    )
    by_email = dict(zip(emails, host_ids, strict=True))
    found: dict[int, list[BusyInterval]] = {host_id: [] for host_id in host_ids}
    from_calendars: dict[int, list[BusyInterval]] = {}
    for kind, user_id, email, start, end, event_type_id, before, after, seats, uid in rows:
        if kind == CALENDAR:
            from_calendars.setdefault(user_id, []).append(BusyInterval(start, end))
            continue
        if kind == AS_ATTENDEE:
            host_id = by_email[email]
            if user_id == host_id:
                continue  # already counted as that host's own booking
        else:
            host_id = user_id
        found[host_id].append(
            BusyInterval(start, end, before or 0, after or 0, event_type_id, seats, uid)
        )
    for host_id, intervals in from_calendars.items():
        found[host_id] = calendar_busy.merged(found[host_id], intervals)
    return found


@cache
def _busy_statement(
    exclude_booking: bool, exclude_reservation: bool
) -> CompoundSelect[*tuple[Any, ...]]:
    """The statement of ``busy_times``, built once per process for each of its four shapes:
    building it per request cost more CPU than running it (bound parameters carry the rest)."""
    # Untyped: each takes the type of the column it is compared with, as a plain value would.
    organization_id: BindParameter[int] = bindparam("organization_id")
    host_ids: BindParameter[list[int]] = bindparam("host_ids", expanding=True)
    lower: BindParameter[datetime] = bindparam("lower")
    upper: BindParameter[datetime] = bindparam("upper")
    now: BindParameter[datetime] = bindparam("now")
    no_text = literal(None, String)
    no_number = literal(None, BigInteger)
    shape = (
        Booking.start_time,
        Booking.end_time,
        Booking.event_type_id,
        EventType.before_event_buffer,
        EventType.after_event_buffer,
    )
    in_window = [blocking(now), Booking.start_time >= lower, Booking.start_time < upper]
    if exclude_booking:
        in_window.append(Booking.uid != bindparam("exclude_booking_uid"))
    as_host = (
        select(
            literal(AS_HOST),
            Booking.user_id,
            no_text,
            *shape,
            func.count(),
            func.min(Booking.uid),
        )
        .outerjoin(EventType, EventType.id == Booking.event_type_id)
        .where(
            Booking.organization_id == organization_id, Booking.user_id.in_(host_ids), *in_window
        )
        .group_by(Booking.user_id, *shape)
    )
    as_attendee = (
        select(
            literal(AS_ATTENDEE),
            Booking.user_id,
            Attendee.email,
            *shape,
            func.count(func.distinct(Booking.id)),
            func.min(Booking.uid),
        )
        .join(Attendee, Attendee.booking_id == Booking.id)
        .outerjoin(EventType, EventType.id == Booking.event_type_id)
        .where(
            Booking.organization_id == organization_id,
            Attendee.organization_id == organization_id,
            Attendee.email.in_(bindparam("emails", expanding=True)),
            *in_window,
        )
        .group_by(Attendee.email, Booking.user_id, *shape)
    )
    reserved = (
        select(
            literal(RESERVED),
            SlotReservation.host_user_id,
            no_text,
            SlotReservation.start_time,
            SlotReservation.end_time,
            SlotReservation.event_type_id,
            EventType.before_event_buffer,
            EventType.after_event_buffer,
            literal(1, BigInteger),
            no_text,
        )
        .join(EventType, EventType.id == SlotReservation.event_type_id)
        .where(
            SlotReservation.organization_id == organization_id,
            SlotReservation.host_user_id.in_(host_ids),
            SlotReservation.expires_at > now,
            SlotReservation.start_time >= lower,
            SlotReservation.start_time < upper,
        )
    )
    if exclude_reservation:
        reserved = reserved.where(SlotReservation.uid != bindparam("exclude_reservation_uid"))
    # A calendar period only needs to come near the window: the engine pads the candidate.
    calendars = (
        select(
            literal(CALENDAR),
            CalendarBusyTime.user_id,
            no_text,
            CalendarBusyTime.start_time,
            CalendarBusyTime.end_time,
            no_number,
            no_number,
            no_number,
            literal(1, BigInteger),
            no_text,
        )
        .where(
            CalendarBusyTime.organization_id == organization_id,
            CalendarBusyTime.user_id.in_(host_ids),
            CalendarBusyTime.start_time < upper,
            CalendarBusyTime.end_time > lower,
        )
        .distinct()
    )
    return union_all(as_host, as_attendee, reserved, calendars)


def blocking(now: datetime | ColumnElement[Any]) -> ColumnElement[bool]:
    """Bookings that hold time or a seat at ``now``."""
    return or_(
        Booking.status == BookingStatus.ACCEPTED,
        and_(
            Booking.status == BookingStatus.PENDING,
            or_(Booking.hold_expires_at.is_(None), Booking.hold_expires_at > now),
        ),
    )


async def sessions_booked(
    session: AsyncSession,
    organization_id: int,
    event_type_id: int,
    low: datetime,
    high: datetime,
    now: datetime,
    exclude_uid: str | None = None,
) -> list[tuple[datetime, datetime, int | None]]:
    """Start, end and host of the workshop's bookings that hold time, starting in
    ``[low, high)`` (one row per session: the seats of one session come back once)."""
    statement = (
        select(Booking.start_time, Booking.end_time, Booking.user_id)
        .where(
            Booking.organization_id == organization_id,
            Booking.event_type_id == event_type_id,
            Booking.start_time >= low,
            Booking.start_time < high,
            blocking(now),
        )
        .distinct()
    )
    if exclude_uid:
        statement = statement.where(Booking.uid != exclude_uid)
    return [(start, end, host) for start, end, host in await session.execute(statement)]
