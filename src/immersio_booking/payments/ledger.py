"""A school's money, newest first: the payments of its bookings and the refunds of its
cancellations (the dashboard's payments page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import Booking, BookingCancellationHistory, Payment, RefundStatus


@dataclass(frozen=True)
class PaymentLine:
    payment: Payment
    title: str
    start: datetime


@dataclass(frozen=True)
class RefundLine:
    refund: BookingCancellationHistory
    title: str
    start: datetime
    currency: str | None  # the payment's, when the booking was paid


async def payments(session: AsyncSession, organization_id: int, limit: int) -> list[PaymentLine]:
    rows = await session.execute(
        select(Payment, Booking.title, Booking.start_time)
        .join(Booking, Booking.id == Payment.booking_id)
        .where(Payment.organization_id == organization_id)
        .order_by(Payment.id.desc())
        .limit(limit)
    )
    return [PaymentLine(p, title, start) for p, title, start in rows]


async def refunds(session: AsyncSession, organization_id: int, limit: int) -> list[RefundLine]:
    """Cancellations that refund (or tried to): not those outside the refund window."""
    rows = await session.execute(
        select(BookingCancellationHistory, Booking.title, Booking.start_time, Payment.currency)
        .join(Booking, Booking.id == BookingCancellationHistory.booking_id)
        .outerjoin(Payment, Payment.booking_id == Booking.id)
        .where(
            BookingCancellationHistory.organization_id == organization_id,
            BookingCancellationHistory.refund_status != RefundStatus.NOT_ELIGIBLE,
        )
        .order_by(BookingCancellationHistory.id.desc())
        .limit(limit)
    )
    return [RefundLine(r, title, start, currency) for r, title, start, currency in rows]
