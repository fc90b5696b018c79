"""What bookings ask of payments: a payment for a seat held until paid (``bookings.checkout``),
and a refund job for every refund a cancellation or a decline owes (``bookings.events``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import checkout, events
from immersio_booking.bookings.schemas import PaymentOut
from immersio_booking.config import Settings
from immersio_booking.models import Booking, EventType
from immersio_booking.payments import refunds
from immersio_booking.payments.service import start_payment

listeners = events.Listeners()


async def _start(
    session: AsyncSession, booking: Booking, et: EventType, settings: Settings
) -> PaymentOut:
    payment, secret, publishable = await start_payment(session, booking, et, settings)
    return PaymentOut(
        uid=payment.uid,
        client_secret=secret,
        publishable_key=publishable,
        amount=payment.amount,
        currency=payment.currency,
        status=str(payment.data.get("status", "requires_payment")),
        payment_url=f"{settings.public_base_url}/payment/{payment.uid}",
    )


@listeners.on(events.Cancelled)
async def _cancelled(session: AsyncSession, event: events.Cancelled) -> None:
    await refunds.start_soon(session, [b.id for b in event.bookings])


@listeners.on(events.Rejected)
async def _rejected(session: AsyncSession, event: events.Rejected) -> None:
    await refunds.start_soon(session, [event.booking.id])


def subscribe() -> None:
    checkout.install(_start)
    listeners.subscribe()
