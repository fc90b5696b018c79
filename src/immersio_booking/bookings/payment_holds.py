"""Seats held until paid: what happens to the booking when its money arrives, and when its
hold runs out first. Payments calls these with the provider's word; the booking side (row
lock, status, seat check, ``Paid``/``HoldsExpired``) is decided here."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import availability, events, repository
from immersio_booking.bookings.eligibility import needs_confirmation
from immersio_booking.kit.errors import DomainError
from immersio_booking.models import Booking, BookingStatus, EventType

PaymentOutcome = Literal["confirmed", "confirmed_late", "released"]


async def record_payment(
    session: AsyncSession, organization_id: int, booking_id: int, now: datetime, timeout_ms: int
) -> PaymentOutcome:
    """The booking's full price arrived. Still holding its seat → paid and accepted (or still
    pending when the host must also confirm): ``confirmed``. Its hold expired but the seat is
    still free → the same, ``confirmed_late``. Otherwise the seat went to someone else:
    ``released`` (the caller refunds the money). ``Paid`` is published when it is paid."""
    booking = await repository.for_update(session, organization_id, booking_id)
    et = await session.get(EventType, booking.event_type_id) if booking.event_type_id else None
    outcome: PaymentOutcome
    if booking.status == BookingStatus.PENDING:
        outcome = "confirmed"
    elif (
        booking.status == BookingStatus.CANCELLED
        and booking.cancellation_reason == "payment_expired"
        and et is not None
        and await _seat_still_free(session, booking, et, now, timeout_ms)
    ):
        outcome = "confirmed_late"
        booking.cancellation_reason = None
    else:
        return "released"
    needs = et is not None and needs_confirmation(et, booking.start_time, now)
    booking.status = BookingStatus.PENDING if needs else BookingStatus.ACCEPTED
    booking.paid = True
    booking.hold_expires_at = None
    booking.ics_sequence += 1
    await session.flush()
    await events.publish(session, events.Paid(booking))
    return outcome


async def release_expired(session: AsyncSession, now: datetime) -> list[Booking]:
    """Unpaid bookings whose hold has passed become cancelled (``payment_expired``), their
    seats free; ``HoldsExpired`` is published when there were any."""
    rows = await session.execute(
        select(Booking)
        .where(
            Booking.status == BookingStatus.PENDING,
            Booking.paid.is_(False),
            Booking.hold_expires_at.is_not(None),
            Booking.hold_expires_at <= now,
        )
        .with_for_update(skip_locked=True)
        .limit(500)
    )
    expired = list(rows.scalars())
    for booking in expired:
        booking.status = BookingStatus.CANCELLED
        booking.cancellation_reason = "payment_expired"
        booking.ics_sequence += 1
    await session.flush()
    if expired:
        await events.publish(session, events.HoldsExpired(expired))
    return expired


async def _seat_still_free(
    session: AsyncSession, booking: Booking, et: EventType, now: datetime, timeout_ms: int
) -> bool:
    """Under the booking's locks: would this start still be bookable for this student?"""
    duration = int((booking.end_time - booking.start_time).total_seconds() // 60)
    workshop = await availability.covering(
        session, await availability.load(session, et), [booking.start_time], duration
    )
    if not workshop.hosts:
        return False
    await availability.lock_for(session, workshop, [booking.start_time], timeout_ms)
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
