"""Queries of the video package; every one names its tenant."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import meeting_links
from immersio_booking.models import (
    Booking,
    BookingReference,
    BookingStatus,
    EventType,
    Team,
    User,
)


async def seats(
    session: AsyncSession, organization_id: int, event_type_id: int, start: datetime
) -> Sequence[Booking]:
    """Every booking (seat) of one session, whatever its status, oldest first."""
    rows = await session.execute(
        select(Booking)
        .where(
            Booking.organization_id == organization_id,
            Booking.event_type_id == event_type_id,
            Booking.start_time == start,
        )
        .order_by(Booking.id)
    )
    return rows.scalars().all()


async def rescheduled_from(
    session: AsyncSession, organization_id: int, event_type_id: int, start: datetime
) -> list[int]:
    """The bookings the seats of one session were rescheduled from (without loading the seats:
    a session may have a thousand)."""
    rows = await session.execute(
        select(Booking.from_reschedule)
        .where(
            Booking.organization_id == organization_id,
            Booking.event_type_id == event_type_id,
            Booking.start_time == start,
            Booking.from_reschedule.is_not(None),
        )
        .order_by(Booking.id)
    )
    return [int(i) for i in rows.scalars() if i is not None]


async def bookings_by_ids(
    session: AsyncSession, organization_id: int, booking_ids: Sequence[int]
) -> Sequence[Booking]:
    if not booking_ids:
        return []
    rows = await session.execute(
        select(Booking).where(
            Booking.organization_id == organization_id, Booking.id.in_(booking_ids)
        )
    )
    return rows.scalars().all()


async def session_references(
    session: AsyncSession, organization_id: int, event_type_id: int, start: datetime
) -> Sequence[BookingReference]:
    """The video references (live and deleted) of every seat of one session: joined to the
    seats, not listed by their ids (a session may have a thousand seats)."""
    rows = await session.execute(
        select(BookingReference)
        .join(Booking, Booking.id == BookingReference.booking_id)
        .where(
            BookingReference.organization_id == organization_id,
            Booking.organization_id == organization_id,
            Booking.event_type_id == event_type_id,
            Booking.start_time == start,
            meeting_links.IS_VIDEO,
        )
        .order_by(BookingReference.id)
    )
    return rows.scalars().all()


async def with_video_references(
    session: AsyncSession, organization_id: int, booking_ids: Sequence[int]
) -> set[int]:
    """Which of these bookings have a live video reference (one query)."""
    if not booking_ids:
        return set()
    found = await session.execute(
        select(BookingReference.booking_id).where(
            BookingReference.organization_id == organization_id,
            BookingReference.booking_id.in_(booking_ids),
            meeting_links.IS_VIDEO,
            BookingReference.deleted.is_(False),
        )
    )
    return set(found.scalars())


async def event_type(
    session: AsyncSession, organization_id: int, event_type_id: int
) -> EventType | None:
    """The workshop (from the session's identity map when the booking loaded it already)."""
    found = await session.get(EventType, event_type_id)
    return found if found is not None and found.organization_id == organization_id else None


async def user(session: AsyncSession, user_id: int) -> User | None:
    """A host (users are not tenant-owned: a teacher may teach in several schools)."""
    return await session.get(User, user_id)


async def organization_name(session: AsyncSession, organization_id: int) -> str:
    team = await session.get(Team, organization_id)
    return team.name if team else f"organization {organization_id}"


def _of_session(organization_id: int, event_type_id: int, start: datetime) -> list[Any]:
    return [
        Booking.organization_id == organization_id,
        Booking.event_type_id == event_type_id,
        Booking.start_time == start,
    ]


async def seats_without_the_meeting(
    session: AsyncSession, organization_id: int, event_type_id: int, start: datetime
) -> tuple[Sequence[Booking], int | None]:
    """The session's accepted seats that lack its meeting (its oldest live video reference),
    oldest first, and that reference's id (None: the session has no meeting; then every
    accepted seat). In a full session only the seats joining now are loaded."""
    live = (
        select(BookingReference)
        .join(Booking, Booking.id == BookingReference.booking_id)
        .where(
            BookingReference.organization_id == organization_id,
            *_of_session(organization_id, event_type_id, start),
            meeting_links.IS_VIDEO,
            BookingReference.deleted.is_(False),
        )
        .order_by(BookingReference.id)
        .limit(1)
        .subquery()
    )
    meeting_id = select(live.c.id).scalar_subquery()
    has_it = (
        select(BookingReference.id)
        .where(
            BookingReference.organization_id == organization_id,
            BookingReference.booking_id == Booking.id,
            meeting_links.IS_VIDEO,
            BookingReference.deleted.is_(False),
            BookingReference.uid == select(live.c.uid).scalar_subquery(),
        )
        .exists()
    )
    rows = (
        await session.execute(
            select(Booking, meeting_id)
            .where(
                *_of_session(organization_id, event_type_id, start),
                Booking.status == BookingStatus.ACCEPTED,
                ~has_it,
            )
            .order_by(Booking.id)
        )
    ).all()
    if not rows:
        found = await session.scalar(select(meeting_id))
        return [], found
    return [row[0] for row in rows], rows[0][1]


async def meeting_and_leavers(
    session: AsyncSession,
    organization_id: int,
    event_type_id: int,
    start: datetime,
    meeting_id: int | None,
    seat_ids: Sequence[int],
) -> list[tuple[BookingReference, bool]]:
    """In one query: the meeting's reference, the live video references of the session's seats
    no longer accepted, and every video reference of ``seat_ids`` (oldest first), each with
    whether its seat is still accepted."""
    rows = await session.execute(
        select(BookingReference, Booking.status == BookingStatus.ACCEPTED)
        .join(Booking, Booking.id == BookingReference.booking_id)
        .where(
            BookingReference.organization_id == organization_id,
            *_of_session(organization_id, event_type_id, start),
            meeting_links.IS_VIDEO,
            or_(
                BookingReference.id == meeting_id,
                BookingReference.deleted.is_(False) & (Booking.status != BookingStatus.ACCEPTED),
                BookingReference.booking_id.in_(seat_ids),
            ),
        )
        .order_by(BookingReference.id)
    )
    return [(row[0], bool(row[1])) for row in rows]
