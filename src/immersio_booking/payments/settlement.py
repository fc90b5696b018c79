"""Settling a payment from what the provider says (never from a webhook's payload)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import availability, creation, events, repository
from immersio_booking.config import Settings, get_settings
from immersio_booking.kit import clock
from immersio_booking.kit.errors import DomainError
from immersio_booking.kit.stripe_api import PaymentProviderError
from immersio_booking.models import Booking, BookingCancellationHistory, EventType, Payment
from immersio_booking.payments import refunds
from immersio_booking.payments.provider import Charge, PaymentProvider
from immersio_booking.payments.service import provider_for

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


async def settle(session: AsyncSession, payment: Payment, charge: Charge, now: datetime) -> str:
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
    booking = await repository.for_update(session, payment.organization_id, payment.booking_id)
    et = await session.get(EventType, booking.event_type_id) if booking.event_type_id else None
    if booking.status == "pending":
        booking.paid = True
        booking.hold_expires_at = None
        needs = et is not None and creation.needs_confirmation(et, booking.start_time, now)
        booking.status = "pending" if needs else "accepted"
        booking.ics_sequence += 1
        await session.flush()
        await events.paid(session, booking)
        return "confirmed"
    if booking.status == "cancelled" and booking.cancellation_reason == "payment_expired" and et:
        if await _seat_still_free(session, booking, et, now):
            needs = creation.needs_confirmation(et, booking.start_time, now)
            booking.status = "pending" if needs else "accepted"
            booking.paid = True
            booking.hold_expires_at = None
            booking.cancellation_reason = None
            booking.ics_sequence += 1
            await session.flush()
            await events.paid(session, booking)
            return "confirmed_late"
    # The seat went to someone else before the money arrived: give it back in full.
    session.add(
        BookingCancellationHistory(
            organization_id=booking.organization_id,
            booking_id=booking.id,
            cancelled_by=None,
            cancellation_reason="payment arrived after the seat was released",
            refund_status="pending",
            refund_amount=payment.amount,
            within_refund_window=True,
        )
    )
    await session.flush()
    await refunds.start_soon(session, [booking.id])
    return "refund_queued"


def _pays_in_full(payment: Payment, charge: Charge) -> bool:
    return (
        charge.amount == payment.amount
        and charge.currency.lower() == payment.currency.lower()
        and (payment.external_id is None or charge.external_id == payment.external_id)
    )


async def _cancel_or_read(provider: PaymentProvider, external_id: str) -> Charge:
    """Cancel the open PaymentIntent; when it cannot be cancelled (paid meanwhile, or cancelled
    already), say what it is now."""
    try:
        return await provider.cancel(external_id)
    except PaymentProviderError:
        return await provider.fetch(external_id)


async def record_offline(
    session: AsyncSession, payment: Payment, settings: Settings, now: datetime
) -> str:
    """Staff received the money themselves (cash, transfer). The online payment is cancelled at
    the provider first, so the student cannot pay a second time; if the student paid online
    meanwhile, that payment is the one that counts."""
    connected = (
        await provider_for(session, payment.organization_id, settings)
        if payment.external_id is not None and payment.app_id != "manual-payment"
        else None
    )
    if connected is not None and payment.external_id is not None:
        charge = await _cancel_or_read(connected.provider, payment.external_id)
        if charge.succeeded:
            return await settle(session, payment, charge, now)
        if charge.status != "canceled":
            raise PaymentProviderError(
                f"The online payment could not be cancelled (it is {charge.status}); try again"
            )
    payment.app_id = "manual-payment"
    return await settle(
        session,
        payment,
        Charge(payment.external_id or payment.uid, "succeeded", payment.amount, payment.currency),
        now,
    )


async def expire_holds(session: AsyncSession, now: datetime | None = None) -> list[Booking]:
    """Unpaid bookings whose hold has passed become cancelled (``payment_expired``)."""
    moment = now or clock.now()
    rows = await session.execute(
        select(Booking)
        .where(
            Booking.status == "pending",
            Booking.paid.is_(False),
            Booking.hold_expires_at.is_not(None),
            Booking.hold_expires_at <= moment,
        )
        .with_for_update(skip_locked=True)
        .limit(500)
    )
    expired = list(rows.scalars())
    for booking in expired:
        booking.status = "cancelled"
        booking.cancellation_reason = "payment_expired"
        booking.ics_sequence += 1
    await session.flush()
    return expired


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


async def _seat_still_free(
    session: AsyncSession, booking: Booking, et: EventType, now: datetime
) -> bool:
    """Under the booking's locks: would this start still be bookable for this student?"""
    workshop = await availability.load(session, et)
    if not workshop.hosts:
        return False
    timeout = get_settings().lock_timeout_ms
    await availability.lock_for(session, workshop, [booking.start_time], timeout)
    duration = int((booking.end_time - booking.start_time).total_seconds() // 60)
    try:
        await availability.free_slot(
            session,
            workshop,
            booking.start_time,
            None if duration == et.length else duration,
            now,
            availability.Exclusions(booking_uid=booking.uid),
        )
    except DomainError:
        return False
    return True
