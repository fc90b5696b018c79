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


def ensure_cancelling_allowed(et: EventType | None, actor: Actor) -> None:
    """``disableCancelling``: the student's links no longer cancel; the school and the host
    still can (a teacher falls ill), as Cal.com's organizer still can from its dashboard."""
    if not actor.is_staff and et is not None and et.options.disable_cancelling:
        raise Forbidden(
            "Cancelling is switched off for this workshop; please contact the school.",
            reason="cancelling_disabled",
        )


def reschedules_cancelled(booking: Booking, et: EventType | None) -> bool:
    """``allowReschedulingCancelledBookings``: a cancelled booking (not one already moved) may
    be booked again at a new time from its link, for a free workshop (a paid one is booked
    anew, with its own payment)."""
    return (
        et is not None
        and bool(et.options.allow_rescheduling_cancelled_bookings)
        and booking.status == BookingStatus.CANCELLED
        and not booking.rescheduled
        and et.price == 0
    )


def ensure_rescheduling_allowed(
    booking: Booking, et: EventType | None, actor: Actor, now: datetime
) -> None:
    """The student's rules for moving a booking (the school and the host are not bound):
    ``disableRescheduling`` refuses; a booking that has ended moves only with
    ``allowReschedulingPastBookings``; otherwise the notice window of cancelling applies."""
    if actor.is_staff:
        return
    options = et.options if et is not None else None
    if options is not None and options.disable_rescheduling:
        raise Forbidden(
            "Rescheduling is switched off for this workshop; please contact the school.",
            reason="rescheduling_disabled",
        )
    if booking.end_time <= now:
        if options is None or not options.allow_rescheduling_past_bookings:
            raise Forbidden(
                "This booking is in the past and this workshop does not move past bookings.",
                reason="booking_in_past",
            )
        return
    if booking.status in ACTIVE:
        ensure_attendee_may_change(booking, et, actor, now)


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
    ensure_cancelling_allowed(et, actor)
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
