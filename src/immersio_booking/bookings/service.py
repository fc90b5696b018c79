"""The booking lifecycle after creation: read, list, cancel, confirm, decline, reschedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.bookings import cancellation, creation, repository
from immersio_booking.bookings.access import Actor
from immersio_booking.bookings.availability import Exclusions
from immersio_booking.bookings.schemas import CancelInput, RescheduleInput
from immersio_booking.config import Settings
from immersio_booking.kit.errors import BadRequest, Conflict, Forbidden, RoleRequired
from immersio_booking.kit.pagination import Page
from immersio_booking.models import (
    Attendee,
    Booking,
    BookingCancellationHistory,
    EventType,
)
from immersio_booking.slots.repository import blocking


async def event_type_of(session: AsyncSession, booking: Booking) -> EventType | None:
    return await session.get(EventType, booking.event_type_id) if booking.event_type_id else None


async def cancel(
    session: AsyncSession, booking: Booking, actor: Actor, body: CancelInput, now: datetime
) -> list[Booking]:
    """This booking (or seat); with ``cancelSubsequentBookings`` also the later ones of its
    series."""
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


async def confirm(session: AsyncSession, booking: Booking, actor: Actor) -> Booking:
    _ensure_staff(actor)
    if booking.status != "pending":
        raise BadRequest(
            f"Only pending bookings can be confirmed; this one is {booking.status}",
            reason="not_pending",
        )
    et = await event_type_of(session, booking)
    if et is not None and et.price > 0 and not booking.paid:
        raise Conflict("The booking is still waiting for its payment", reason="payment_pending")
    booking.status = "accepted"
    booking.hold_expires_at = None
    booking.ics_sequence += 1
    await session.flush()
    return booking


async def decline(
    session: AsyncSession, booking: Booking, actor: Actor, reason: str | None, now: datetime
) -> Booking:
    _ensure_staff(actor)
    if booking.status != "pending":
        raise BadRequest(
            f"Only pending bookings can be declined; this one is {booking.status}",
            reason="not_pending",
        )
    et = await event_type_of(session, booking)
    decision = await cancellation.refund_for(session, booking, et, actor, now)
    booking.status = "rejected"
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


async def reschedule(
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
    if booking.status not in cancellation.ACTIVE:
        moved = (
            await repository.rescheduled_to(session, booking.organization_id, [booking.id])
        ).get(booking.id)
        suffix = f" and rescheduled already to booking with uid={moved}" if moved else ""
        raise BadRequest(
            f"Can't reschedule booking with uid={booking.uid} because it has been"
            f" {booking.status}{suffix}.",
            reason="not_reschedulable",
        )
    et = await event_type_of(session, booking)
    if et is None:
        raise BadRequest(
            "The workshop of this booking no longer exists", reason="not_reschedulable"
        )
    cancellation.ensure_attendee_may_change(booking, et, actor, now)
    people = (await repository.attendees_of(session, booking.organization_id, [booking.id])).get(
        booking.id, []
    )
    student = people[0] if people else None
    seat = creation.Seat(
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
        creation.Placement(
            et=et,
            starts=[body.start],
            duration=None if duration == et.length else duration,
            seat=seat,
            principal=principal,
            exclusions=Exclusions(booking_uid=booking.uid),
            created_by=actor.user_id,
        ),
        now,
        limits.hold_minutes,
        limits.timeout_ms,
    )
    new = placed[0]
    new.from_reschedule = booking.id
    # A move by the student keeps the earliest deadlines of its chain (moving a class away
    # must not reopen its refund window); a move by the school starts afresh.
    new.deadlines_start_time = (
        None if actor.is_staff else min(cancellation.deadlines_start(booking), new.start_time)
    )
    new.rescheduling_reason = body.rescheduling_reason
    new.recurring_event_id = booking.recurring_event_id
    # The payment travels with the student to the new time.
    payment = await repository.payment_of(session, booking.organization_id, booking.id)
    if payment is not None:
        payment.booking_id = new.id
    new.paid = booking.paid
    if booking.paid or et.price == 0:
        new.hold_expires_at = None
        if new.status == "pending" and not creation.needs_confirmation(et, new.start_time, now):
            new.status = "accepted"
    else:
        new.hold_expires_at = booking.hold_expires_at
    booking.status = "cancelled"
    booking.rescheduled = True
    booking.cancellation_reason = body.rescheduling_reason or "rescheduled"
    booking.cancelled_by_email = actor.email
    booking.ics_sequence += 1
    await session.flush()
    return new


STATUS_FILTERS = ("upcoming", "recurring", "past", "cancelled", "unconfirmed")


@dataclass(frozen=True)
class ListQuery:
    statuses: tuple[str, ...] = ()
    attendee_email: str | None = None
    event_type_id: int | None = None
    after_start: datetime | None = None
    before_end: datetime | None = None
    sort_start: str | None = None


async def list_for(
    session: AsyncSession, principal: Principal, query: ListQuery, page: Page, now: datetime
) -> tuple[list[Booking], int]:
    """Admins see the organization's bookings; members their own (as host or as attendee)."""
    org_id = principal.organization_id
    if org_id is None or org_id not in principal.roles:
        return [], 0
    statement = repository.listing(org_id)
    if not principal.is_org_admin(org_id):
        as_attendee = select(Attendee.booking_id).where(Attendee.email == principal.email)
        statement = statement.where(
            or_(Booking.user_id == principal.user_id, Booking.id.in_(as_attendee))
        )
    status_conditions = {
        "upcoming": and_(Booking.end_time >= now, Booking.status.in_(("accepted", "pending"))),
        "recurring": Booking.recurring_event_id.is_not(None),
        "past": and_(Booking.end_time < now, Booking.status.in_(("accepted", "pending"))),
        "cancelled": Booking.status.in_(("cancelled", "rejected")),
        "unconfirmed": and_(Booking.status == "pending", Booking.end_time >= now, blocking(now)),
    }
    if query.statuses:
        statement = statement.where(or_(*(status_conditions[s] for s in query.statuses)))
    if query.attendee_email:
        emails = select(Attendee.booking_id).where(
            Attendee.email == query.attendee_email.strip().lower()
        )
        statement = statement.where(Booking.id.in_(emails))
    if query.event_type_id is not None:
        statement = statement.where(Booking.event_type_id == query.event_type_id)
    if query.after_start is not None:
        statement = statement.where(Booking.start_time >= query.after_start)
    if query.before_end is not None:
        statement = statement.where(Booking.end_time <= query.before_end)
    total = int(
        (await session.execute(select(func.count()).select_from(statement.subquery()))).scalar_one()
    )
    order = Booking.start_time.desc() if query.sort_start == "desc" else Booking.start_time
    rows = await session.execute(
        statement.order_by(order, Booking.id).limit(page.take).offset(page.skip)
    )
    return list(rows.scalars()), total


async def mark_paid(
    session: AsyncSession, booking: Booking, actor: Actor, settings: Settings, now: datetime
) -> Booking:
    """An OWNER/ADMIN records an offline payment of a booking that waits for its payment; the
    online payment is cancelled at the provider in the same step."""
    from immersio_booking.payments.settlement import record_offline

    if not actor.is_admin:
        raise RoleRequired(
            "Only an OWNER or ADMIN may record a payment",
            details={"requiredRoles": ["ADMIN", "OWNER"]},
        )
    payment = await repository.payment_of(session, booking.organization_id, booking.id)
    if booking.paid or payment is None:
        raise BadRequest("This booking has no payment waiting", reason="not_awaiting_payment")
    outcome = await record_offline(session, payment, settings, now)
    if outcome == "refund_queued":
        raise Conflict(
            "The seat was released before the payment; nothing was recorded", reason="seat_released"
        )
    if outcome == "amount_mismatch":
        raise Conflict(
            "The student paid online, but not the booking's price; nothing was recorded",
            reason="payment_mismatch",
        )
    await session.refresh(booking)
    return booking
