"""The emails a booking change sends, queued in the change's transaction (``bookings.events``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import events
from immersio_booking.jobs.app import defer_in_transaction
from immersio_booking.models import BookingStatus
from immersio_booking.notifications.codes import send_booker_code
from immersio_booking.notifications.invitations import send_invitation_email
from immersio_booking.notifications.service import notify


async def _booked(session: AsyncSession, event: events.Booked) -> None:
    await notify(session, event.accepted, "confirmed")
    await notify(session, event.requested, "requested")


async def _confirmed(session: AsyncSession, event: events.Confirmed) -> None:
    await notify(session, [event.booking], "confirmed")


async def _paid(session: AsyncSession, event: events.Paid) -> None:
    accepted = event.booking.status == BookingStatus.ACCEPTED
    await notify(session, [event.booking], "confirmed" if accepted else "requested")


async def _cancelled(session: AsyncSession, event: events.Cancelled) -> None:
    await notify(session, event.bookings, "cancelled")


async def _rejected(session: AsyncSession, event: events.Rejected) -> None:
    await notify(session, [event.booking], "declined")


async def _rescheduled(session: AsyncSession, event: events.Rescheduled) -> None:
    await notify(session, [event.booking], "rescheduled")


async def _code(session: AsyncSession, event: events.BookerCodeRequested) -> None:
    await send_booker_code(
        session, event.code_id, event.code_hash, event.sealed_code, event.language
    )


async def _invited(session: AsyncSession, event: events.Invited) -> None:
    await defer_in_transaction(
        session,
        send_invitation_email,
        event_type_id=event.event_type_id,
        email=event.email,
        name=event.name,
        language=event.language,
        expires=int(event.expires.timestamp()),
    )


def subscribe() -> None:
    events.subscribe(events.Booked, _booked)
    events.subscribe(events.Confirmed, _confirmed)
    events.subscribe(events.Paid, _paid)
    events.subscribe(events.Cancelled, _cancelled)
    events.subscribe(events.Rejected, _rejected)
    events.subscribe(events.Rescheduled, _rescheduled)
    events.subscribe(events.BookerCodeRequested, _code)
    events.subscribe(events.Invited, _invited)
