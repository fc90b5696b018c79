"""Queries of the session events job (``events_out``), each scoped to the session's school."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from immersio_booking.models import (
    Booking,
    BookingReference,
    BookingStatus,
    Credential,
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


async def reference_of_seat(
    session: AsyncSession, organization_id: int, booking_id: int, type_: str
) -> BookingReference | None:
    return (
        await session.execute(
            select(BookingReference).where(
                BookingReference.organization_id == organization_id,
                BookingReference.booking_id == booking_id,
                BookingReference.type == type_,
            )
        )
    ).scalar_one_or_none()


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
