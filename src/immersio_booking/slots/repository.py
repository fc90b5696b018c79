"""What the slots engine needs from the database, read for one query window only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from immersio_booking.models import (
    Attendee,
    Availability,
    Booking,
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
    """Blocking bookings per host in the window: as host (this tenant) or as attendee (by email).

    Accepted bookings block; pending ones (requests, payment holds) block until their hold
    expires, by time alone.
    """
    lower, upper = window_start - REACH, window_end + REACH
    as_attendee = (
        select(Attendee.booking_id)
        .where(Attendee.email.in_([e.lower() for e in host_emails]))
        .scalar_subquery()
    )
    statement = (
        select(
            Booking.user_id,
            Booking.start_time,
            Booking.end_time,
            Booking.event_type_id,
            Booking.uid,
            EventType.before_event_buffer,
            EventType.after_event_buffer,
            Attendee.email,
        )
        .outerjoin(EventType, EventType.id == Booking.event_type_id)
        .outerjoin(
            Attendee,
            (Attendee.booking_id == Booking.id)
            & Attendee.email.in_([e.lower() for e in host_emails]),
        )
        .where(
            blocking(now),
            Booking.start_time >= lower,
            Booking.start_time < upper,
            or_(
                (Booking.organization_id == organization_id) & Booking.user_id.in_(host_ids),
                Booking.id.in_(as_attendee),
            ),
        )
    )
    if exclude_uid:
        statement = statement.where(Booking.uid != exclude_uid)
    by_email = {
        email.lower(): host_id for host_id, email in zip(host_ids, host_emails, strict=True)
    }
    found: dict[int, dict[str, BusyInterval]] = {host_id: {} for host_id in host_ids}
    for user_id, start, end, event_type_id, uid, before, after, email in (
        await session.execute(statement)
    ).all():
        interval = BusyInterval(
            start=start,
            end=end,
            before_buffer=before or 0,
            after_buffer=after or 0,
            event_type_id=event_type_id,
            booking_uid=uid,
        )
        owners = {user_id} if user_id in found else set()
        if email is not None and email in by_email:
            owners.add(by_email[email])
        for owner in owners:
            found[owner][uid] = interval  # one interval per booking, however it was reached
    return {host_id: list(intervals.values()) for host_id, intervals in found.items()}


def blocking(now: datetime) -> ColumnElement[bool]:
    """Bookings that hold time or a seat at ``now``."""
    return or_(
        Booking.status == "accepted",
        and_(
            Booking.status == "pending",
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
