"""Settling a payment from what the provider says (never from a webhook's payload)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import payment_holds
from immersio_booking.kit import clock
from immersio_booking.models import Booking, BookingCancellationHistory, Payment, RefundStatus
from immersio_booking.payments import refunds
from immersio_booking.payments.provider import Charge

log = logging.getLogger(__name__)


async def payment_by_external_id(
    session: AsyncSession, organization_id: int, external_id: str
) -> Payment | None:
    return (
        await session.execute(
            select(Payment)
            .where(Payment.organization_id == organization_id, Payment.external_id == external_id)
            .with_for_update()
        )
    ).scalar_one_or_none()


async def settle(
    session: AsyncSession, payment: Payment, charge: Charge, now: datetime, timeout_ms: int
) -> str:
    """Apply the provider's word to the payment and its booking; safe to repeat.

    Paid and still holding its seat → the booking is paid and accepted (or stays pending when
    the workshop also needs the teacher's confirmation). Paid after the hold was released →
    refunded in full (a refund row is queued). Anything else changes nothing but the status.
    """
    payment.data = {**(payment.data or {}), "status": charge.status}
    if not charge.succeeded or payment.success:
        await session.flush()
        return "unchanged"
    if not _pays_in_full(payment, charge):
        # Less money, or another currency, than the booking costs: the seat is not paid for.
        payment.data = {
            **payment.data,
            "mismatch": {"amount": charge.amount, "currency": charge.currency.lower()},
        }
        log.warning(
            "payment %s: the provider reports %s %s, the booking costs %s %s; not settled",
            payment.uid,
            charge.amount,
            charge.currency,
            payment.amount,
            payment.currency,
        )
        await session.flush()
        return "amount_mismatch"
    payment.success = True
    outcome = await payment_holds.record_payment(
        session, payment.organization_id, payment.booking_id, now, timeout_ms
    )
    if outcome != "released":
        return outcome
    # The seat went to someone else before the money arrived: give it back in full.
    session.add(
        BookingCancellationHistory(
            organization_id=payment.organization_id,
            booking_id=payment.booking_id,
            cancelled_by=None,
            cancellation_reason="payment arrived after the seat was released",
            refund_status=RefundStatus.PENDING,
            refund_amount=payment.amount,
            within_refund_window=True,
        )
    )
    await session.flush()
    await refunds.start_soon(session, [payment.booking_id])
    return "refund_queued"


def _pays_in_full(payment: Payment, charge: Charge) -> bool:
    return (
        charge.amount == payment.amount
        and charge.currency.lower() == payment.currency.lower()
        and (payment.external_id is None or charge.external_id == payment.external_id)
    )


async def payment_of_booking(session: AsyncSession, booking_id: int) -> Payment | None:
    return (
        await session.execute(select(Payment).where(Payment.booking_id == booking_id))
    ).scalar_one_or_none()


async def open_payments_near_expiry(
    session: AsyncSession, within: timedelta = timedelta(minutes=5)
) -> list[Payment]:
    """Unsettled provider payments of bookings whose hold ends soon (or has just ended)."""
    now = clock.now()
    rows = await session.execute(
        select(Payment)
        .join(Booking, Booking.id == Payment.booking_id)
        .where(
            Payment.success.is_(False),
            Payment.external_id.is_not(None),
            Booking.hold_expires_at.is_not(None),
            Booking.hold_expires_at <= now + within,
            Booking.hold_expires_at > now - timedelta(hours=1),
        )
        .with_for_update(of=Payment, skip_locked=True)
        .limit(200)
    )
    return list(rows.scalars())
