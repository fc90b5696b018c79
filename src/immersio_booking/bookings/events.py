"""What the outside world hears about a booking change: emails, webhook events and workflow
reminders, all queued in the transaction of the change (one event per seat: each seat is a
booking)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import Booking
from immersio_booking.notifications.codes import send_booker_code
from immersio_booking.notifications.service import notify
from immersio_booking.payments import refunds
from immersio_booking.webhooks import meetings
from immersio_booking.webhooks.emitter import emit
from immersio_booking.workflows import triggers as workflows


async def booked(session: AsyncSession, created: Sequence[Booking]) -> None:
    accepted = [b for b in created if b.status == "accepted"]
    requested = [b for b in created if b.status == "pending" and b.hold_expires_at is None]
    awaiting_payment = [b for b in created if b.status == "pending" and b.hold_expires_at]
    await notify(session, accepted, "confirmed")
    await notify(session, requested, "requested")
    await emit(session, accepted, "BOOKING_CREATED")
    await meetings.schedule(session, accepted)
    await emit(session, requested, "BOOKING_REQUESTED")
    await emit(session, awaiting_payment, "BOOKING_PAYMENT_INITIATED")
    await workflows.accepted(session, accepted)
    await workflows.requested(session, requested)


async def confirmed(session: AsyncSession, booking: Booking) -> None:
    await notify(session, [booking], "confirmed")
    await emit(session, [booking], "BOOKING_CREATED")
    await meetings.schedule(session, [booking])
    await workflows.accepted(session, [booking])


async def paid(session: AsyncSession, booking: Booking) -> None:
    await emit(session, [booking], "BOOKING_PAID")
    await workflows.paid(session, booking)
    if booking.status == "accepted":
        await confirmed(session, booking)
    else:
        await notify(session, [booking], "requested")
        await emit(session, [booking], "BOOKING_REQUESTED")
        await workflows.requested(session, [booking])


async def cancelled(session: AsyncSession, bookings: Sequence[Booking]) -> None:
    await refunds.start_soon(session, [b.id for b in bookings])
    await notify(session, bookings, "cancelled")
    await emit(session, bookings, "BOOKING_CANCELLED")
    await workflows.cancelled(session, bookings)


async def rejected(session: AsyncSession, booking: Booking) -> None:
    await refunds.start_soon(session, [booking.id])
    await notify(session, [booking], "declined")
    await emit(session, [booking], "BOOKING_REJECTED")
    await workflows.rejected(session, booking)


async def rescheduled(session: AsyncSession, booking: Booking) -> None:
    await notify(session, [booking], "rescheduled")
    await emit(session, [booking], "BOOKING_RESCHEDULED")
    await meetings.schedule(session, [booking])
    await workflows.rescheduled(session, booking)


async def booker_code_requested(
    session: AsyncSession, code_id: int, code_hash: str, sealed_code: str, language: str | None
) -> None:
    """Email a booker the code that verifies their address (queued with the code's row)."""
    await send_booker_code(session, code_id, code_hash, sealed_code, language)
