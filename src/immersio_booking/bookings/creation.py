"""Creating bookings: the seed's booking flow with whitelist, seats, holds and plan limits.

Order of checks (each with its own reason): workshop bookable (404) → start is a slot (400
``slot_unavailable``) → [locks] → still free (409 ``slot_unavailable``) → whitelist (403
``not_whitelisted``) → seats (409 ``seats_full``) → attendee already in that session (409
``already_booked``) → plan (402 ``subscription_inactive``, 403 ``plan_limit_reached``).
An invite-only workshop refuses a new booking without a valid invitation (403
``invitation_required``) before any of these (``invitations.py``).

The request's mapping is in ``requests.py``, the permission and plan rules in
``eligibility.py``; the seat and the placement in ``placement.py``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.bookings import (
    availability,
    events,
    holds,
    invitations,
    repository,
    requests,
    workshop_limits,
)
from immersio_booking.bookings.availability import Exclusions
from immersio_booking.bookings.eligibility import (
    check_plan,
    ensure_may_book,
    ensure_may_mark_paid,
    is_staff,
    may_record_payment,
    needs_confirmation,
)
from immersio_booking.bookings.holds import HoldCaps
from immersio_booking.bookings.placement import Placement
from immersio_booking.bookings.schemas import BookingCreate
from immersio_booking.db.session import keep
from immersio_booking.kit.errors import Conflict, Forbidden
from immersio_booking.kit.locks import lock_key
from immersio_booking.models import Attendee, Booking, BookingStatus, Payment, SlotReservation, User
from immersio_booking.slots import service as slots
from immersio_booking.subscriptions import service as subscriptions
from immersio_booking.whitelist import service as whitelist


# Callers import these from here (``needs_confirmation``, ``Seat`` and ``Placement`` live in
# ``eligibility.py`` and ``placement.py``).
def new_uid() -> str:
    return secrets.token_urlsafe(16)


def makes_unpaid_hold(placement: Placement) -> bool:
    et = placement.et
    return et.price > 0 and not (placement.paid_offline and is_staff(placement.principal, et))


@dataclass(frozen=True)
class Placed:
    """The bookings written, and each one's attendees in the order written (booker first)."""

    bookings: list[Booking]
    attendees: dict[int, list[Attendee]]


async def place(
    session: AsyncSession, placement: Placement, now: datetime, hold_minutes: int, timeout_ms: int
) -> Placed:
    """Check and insert one booking per start, all or none, under the locks of what they use."""
    et, seat = placement.et, placement.seat
    workshop = await availability.covering(
        session,
        placement.workshop or await availability.load(session, et),
        placement.starts,
        placement.duration,
    )
    hosts = workshop.hosts
    if not hosts:
        raise Conflict("This workshop has no hosts to book", reason="no_hosts")
    # The live busy check, the listeners and the answer read these again by key.
    keep(session, et, *workshop.people)
    availability.ensure_on_grid(workshop, placement.starts, placement.duration, now)
    # What the listeners read that the locks do not protect, read before the locks.
    await events.prepare(session, events.Coming(et, tuple(h.id for h in workshop.people)))
    row, _ = await subscriptions.effective(session, et.organization_id)
    plan_keys = [lock_key("org-bookings", et.organization_id)] if row.max_bookings_per_month else []
    unpaid_hold = makes_unpaid_hold(placement)
    if unpaid_hold:
        plan_keys += holds.lock_keys(placement.caps, et.organization_id, seat.email)
    plan_keys += workshop_limits.lock_keys(et, seat.email)
    plan_keys += placement.also_locks
    await availability.lock_for(session, workshop, placement.starts, timeout_ms, plan_keys)
    chosen: list[tuple[datetime, tuple[int, ...]]] = []
    slots_taken = []
    for start in placement.starts:
        slot = await availability.free_slot(
            session, workshop, start, placement.duration, now, placement.exclusions
        )
        chosen.append((start, slot.host_ids or (hosts[0].id,)))
        slots_taken.append((start, slot))
    moved = placement.exclusions.booking_uid
    zone = workshop.rules[0].time_zone if workshop.rules else "UTC"
    await workshop_limits.check(session, et, slots_taken, zone, seat.email, now, moved)
    await workshop_limits.ensure_first_of_day(
        session,
        placement.principal,
        et,
        placement.starts[0],
        placement.duration,
        seat.time_zone,
        now,
        moved,
    )
    if not await whitelist.admits(session, et, seat.email):
        raise Forbidden(
            "This workshop is open to registered students only, and this email is not on its list."
            " Ask the school to add you, or book with the email you registered with.",
            reason="not_whitelisted",
        )
    if et.seats_per_time_slot:
        for start in placement.starts:
            held = await repository.seat_of(
                session,
                et.organization_id,
                et.id,
                start,
                seat.email,
                now,
                placement.exclusions.booking_uid,
            )
            if held is not None:
                # Not the held booking's uid: whoever knows an email must not learn it.
                raise Conflict(
                    "This student already has a seat in that session; the booking email has"
                    " the link to manage it.",
                    reason="already_booked",
                )
    if unpaid_hold:
        adding = len(placement.starts)
        await holds.check(session, placement.caps, et.organization_id, seat.email, adding, now)
    await check_plan(session, et, row, placement.starts, now)
    return await _insert(session, placement, chosen, workshop.people, now, hold_minutes)


async def _insert(
    session: AsyncSession,
    placement: Placement,
    chosen: list[tuple[datetime, tuple[int, ...]]],
    hosts: list[User],
    now: datetime,
    hold_minutes: int,
) -> Placed:
    et, seat = placement.et, placement.seat
    priced = et.price > 0
    paid = priced and placement.paid_offline and may_record_payment(placement.principal, et)
    confirmation_needed = needs_confirmation(et, chosen[0][0], now)
    status = (
        BookingStatus.PENDING
        if confirmation_needed or (priced and not paid)
        else BookingStatus.ACCEPTED
    )
    hold = now + timedelta(minutes=hold_minutes) if priced and not paid else None
    series = new_uid() if len(chosen) > 1 or et.recurring_event else None
    by_id = {h.id: h for h in hosts}
    length = timedelta(minutes=placement.duration or et.length)
    created = []
    attendees: dict[int, list[Attendee]] = {}
    for start, host_ids in chosen:
        host = by_id[host_ids[0]]
        booking = Booking(
            organization_id=et.organization_id,
            uid=new_uid(),
            user_id=host.id,
            event_type_id=et.id,
            title=f"{et.title} between {host.name or host.email} and {seat.name}",
            description=seat.description,
            start_time=start,
            end_time=start + length,
            status=status,
            paid=paid,
            metadata_=seat.metadata,
            location=seat.location,
            responses={
                "name": seat.name,
                "email": seat.email,
                **seat.responses,
                **({"guests": seat.guests} if seat.guests else {}),
            },
            recurring_event_id=series,
            hold_expires_at=hold,
            created_by_user_id=placement.created_by,
            booker_address_hash=placement.caps.address_hash if placement.caps else None,
        )
        session.add(booking)
        await session.flush()
        people = [(seat.name, seat.email)] + [(g, g) for g in seat.guests]
        if et.scheduling_type == "COLLECTIVE":
            # The session's hosts: a substitute standing in for an away host takes their place.
            people += [(by_id[h].name or by_id[h].email, by_id[h].email) for h in host_ids[1:]]
        attendees[booking.id] = [
            Attendee(
                organization_id=et.organization_id,
                booking_id=booking.id,
                email=email,
                name=name,
                time_zone=seat.time_zone,
                locale=seat.language,
            )
            for name, email in people
        ]
        session.add_all(attendees[booking.id])
        if paid:
            session.add(
                Payment(
                    organization_id=et.organization_id,
                    uid=new_uid(),
                    booking_id=booking.id,
                    app_id="manual-payment",
                    amount=et.price,
                    currency=et.currency,
                    success=True,
                    data={"method": "offline"},
                )
            )
        created.append(booking)
    if placement.exclusions.reservation_uid:
        await session.execute(
            delete(SlotReservation).where(
                SlotReservation.uid == placement.exclusions.reservation_uid,
                SlotReservation.organization_id == et.organization_id,
            )
        )
    await session.flush()
    return Placed(created, attendees)


async def create(
    session: AsyncSession,
    principal: Principal | None,
    body: BookingCreate,
    now: datetime,
    hold_minutes: int,
    timeout_ms: int,
    secret: str = "",
    caps: HoldCaps | None = None,
) -> Placed:
    """``secret`` signs invitations (the settings' secret key); without it, an invite-only
    workshop takes bookings from its staff only. ``caps``: how many open unpaid holds a booker
    may have (None: not capped)."""
    et = await slots.find_event_type(session, principal, requests.lookup_of(body))
    ensure_may_book(principal, et)
    invitations.ensure_invited(
        et,
        is_staff(principal, et),
        str(body.attendee.email),
        body.invitation_token,
        secret,
        now,
    )
    duration = slots.duration_for(et, body.length_in_minutes)
    seat = requests.seat_of(et, body)
    workshop = await availability.load(session, et)
    zone = workshop.rules[0].time_zone if workshop.rules else "UTC"
    ensure_may_mark_paid(principal, et, body.paid_offline)
    return await place(
        session,
        Placement(
            et=et,
            starts=requests.starts_of(et, body, zone),
            duration=duration,
            seat=seat,
            principal=principal,
            paid_offline=body.paid_offline,
            exclusions=Exclusions(reservation_uid=body.reservation_uid),
            created_by=principal.user_id if principal else None,
            workshop=workshop,
            caps=caps,
        ),
        now,
        hold_minutes,
        timeout_ms,
    )
