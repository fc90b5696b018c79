"""The booking lifecycle: book, cancel, confirm, decline, reschedule.

Each public function here is a whole change: it takes the booking's row lock (re-reading the
row under it), applies the rules, and publishes its event (``bookings.events``) in the same
transaction, so every caller (the API, the pages, the worker, later the dashboard and the
waitlist) gets the same locks and the same emails, webhooks and reminders. Callers check who
may see the booking first (``bookings.access``) and pass the booking they found.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.bookings import (
    availability,
    busy_check,
    cancellation,
    checkout,
    creation,
    events,
    repository,
)
from immersio_booking.bookings.access import Actor
from immersio_booking.bookings.availability import Exclusions
from immersio_booking.bookings.eligibility import needs_confirmation
from immersio_booking.bookings.holds import HoldCaps
from immersio_booking.bookings.placement import Placement, Seat
from immersio_booking.bookings.schemas import (
    BookingCreate,
    CancelInput,
    PaymentOut,
    RescheduleInput,
)
from immersio_booking.config import Settings
from immersio_booking.kit.errors import BadRequest, Conflict, Forbidden
from immersio_booking.models import (
    Attendee,
    Booking,
    BookingCancellationHistory,
    BookingStatus,
    EventType,
)

T = TypeVar("T")


async def change(
    session: AsyncSession,
    booking: Booking,
    step: Callable[[Booking], Awaitable[T]],
    announce: Callable[[Booking, T], events.BookingEvent],
) -> T:
    """Load ``booking`` for update, run ``step`` on the locked row, publish what it did."""
    locked = await repository.for_update(session, booking.organization_id, booking.id)
    done = await step(locked)
    await events.publish(session, announce(locked, done))
    return done


@dataclass(frozen=True)
class NewBookings:
    bookings: list[Booking]
    payments: dict[str, PaymentOut]  # by booking uid: the seats that wait for their payment
    attendees: dict[int, list[Attendee]]  # by booking id, as written (the answer's rows)


async def book(
    session: AsyncSession,
    principal: Principal | None,
    body: BookingCreate,
    now: datetime,
    settings: Settings,
    caps: HoldCaps | None = None,
) -> NewBookings:
    """Book a workshop (a whole series for a recurring one), start the payment of each seat
    held until paid, and publish ``Booked``."""
    placed = await creation.create(
        session,
        principal,
        body,
        now,
        settings.payment_hold_minutes,
        settings.lock_timeout_ms,
        secret=settings.resolved_secret_key(),
        caps=caps,
    )
    created = placed.bookings
    await busy_check.ensure_hosts_free(session, created, settings, now)
    payments = await checkout.start_payments(session, created, settings)
    await events.publish(session, events.Booked(created))
    return NewBookings(created, payments, placed.attendees)


async def cancel(
    session: AsyncSession, booking: Booking, actor: Actor, body: CancelInput, now: datetime
) -> list[Booking]:
    """This booking (or seat); with ``cancelSubsequentBookings`` also the later ones of its
    series. The refunds owed are written with the cancellation."""

    async def step(locked: Booking) -> list[Booking]:
        return await _cancel(session, locked, actor, body, now)

    return await change(session, booking, step, lambda _, done: events.Cancelled(done))


async def confirm(session: AsyncSession, booking: Booking, actor: Actor) -> Booking:
    """Accept a pending request (host or school)."""

    async def step(locked: Booking) -> Booking:
        return await _confirm(session, locked, actor)

    return await change(session, booking, step, lambda _, done: events.Confirmed(done))


async def decline(
    session: AsyncSession, booking: Booking, actor: Actor, reason: str | None, now: datetime
) -> Booking:
    """Refuse a pending request (host or school); a paid request is refunded in full."""

    async def step(locked: Booking) -> Booking:
        return await _decline(session, locked, actor, reason, now)

    return await change(session, booking, step, lambda _, done: events.Rejected(done))


async def reschedule(
    session: AsyncSession,
    booking: Booking,
    actor: Actor,
    principal: Principal | None,
    body: RescheduleInput,
    now: datetime,
    settings: Settings,
) -> Booking:
    """A new booking at the new time; the old one cancelled with ``rescheduled``."""

    async def step(locked: Booking) -> Booking:
        limits = Limits(settings.payment_hold_minutes, settings.lock_timeout_ms)
        moved = await _reschedule(session, locked, actor, principal, body, now, limits)
        await busy_check.ensure_hosts_free(session, [moved], settings, now)
        return moved

    return await change(
        session, booking, step, lambda old, new: events.Rescheduled(booking=new, previous=old)
    )


async def event_type_of(session: AsyncSession, booking: Booking) -> EventType | None:
    return await session.get(EventType, booking.event_type_id) if booking.event_type_id else None


async def _cancel(
    session: AsyncSession, booking: Booking, actor: Actor, body: CancelInput, now: datetime
) -> list[Booking]:
    if body.seat_uid is not None and body.seat_uid != booking.uid:
        raise BadRequest(
            "Invalid seatUid: this seat does not belong to this booking.", reason="invalid_seat"
        )
    targets = [booking]
    if body.cancel_subsequent_bookings:
        if booking.recurring_event_id is None:
            raise BadRequest(
                f"Booking with bookingUid={booking.uid} is not part of a recurring booking.",
                reason="not_recurring",
            )
        later = await repository.series(
            session, booking.organization_id, booking.recurring_event_id
        )
        targets = [
            b
            for b in later
            if b.start_time >= booking.start_time and b.status in cancellation.ACTIVE
        ]
    et = await event_type_of(session, booking)
    for target in targets:
        await cancellation.cancel_one(session, target, et, actor, body.cancellation_reason, now)
    return targets


async def _confirm(session: AsyncSession, booking: Booking, actor: Actor) -> Booking:
    _ensure_staff(actor)
    if booking.status != BookingStatus.PENDING:
        raise BadRequest(
            f"Only pending bookings can be confirmed; this one is {booking.status}",
            reason="not_pending",
        )
    et = await event_type_of(session, booking)
    if et is not None and et.price > 0 and not booking.paid:
        raise Conflict("The booking is still waiting for its payment", reason="payment_pending")
    booking.status = BookingStatus.ACCEPTED
    booking.hold_expires_at = None
    booking.ics_sequence += 1
    await session.flush()
    return booking


async def _decline(
    session: AsyncSession, booking: Booking, actor: Actor, reason: str | None, now: datetime
) -> Booking:
    _ensure_staff(actor)
    if booking.status != BookingStatus.PENDING:
        raise BadRequest(
            f"Only pending bookings can be declined; this one is {booking.status}",
            reason="not_pending",
        )
    et = await event_type_of(session, booking)
    decision = await cancellation.refund_for(session, booking, et, actor, now)
    booking.status = BookingStatus.REJECTED
    booking.rejection_reason = reason
    booking.ics_sequence += 1
    session.add(
        BookingCancellationHistory(
            organization_id=booking.organization_id,
            booking_id=booking.id,
            cancelled_by=actor.user_id,
            cancellation_reason=reason or "declined",
            refund_status=decision.status,
            refund_amount=decision.amount,
            within_refund_window=decision.within_window,
        )
    )
    await session.flush()
    return booking


def _ensure_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise Forbidden("Only the host or the school may do this", reason="staff_only")


@dataclass(frozen=True)
class Limits:
    hold_minutes: int
    timeout_ms: int


async def _reschedule(
    session: AsyncSession,
    booking: Booking,
    actor: Actor,
    principal: Principal | None,
    body: RescheduleInput,
    now: datetime,
    limits: Limits,
) -> Booking:
    """A new booking at the new time; the old one cancelled with ``rescheduled``. Both happen in
    one transaction under the locks of both sessions, so no moment has both or neither."""
    if body.seat_uid is not None and body.seat_uid != booking.uid:
        raise BadRequest(
            "Invalid seatUid: this seat does not belong to this booking.", reason="invalid_seat"
        )
    et = await event_type_of(session, booking)
    rebooking = cancellation.reschedules_cancelled(booking, et)
    if booking.status not in cancellation.ACTIVE and not rebooking:
        moved = (
            await repository.rescheduled_to(session, booking.organization_id, [booking.id])
        ).get(booking.id)
        suffix = f" and rescheduled already to booking with uid={moved}" if moved else ""
        raise BadRequest(
            f"Can't reschedule booking with uid={booking.uid} because it has been"
            f" {booking.status}{suffix}.",
            reason="not_reschedulable",
        )
    if et is None:
        raise BadRequest(
            "The workshop of this booking no longer exists", reason="not_reschedulable"
        )
    cancellation.ensure_rescheduling_allowed(booking, et, actor, now)
    people = (await repository.attendees_of(session, booking.organization_id, [booking.id])).get(
        booking.id, []
    )
    student = people[0] if people else None
    seat = Seat(
        name=student.name if student else "",
        email=student.email if student else "",
        time_zone=student.time_zone if student else "UTC",
        language=student.locale if student else None,
        guests=[a.email for a in people[1:] if a.email not in {h.email for h in people[:1]}],
        responses={
            k: v
            for k, v in (booking.responses or {}).items()
            if k not in ("name", "email", "guests")
        },
        metadata=booking.metadata_ or {},
        location=booking.location,
        description=booking.description,
    )
    duration = int((booking.end_time - booking.start_time).total_seconds() // 60)
    placed = await creation.place(
        session,
        Placement(
            et=et,
            starts=[body.start],
            duration=None if duration == et.length else duration,
            seat=seat,
            principal=principal,
            exclusions=Exclusions(booking_uid=booking.uid),
            created_by=actor.user_id,
            # Both sessions locked at once, in key order: two moves crossing A ↔ B would
            # otherwise each hold one session and wait for the other (a deadlock).
            also_locks=(availability.session_key(et.id, booking.start_time),),
        ),
        now,
        limits.hold_minutes,
        limits.timeout_ms,
    )
    new = placed.bookings[0]
    new.from_reschedule = booking.id
    # A move by the student keeps the earliest deadlines of its chain (moving a class away
    # must not reopen its refund window); a move by the school starts afresh.
    # A booking over or cancelled (moved under allowRescheduling*Bookings) has no window left
    # to keep: the new one starts afresh too.
    fresh = actor.is_staff or rebooking or booking.end_time <= now
    new.deadlines_start_time = (
        None if fresh else min(cancellation.deadlines_start(booking), new.start_time)
    )
    new.rescheduling_reason = body.rescheduling_reason
    new.recurring_event_id = booking.recurring_event_id
    if rebooking:
        # A cancelled booking booked again (allowReschedulingCancelledBookings): it stays
        # cancelled, marked as moved so its link books again only once.
        booking.rescheduled = True
        await session.flush()
        return new
    # The payment travels with the student to the new time.
    payment = await repository.payment_of(session, booking.organization_id, booking.id)
    if payment is not None:
        payment.booking_id = new.id
    new.paid = booking.paid
    if booking.paid or et.price == 0:
        new.hold_expires_at = None
        if new.status == BookingStatus.PENDING and not needs_confirmation(et, new.start_time, now):
            new.status = BookingStatus.ACCEPTED
    else:
        new.hold_expires_at = booking.hold_expires_at
    booking.status = BookingStatus.CANCELLED
    booking.rescheduled = True
    booking.cancellation_reason = body.rescheduling_reason or "rescheduled"
    booking.cancelled_by_email = actor.email
    booking.ics_sequence += 1
    await session.flush()
    return new
