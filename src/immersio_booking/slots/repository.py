"""What the slots engine needs from the database, read for one query window only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from immersio_booking.models import (
    Attendee,
    Availability,
    Booking,
    BookingStatus,
    EventType,
    Schedule,
    SlotReservation,
    User,
)
from immersio_booking.slots.model import BusyInterval

# A booking lasts at most a day and buffers are at most a day each: anything starting earlier
# than this before the window cannot reach into it. Bounding both sides keeps the index scan to
# the window, whatever the size of the host's history.
REACH = timedelta(days=3)


async def hosts(session: AsyncSession, user_ids: Sequence[int]) -> list[User]:
    if not user_ids:  # most slot queries have no stand-in to load: no round trip for them
        return []
    rows = await session.execute(select(User).where(User.id.in_(user_ids)).order_by(User.id))
    return list(rows.scalars())


async def schedules(
    session: AsyncSession, organization_id: int, schedule_ids: Sequence[int]
) -> dict[int, tuple[Schedule, list[Availability]]]:
    if not schedule_ids:
        return {}
    found = (
        (
            await session.execute(
                select(Schedule).where(
                    Schedule.organization_id == organization_id, Schedule.id.in_(schedule_ids)
                )
            )
        )
        .scalars()
        .all()
    )
    rules = (
        (
            await session.execute(
                select(Availability).where(
                    Availability.organization_id == organization_id,
                    Availability.schedule_id.in_([s.id for s in found]),
                )
            )
        )
        .scalars()
        .all()
    )
    out: dict[int, tuple[Schedule, list[Availability]]] = {s.id: (s, []) for s in found}
    for rule in rules:
        if rule.schedule_id in out:
            out[rule.schedule_id][1].append(rule)
    return out


async def busy(
    session: AsyncSession,
    organization_id: int,
    host_ids: Sequence[int],
    host_emails: Sequence[str],
    window_start: datetime,
    window_end: datetime,
    now: datetime,
    exclude_uid: str | None = None,
) -> dict[int, list[BusyInterval]]:
    """Blocking bookings per host near the window: as host or as attendee (by email), both
    in this tenant only. Bookings of one session come back as one interval with its seat
    count, so a full seated session costs one row, not one per student.

    An attendee's email is whatever the booker typed: a booking of another school naming a
    host's email proves nothing about the host, and counting it would let anyone block any
    teacher's time by booking some workshop elsewhere with the teacher's address.

    Accepted bookings block; pending ones (requests, payment holds) block until their hold
    expires, by time alone.
    """
    lower, upper = window_start - REACH, window_end + REACH
    shape = (
        Booking.start_time,
        Booking.end_time,
        Booking.event_type_id,
        EventType.before_event_buffer,
        EventType.after_event_buffer,
    )
    in_window = [blocking(now), Booking.start_time >= lower, Booking.start_time < upper]
    if exclude_uid:
        in_window.append(Booking.uid != exclude_uid)
    as_host = (
        select(Booking.user_id, *shape, func.count(), func.min(Booking.uid))
        .outerjoin(EventType, EventType.id == Booking.event_type_id)
        .where(
            Booking.organization_id == organization_id, Booking.user_id.in_(host_ids), *in_window
        )
        .group_by(Booking.user_id, *shape)
    )
    emails = [e.lower() for e in host_emails]
    as_attendee = (
        select(
            Attendee.email,
            Booking.organization_id,
            Booking.user_id,
            *shape,
            func.count(func.distinct(Booking.id)),
            func.min(Booking.uid),
        )
        .join(Attendee, Attendee.booking_id == Booking.id)
        .outerjoin(EventType, EventType.id == Booking.event_type_id)
        .where(
            Booking.organization_id == organization_id,
            Attendee.organization_id == organization_id,
            Attendee.email.in_(emails),
            *in_window,
        )
        .group_by(Attendee.email, Booking.organization_id, Booking.user_id, *shape)
    )
    by_email = dict(zip(emails, host_ids, strict=True))
    found: dict[int, list[BusyInterval]] = {host_id: [] for host_id in host_ids}
    for user_id, start, end, event_type_id, before, after, seats, uid in (
        await session.execute(as_host)
    ).all():
        found[user_id or 0].append(
            BusyInterval(start, end, before or 0, after or 0, event_type_id, seats, uid)
        )
    for email, org_id, user_id, start, end, event_type_id, before, after, seats, uid in (
        await session.execute(as_attendee)
    ).all():
        host_id = by_email[email]
        if org_id == organization_id and user_id == host_id:
            continue  # already counted as that host's own booking
        found[host_id].append(
            BusyInterval(start, end, before or 0, after or 0, event_type_id, seats, uid)
        )
    return found


def blocking(now: datetime) -> ColumnElement[bool]:
    """Bookings that hold time or a seat at ``now``."""
    return or_(
        Booking.status == BookingStatus.ACCEPTED,
        and_(
            Booking.status == BookingStatus.PENDING,
            or_(Booking.hold_expires_at.is_(None), Booking.hold_expires_at > now),
        ),
    )


async def reservations(
    session: AsyncSession,
    organization_id: int,
    host_ids: Sequence[int],
    window_start: datetime,
    window_end: datetime,
    now: datetime,
    exclude_uid: str | None = None,
) -> dict[int, list[BusyInterval]]:
    """Unexpired slot reservations per host, as busy intervals (seats for seated workshops)."""
    statement = (
        select(SlotReservation, EventType.before_event_buffer, EventType.after_event_buffer)
        .join(EventType, EventType.id == SlotReservation.event_type_id)
        .where(
            SlotReservation.organization_id == organization_id,
            SlotReservation.host_user_id.in_(host_ids),
            SlotReservation.expires_at > now,
            SlotReservation.start_time >= window_start - REACH,
            SlotReservation.start_time < window_end + REACH,
        )
    )
    if exclude_uid:
        statement = statement.where(SlotReservation.uid != exclude_uid)
    out: dict[int, list[BusyInterval]] = {host_id: [] for host_id in host_ids}
    for reservation, before, after in (await session.execute(statement)).all():
        out.setdefault(reservation.host_user_id or 0, []).append(
            BusyInterval(
                start=reservation.start_time,
                end=reservation.end_time,
                before_buffer=before,
                after_buffer=after,
                event_type_id=reservation.event_type_id,
            )
        )
    return out


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
