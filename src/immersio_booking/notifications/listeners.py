"""The emails a booking change sends, queued in the change's transaction (``bookings.events``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import events
from immersio_booking.jobs.app import defer_in_transaction
from immersio_booking.models import BookingStatus
from immersio_booking.notifications.codes import send_booker_code
from immersio_booking.notifications.invitations import send_invitation_email
from immersio_booking.notifications.service import notify

listeners = events.Listeners()


@listeners.on(events.Booked)
async def _booked(session: AsyncSession, event: events.Booked) -> None:
    await notify(session, event.accepted, "confirmed")
    await notify(session, event.requested, "requested")


@listeners.on(events.Confirmed)
async def _confirmed(session: AsyncSession, event: events.Confirmed) -> None:
    await notify(session, [event.booking], "confirmed")


@listeners.on(events.Paid)
async def _paid(session: AsyncSession, event: events.Paid) -> None:
    accepted = event.booking.status == BookingStatus.ACCEPTED
    await notify(session, [event.booking], "confirmed" if accepted else "requested")


@listeners.on(events.Cancelled)
async def _cancelled(session: AsyncSession, event: events.Cancelled) -> None:
    await notify(session, event.bookings, "cancelled")


@listeners.on(events.Rejected)
async def _rejected(session: AsyncSession, event: events.Rejected) -> None:
    await notify(session, [event.booking], "declined")


@listeners.on(events.Rescheduled)
async def _rescheduled(session: AsyncSession, event: events.Rescheduled) -> None:
    await notify(session, [event.booking], "rescheduled")


@listeners.on(events.GuestsAdded)
async def _guests_added(session: AsyncSession, event: events.GuestsAdded) -> None:
    await notify(session, [event.booking], "guest_added", only=list(event.emails))


@listeners.on(events.LocationChanged)
async def _location_changed(session: AsyncSession, event: events.LocationChanged) -> None:
    await notify(session, event.bookings, "location_changed")


@listeners.on(events.Reassigned)
async def _reassigned(session: AsyncSession, event: events.Reassigned) -> None:
    await notify(session, event.bookings, "reassigned", **_noted(event.reason))


def _noted(reason: str | None) -> dict[str, str]:
    return {"note": reason} if reason else {}


@listeners.on(events.BookerCodeRequested)
async def _code(session: AsyncSession, event: events.BookerCodeRequested) -> None:
    await send_booker_code(
        session, event.code_id, event.code_hash, event.sealed_code, event.language
    )


@listeners.on(events.Invited)
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
