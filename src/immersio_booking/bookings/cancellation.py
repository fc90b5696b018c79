"""Cancelling: who may, until when, and what refund the policy gives (docs/cancellation.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import repository
from immersio_booking.bookings.access import Actor
from immersio_booking.kit.errors import BadRequest, Forbidden
from immersio_booking.models import (
    Booking,
    BookingCancellationHistory,
    BookingStatus,
    EventType,
    RefundStatus,
)
from immersio_booking.models.metadata import EventTypeMetadata

# Bookings that may still be cancelled or moved.
ACTIVE = frozenset({BookingStatus.ACCEPTED, BookingStatus.PENDING})


@dataclass(frozen=True)
class RefundDecision:
    within_window: bool
    amount: int
    status: RefundStatus


def policy_of(et: EventType | None) -> EventTypeMetadata:
    return EventTypeMetadata.model_validate((et.metadata_ if et else None) or {})


def deadlines_start(booking: Booking) -> datetime:
    """The start the student's deadlines count back from: the earliest start of the chain of
    moves the student made (a move never reopens a window), else the booking's own start."""
    earliest = booking.deadlines_start_time
    return min(earliest, booking.start_time) if earliest else booking.start_time


def ensure_attendee_may_change(
    booking: Booking, et: EventType | None, actor: Actor, now: datetime
) -> None:
    """Attendees may cancel or move themselves until ``cancellation_notice_hours`` before."""
    if actor.is_staff:
        return
    notice = timedelta(hours=policy_of(et).cancellation_notice_hours)
    closes = deadlines_start(booking) - notice
    if now > closes:
        raise Forbidden(
            f"Changes by the student close {policy_of(et).cancellation_notice_hours} hours before"
            " the start (of the first time booked, if the booking was moved); please contact"
            " the school.",
            reason="cancellation_window_closed",
            details={"closedAt": closes.isoformat()},
        )


async def refund_for(
    session: AsyncSession, booking: Booking, et: EventType | None, actor: Actor, now: datetime
) -> RefundDecision:
    """Host or school cancelling: always a full refund. Student: full refund at least
    ``refund_window_hours`` before the start (``deadlines_start``), none after. Unpaid:
    nothing to refund."""
    window = timedelta(hours=policy_of(et).refund_window_hours)
    within = actor.is_staff or now <= deadlines_start(booking) - window
    payment = await repository.payment_of(session, booking.organization_id, booking.id)
    paid_amount = (
        payment.amount if payment is not None and payment.success and not payment.refunded else 0
    )
    if booking.paid and paid_amount and within:
        return RefundDecision(True, paid_amount, RefundStatus.PENDING)
    return RefundDecision(within, 0, RefundStatus.NOT_ELIGIBLE)


async def cancel_one(
    session: AsyncSession,
    booking: Booking,
    et: EventType | None,
    actor: Actor,
    reason: str | None,
    now: datetime,
) -> BookingCancellationHistory:
    if booking.status not in ACTIVE:
        raise BadRequest(
            f"Booking with uid={booking.uid} is already {booking.status}", reason="not_cancellable"
        )
    ensure_attendee_may_change(booking, et, actor, now)
    decision = await refund_for(session, booking, et, actor, now)
    booking.status = BookingStatus.CANCELLED
    booking.cancellation_reason = reason
    booking.cancelled_by_email = actor.email
    booking.ics_sequence += 1
    entry = BookingCancellationHistory(
        organization_id=booking.organization_id,
        booking_id=booking.id,
        cancelled_by=actor.user_id,
        cancellation_reason=reason,
        refund_status=decision.status,
        refund_amount=decision.amount,
        within_refund_window=decision.within_window,
    )
    session.add(entry)
    await session.flush()
    return entry
