"""Queries of bookings, attendees and cancellation history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import (
    Attendee,
    Booking,
    BookingCancellationHistory,
    BookingReference,
    BookingStatus,
    Payment,
    SlotReservation,
)
from immersio_booking.models.waitlist import WaitlistEntry, WaitlistStatus
from immersio_booking.slots.repository import blocking


async def for_update(session: AsyncSession, organization_id: int, booking_id: int) -> Booking:
    return (
        await session.execute(
            select(Booking)
            .where(Booking.organization_id == organization_id, Booking.id == booking_id)
            .with_for_update()
        )
    ).scalar_one()


async def series(session: AsyncSession, organization_id: int, recurring_id: str) -> list[Booking]:
    rows = await session.execute(
        select(Booking)
        .where(
            Booking.organization_id == organization_id, Booking.recurring_event_id == recurring_id
        )
        .order_by(Booking.start_time)
    )
    return list(rows.scalars())


async def attendees_of(
    session: AsyncSession, organization_id: int, booking_ids: Sequence[int]
) -> dict[int, list[Attendee]]:
    if not booking_ids:
        return {}
    rows = await session.execute(
        select(Attendee)
        .where(Attendee.organization_id == organization_id, Attendee.booking_id.in_(booking_ids))
        .order_by(Attendee.id)
    )
    out: dict[int, list[Attendee]] = {}
    for attendee in rows.scalars():
        out.setdefault(attendee.booking_id, []).append(attendee)
    return out


async def rescheduled_to(
    session: AsyncSession, organization_id: int, booking_ids: Sequence[int]
) -> dict[int, str]:
    if not booking_ids:
        return {}
    rows = await session.execute(
        select(Booking.from_reschedule, Booking.uid).where(
            Booking.organization_id == organization_id, Booking.from_reschedule.in_(booking_ids)
        )
    )
    return {int(old): uid for old, uid in rows.all() if old is not None}


async def uids_of(
    session: AsyncSession, organization_id: int, booking_ids: Sequence[int]
) -> dict[int, str]:
    if not booking_ids:
        return {}
    rows = await session.execute(
        select(Booking.id, Booking.uid).where(
            Booking.organization_id == organization_id, Booking.id.in_(booking_ids)
        )
    )
    return {int(i): uid for i, uid in rows.all()}


async def seats_taken(
    session: AsyncSession, organization_id: int, event_type_id: int, start: datetime, now: datetime
) -> int:
    """Seats of one session held now by bookings."""
    return int(
        (
            await session.execute(
                select(func.count())
                .select_from(Booking)
                .where(
                    Booking.organization_id == organization_id,
                    Booking.event_type_id == event_type_id,
                    Booking.start_time == start,
                    blocking(now),
                )
            )
        ).scalar_one()
    )


async def session_seats(session: AsyncSession, booking: Booking) -> list[Booking]:
    """The accepted and pending seats of ``booking``'s session (its workshop, host and
    start), locked: the booking alone when the workshop is not seated."""
    rows = await session.execute(
        select(Booking)
        .where(
            Booking.organization_id == booking.organization_id,
            Booking.event_type_id == booking.event_type_id,
            Booking.user_id == booking.user_id,
            Booking.start_time == booking.start_time,
            Booking.status.in_((BookingStatus.ACCEPTED, BookingStatus.PENDING)),
        )
        .order_by(Booking.id)
        .with_for_update()
    )
    return list(rows.scalars())


async def seat_of(
    session: AsyncSession,
    organization_id: int,
    event_type_id: int,
    start: datetime,
    email: str,
    now: datetime,
    except_uid: str | None,
) -> str | None:
    """The uid of the seat ``email`` already holds in that session, if any."""
    statement = (
        select(Booking.uid)
        .join(Attendee, Attendee.booking_id == Booking.id)
        .where(
            Booking.organization_id == organization_id,
            Booking.event_type_id == event_type_id,
            Booking.start_time == start,
            Attendee.email == email,
            blocking(now),
        )
        .limit(1)
    )
    if except_uid:
        statement = statement.where(Booking.uid != except_uid)
    return (await session.execute(statement)).scalar_one_or_none()


async def bookings_in_month(
    session: AsyncSession,
    organization_id: int,
    month_start: datetime,
    month_end: datetime,
    now: datetime,
) -> int:
    return int(
        (
            await session.execute(
                select(func.count())
                .select_from(Booking)
                .where(
                    Booking.organization_id == organization_id,
                    Booking.start_time >= month_start,
                    Booking.start_time < month_end,
                    blocking(now),
                    # An unpaid hold is not a booking of the plan's month until it is paid:
                    # otherwise anyone could fill a school's month with holds they never pay.
                    or_(Booking.hold_expires_at.is_(None), Booking.paid.is_(True)),
                )
            )
        ).scalar_one()
    )


async def payment_of(
    session: AsyncSession, organization_id: int, booking_id: int
) -> Payment | None:
    return (
        await session.execute(
            select(Payment).where(
                Payment.organization_id == organization_id, Payment.booking_id == booking_id
            )
        )
    ).scalar_one_or_none()


async def history(
    session: AsyncSession, organization_id: int, booking_id: int
) -> list[BookingCancellationHistory]:
    rows = await session.execute(
        select(BookingCancellationHistory)
        .where(
            BookingCancellationHistory.organization_id == organization_id,
            BookingCancellationHistory.booking_id == booking_id,
        )
        .order_by(BookingCancellationHistory.id)
    )
    return list(rows.scalars())


def listing(organization_id: int) -> Select[Booking]:
    return select(Booking).where(Booking.organization_id == organization_id)


def _live_holds(organization_id: int, now: datetime) -> ColumnElement[bool]:
    """Slot reservations holding a seat now: each holds one until ``expires_at``."""
    return and_(
        SlotReservation.organization_id == organization_id, SlotReservation.expires_at > now
    )


async def session_holds(
    session: AsyncSession,
    organization_id: int,
    event_type_id: int,
    start: datetime,
    now: datetime,
    exclude_uid: str | None,
) -> int:
    """Unexpired slot reservations of one session (each holds one seat)."""
    statement = (
        select(func.count())
        .select_from(SlotReservation)
        .where(
            _live_holds(organization_id, now),
            SlotReservation.event_type_id == event_type_id,
            SlotReservation.start_time == start,
        )
    )
    if exclude_uid:
        statement = statement.where(SlotReservation.uid != exclude_uid)
    return int((await session.execute(statement)).scalar_one())


@dataclass(frozen=True)
class Held:
    """The seats of one session held by slot reservations, as ``session_holds`` counts them,
    and how many of them are held for a waitlist offer."""

    seats: int
    offered: int


async def holds_between(
    session: AsyncSession, organization_id: int, since: datetime, until: datetime, now: datetime
) -> dict[tuple[int, datetime], Held]:
    """``session_holds`` of every session starting in [since, until), by (workshop, start):
    one query for a week of sessions."""
    offer = and_(
        WaitlistEntry.reservation_uid == SlotReservation.uid,
        WaitlistEntry.organization_id == organization_id,
        WaitlistEntry.status == WaitlistStatus.OFFERED,
    )
    rows = await session.execute(
        select(
            SlotReservation.event_type_id,
            SlotReservation.start_time,
            func.count(SlotReservation.id),
            func.count(WaitlistEntry.id),
        )
        .outerjoin(WaitlistEntry, offer)
        .where(
            _live_holds(organization_id, now),
            SlotReservation.start_time >= since,
            SlotReservation.start_time < until,
        )
        .group_by(SlotReservation.event_type_id, SlotReservation.start_time)
    )
    return {(et, start): Held(int(held), int(offered)) for et, start, held, offered in rows.all()}


def _open_hold(now: datetime) -> ColumnElement[bool]:
    """An unpaid hold: waiting for its payment, and not expired yet."""
    return and_(
        Booking.status == BookingStatus.PENDING,
        Booking.paid.is_(False),
        Booking.hold_expires_at.is_not(None),
        Booking.hold_expires_at > now,
    )


async def _count_of_email(
    session: AsyncSession, organization_id: int, email: str, *conditions: ColumnElement[bool]
) -> int:
    """How many of the school's bookings have ``email`` among their attendees and meet
    ``conditions``."""
    statement = (
        select(func.count(func.distinct(Booking.id)))
        .join(Attendee, Attendee.booking_id == Booking.id)
        .where(
            Booking.organization_id == organization_id,
            Attendee.organization_id == organization_id,
            Attendee.email == email,
            *conditions,
        )
    )
    return int((await session.execute(statement)).scalar_one())


async def open_holds_of_email(
    session: AsyncSession, organization_id: int, email: str, now: datetime
) -> int:
    return await _count_of_email(session, organization_id, email, _open_hold(now))


async def open_holds_of_address(
    session: AsyncSession, organization_id: int, address_hash: str, now: datetime
) -> int:
    statement = (
        select(func.count())
        .select_from(Booking)
        .where(
            Booking.organization_id == organization_id,
            Booking.booker_address_hash == address_hash,
            _open_hold(now),
        )
    )
    return int((await session.execute(statement)).scalar_one())


async def active_of_attendee(
    session: AsyncSession,
    organization_id: int,
    event_type_id: int,
    email: str,
    now: datetime,
    except_uid: str | None,
) -> int:
    """Upcoming bookings (accepted or pending, holding time) of ``email`` at the workshop."""
    conditions = [Booking.event_type_id == event_type_id, Booking.start_time >= now, blocking(now)]
    if except_uid:
        conditions.append(Booking.uid != except_uid)
    return await _count_of_email(session, organization_id, email, *conditions)


async def references_of(
    session: AsyncSession, organization_id: int, booking_id: int, kind: str | None
) -> list[BookingReference]:
    """What was made outside for the booking (meetings, calendar events), not removed ones."""
    statement = select(BookingReference).where(
        BookingReference.organization_id == organization_id,
        BookingReference.booking_id == booking_id,
        BookingReference.deleted.is_(False),
    )
    if kind is not None:
        statement = statement.where(BookingReference.type == kind)
    return list((await session.execute(statement.order_by(BookingReference.id))).scalars())


async def sessions_between(
    session: AsyncSession,
    organization_id: int,
    start: datetime,
    end: datetime,
    now: datetime,
    only: ColumnElement[bool] | None = None,
) -> list[Booking]:
    """The seats holding time (accepted, paid or still held) that start in ``[start, end)``,
    by start, workshop and host: the sessions of a day in the staff's dashboard. ``only``:
    those a teacher may act on (``hosting.staffed_by``)."""
    statement = select(Booking).where(
        Booking.organization_id == organization_id,
        Booking.start_time >= start,
        Booking.start_time < end,
        blocking(now),
    )
    if only is not None:
        statement = statement.where(only)
    rows = await session.execute(
        statement.order_by(Booking.start_time, Booking.event_type_id, Booking.user_id, Booking.id)
    )
    return list(rows.scalars())


async def payments_of(
    session: AsyncSession, organization_id: int, booking_ids: Sequence[int]
) -> dict[int, Payment]:
    if not booking_ids:
        return {}
    rows = await session.execute(
        select(Payment).where(
            Payment.organization_id == organization_id, Payment.booking_id.in_(booking_ids)
        )
    )
    return {payment.booking_id: payment for payment in rows.scalars()}


async def reschedule_chain(session: AsyncSession, booking: Booking) -> list[Booking]:
    """The bookings ``booking`` was moved from (oldest first), itself, and those it was moved
    to: one student's seat through every reschedule."""
    organization_id = booking.organization_id
    earlier: list[Booking] = []
    current = booking
    while current.from_reschedule is not None and len(earlier) < 50:
        previous = await session.get(Booking, current.from_reschedule)
        if previous is None or previous.organization_id != organization_id:
            break
        earlier.insert(0, previous)
        current = previous
    later: list[Booking] = []
    current = booking
    while len(later) < 50:
        following = (
            await session.execute(
                select(Booking)
                .where(
                    Booking.organization_id == organization_id,
                    Booking.from_reschedule == current.id,
                )
                .order_by(Booking.id)
                .limit(1)
            )
        ).scalar_one_or_none()
        if following is None:
            break
        later.append(following)
        current = following
    return [*earlier, booking, *later]
