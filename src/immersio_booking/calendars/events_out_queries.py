"""Queries of the session events job (``events_out``), each scoped to the session's school."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from immersio_booking.models import (
    Booking,
    BookingReference,
    BookingStatus,
    Credential,
    DestinationCalendar,
    EventType,
)

CALENDAR_TYPES = ("google_calendar", "caldav_calendar")
MEET = "google_meet_video"


async def seats_of(
    session: AsyncSession, organization_id: int, event_type_id: int, start: datetime
) -> list[Booking]:
    """The accepted seats of the session, with their attendees, oldest first."""
    return list(
        (
            await session.execute(
                select(Booking)
                .where(
                    Booking.organization_id == organization_id,
                    Booking.event_type_id == event_type_id,
                    Booking.start_time == start,
                    Booking.status == BookingStatus.ACCEPTED,
                )
                .options(selectinload(Booking.attendees))
                .order_by(Booking.id)
            )
        ).scalars()
    )


async def event_references(
    session: AsyncSession, organization_id: int, event_type_id: int, start: datetime
) -> list[BookingReference]:
    """Live calendar references of any seat of the session (cancelled ones included)."""
    return list(
        (
            await session.execute(
                select(BookingReference)
                .join(Booking, Booking.id == BookingReference.booking_id)
                .where(
                    BookingReference.organization_id == organization_id,
                    Booking.organization_id == organization_id,
                    Booking.event_type_id == event_type_id,
                    Booking.start_time == start,
                    BookingReference.type.in_(CALENDAR_TYPES),
                    BookingReference.deleted.is_(False),
                )
                .order_by(BookingReference.id)
            )
        ).scalars()
    )


async def references_of_seats(
    session: AsyncSession, organization_id: int, booking_ids: Sequence[int], type_: str
) -> dict[int, BookingReference]:
    """The ``type_`` reference of each of these seats that has one (one query)."""
    if not booking_ids:
        return {}
    rows = await session.execute(
        select(BookingReference).where(
            BookingReference.organization_id == organization_id,
            BookingReference.booking_id.in_(booking_ids),
            BookingReference.type == type_,
        )
    )
    return {r.booking_id: r for r in rows.scalars()}


async def forget_event(session: AsyncSession, organization_id: int, type_: str, uid: str) -> None:
    """Every reference to the event ``uid`` is marked deleted."""
    await session.execute(
        update(BookingReference)
        .where(
            BookingReference.organization_id == organization_id,
            BookingReference.type == type_,
            BookingReference.uid == uid,
            BookingReference.deleted.is_(False),
        )
        .values(deleted=True)
    )


async def credential_in(
    session: AsyncSession, organization_id: int, credential_id: int
) -> Credential | None:
    credential = await session.get(Credential, credential_id)
    return credential if credential and credential.organization_id == organization_id else None


async def event_type_in(
    session: AsyncSession, organization_id: int, event_type_id: int
) -> EventType | None:
    found = await session.get(EventType, event_type_id)
    return found if found and found.organization_id == organization_id else None


async def meet_reference(
    session: AsyncSession, organization_id: int, booking_ids: list[int], credential_id: int
) -> BookingReference | None:
    """The session's live Google Meet meeting made with ``credential_id`` (an event in that
    Google account's primary calendar)."""
    return (
        (
            await session.execute(
                select(BookingReference)
                .where(
                    BookingReference.organization_id == organization_id,
                    BookingReference.booking_id.in_(booking_ids),
                    BookingReference.type == MEET,
                    BookingReference.credential_id == credential_id,
                    BookingReference.deleted.is_(False),
                )
                .order_by(BookingReference.id)
                .limit(1)
            )
        )
        .scalars()
        .first()
    )


async def anything_to_write(
    session: AsyncSession,
    organization_id: int,
    bookings: Sequence[Booking],
    writable_types: Sequence[str],
) -> bool:
    """Whether a session job could have work for these seats, in one statement: a host with a
    calendar that can be written, a workshop with its own destination, or a seat that already
    has an event. Most schools connect no calendar: their bookings then queue no job."""
    hosts = {b.user_id for b in bookings if b.user_id is not None}
    workshops = {b.event_type_id for b in bookings if b.event_type_id is not None}
    has_calendar = exists().where(
        Credential.organization_id == organization_id,
        Credential.user_id.in_(hosts),
        Credential.type.in_(writable_types),
    )
    has_destination = exists().where(
        DestinationCalendar.organization_id == organization_id,
        DestinationCalendar.event_type_id.in_(workshops),
    )
    has_event = exists().where(
        BookingReference.organization_id == organization_id,
        BookingReference.booking_id.in_([b.id for b in bookings]),
        BookingReference.type.in_(CALENDAR_TYPES),
    )
    return bool(await session.scalar(select(or_(has_calendar, has_destination, has_event))))
