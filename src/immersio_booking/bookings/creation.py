"""Creating bookings: the seed's booking flow with whitelist, seats, holds and plan limits.

Order of checks (each with its own reason): workshop bookable (404) → start is a slot (400
``slot_unavailable``) → [locks] → still free (409 ``slot_unavailable``) → whitelist (403
``not_whitelisted``) → seats (409 ``seats_full``) → attendee already in that session (409
``already_booked``) → plan (402 ``subscription_inactive``, 403 ``plan_limit_reached``).
An invite-only workshop refuses a new booking without a valid invitation (403
``invitation_required``) before any of these (``invitations.py``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import ADMIN_ROLES, Principal
from immersio_booking.bookings import availability, holds, invitations, repository
from immersio_booking.bookings.availability import Exclusions
from immersio_booking.bookings.holds import HoldCaps
from immersio_booking.bookings.locations import location_of
from immersio_booking.bookings.recurrence import occurrences
from immersio_booking.bookings.responses import checked_responses
from immersio_booking.bookings.schemas import BookingCreate
from immersio_booking.kit.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    PaymentRequired,
    PlanLimitReached,
    RoleRequired,
    Unauthorized,
)
from immersio_booking.kit.locks import lock_key
from immersio_booking.models import (
    Attendee,
    Booking,
    EventType,
    Payment,
    SlotReservation,
    TenantSubscription,
    User,
)
from immersio_booking.models.metadata import EventTypeMetadata
from immersio_booking.slots import service as slots
from immersio_booking.subscriptions import service as subscriptions


def new_uid() -> str:
    return secrets.token_urlsafe(16)


@dataclass
class Seat:
    """One student's place: who, what they answered, and where."""

    name: str
    email: str
    time_zone: str
    language: str | None
    guests: list[str] = field(default_factory=list)
    responses: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    location: str | None = None
    description: str | None = None


def whitelist_required(et: EventType) -> bool:
    meta = EventTypeMetadata.model_validate(et.metadata_ or {})
    return meta.whitelist_enabled or meta.registration_mode == "whitelist"


def is_staff(principal: Principal | None, et: EventType) -> bool:
    return principal is not None and principal.can_see_organization(et.organization_id)


def may_record_payment(principal: Principal | None, et: EventType) -> bool:
    """Money matters are for an OWNER/ADMIN of the school (or of the workshop's team)."""
    return principal is not None and (
        principal.is_org_admin(et.organization_id)
        or (et.team_id is not None and principal.roles.get(et.team_id) in ADMIN_ROLES)
    )


async def _check_plan(
    session: AsyncSession,
    et: EventType,
    row: TenantSubscription,
    starts: list[datetime],
    now: datetime,
) -> int | None:
    """Subscription active and the month's bookings under the plan's limit."""
    if row.status in subscriptions.INACTIVE_STATUSES:
        raise PaymentRequired(
            f"The organization's subscription is {row.status}", reason="subscription_inactive"
        )
    limit = row.max_bookings_per_month
    if limit is None:
        return None
    by_month: dict[tuple[int, int], int] = {}
    for start in starts:
        key = (start.year, start.month)
        by_month[key] = by_month.get(key, 0) + 1
    for (year, month), adding in by_month.items():
        first = datetime(year, month, 1, tzinfo=UTC)
        following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        used = await repository.bookings_in_month(
            session, et.organization_id, first, following, now
        )
        if used + adding > limit:
            raise PlanLimitReached(
                f"The {row.plan_type} plan allows {limit} bookings a month"
                f" ({year}-{month:02d} is full)",
                details={
                    "limit": "max_bookings_per_month",
                    "max": limit,
                    "planType": row.plan_type,
                },
            )
    return limit


@dataclass(frozen=True)
class Placement:
    et: EventType
    starts: list[datetime]
    duration: int | None
    seat: Seat
    principal: Principal | None
    paid_offline: bool = False
    exclusions: Exclusions = Exclusions()
    created_by: int | None = None
    workshop: availability.Workshop | None = None  # when the caller loaded it already
    caps: HoldCaps | None = None  # an anonymous booker's caps on open unpaid holds


def makes_unpaid_hold(placement: Placement) -> bool:
    et = placement.et
    return et.price > 0 and not (placement.paid_offline and is_staff(placement.principal, et))


async def place(
    session: AsyncSession, placement: Placement, now: datetime, hold_minutes: int, timeout_ms: int
) -> list[Booking]:
    """Check and insert one booking per start, all or none, under the locks of what they use."""
    et, seat = placement.et, placement.seat
    workshop = placement.workshop or await availability.load(session, et)
    hosts = workshop.hosts
    if not hosts:
        raise Conflict("This workshop has no hosts to book", reason="no_hosts")
    availability.ensure_on_grid(workshop, placement.starts, placement.duration, now)
    row, _ = await subscriptions.effective(session, et.organization_id)
    plan_keys = [lock_key("org-bookings", et.organization_id)] if row.max_bookings_per_month else []
    unpaid_hold = makes_unpaid_hold(placement)
    if unpaid_hold:
        plan_keys += holds.lock_keys(placement.caps, et.organization_id, seat.email)
    await availability.lock_for(session, workshop, placement.starts, timeout_ms, plan_keys)
    chosen: list[tuple[datetime, int]] = []
    for start in placement.starts:
        slot = await availability.free_slot(
            session, workshop, start, placement.duration, now, placement.exclusions
        )
        chosen.append((start, slot.host_ids[0] if slot.host_ids else hosts[0].id))
    if whitelist_required(et) and not await repository.on_whitelist(session, et.id, seat.email):
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
    await _check_plan(session, et, row, placement.starts, now)
    return await _insert(session, placement, chosen, hosts, now, hold_minutes)


async def _insert(
    session: AsyncSession,
    placement: Placement,
    chosen: list[tuple[datetime, int]],
    hosts: list[User],
    now: datetime,
    hold_minutes: int,
) -> list[Booking]:
    et, seat = placement.et, placement.seat
    priced = et.price > 0
    paid = priced and placement.paid_offline and may_record_payment(placement.principal, et)
    confirmation_needed = needs_confirmation(et, chosen[0][0], now)
    status = "pending" if confirmation_needed or (priced and not paid) else "accepted"
    hold = now + timedelta(minutes=hold_minutes) if priced and not paid else None
    series = new_uid() if len(chosen) > 1 or et.recurring_event else None
    by_id = {h.id: h for h in hosts}
    length = timedelta(minutes=placement.duration or et.length)
    created = []
    for start, host_id in chosen:
        host = by_id[host_id]
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
            people += [(h.name or h.email, h.email) for h in hosts if h.id != host.id]
        for name, email in people:
            session.add(
                Attendee(
                    organization_id=et.organization_id,
                    booking_id=booking.id,
                    email=email,
                    name=name,
                    time_zone=seat.time_zone,
                    locale=seat.language,
                )
            )
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
        from sqlalchemy import delete

        await session.execute(
            delete(SlotReservation).where(
                SlotReservation.uid == placement.exclusions.reservation_uid,
                SlotReservation.organization_id == et.organization_id,
            )
        )
    await session.flush()
    return created


def needs_confirmation(et: EventType, start: datetime, now: datetime) -> bool:
    if not et.requires_confirmation:
        return False
    policy = et.options.confirmation_policy
    if policy is not None and policy.type == "time" and policy.notice_threshold:
        return start - now < policy.notice_threshold.as_timedelta()
    return True


def _starts(et: EventType, body: BookingCreate, host_zone: str) -> list[datetime]:
    start = body.start.astimezone(UTC)
    rule = et.recurring_event
    if rule is None:
        if body.recurrence_count is not None:
            raise BadRequest("This workshop does not recur", reason="not_recurring")
        return [start]
    count = body.recurrence_count or rule["count"]
    if count > rule["count"]:
        raise BadRequest(
            f"recurrenceCount must be at most {rule['count']} for this workshop",
            reason="recurrence_too_long",
        )
    return occurrences(start, rule, count, host_zone)


def lookup_of(body: BookingCreate) -> slots.EventTypeLookup:
    """The workshop a booking request names (by id, or by slug with a user or team)."""
    lookup = slots.EventTypeLookup(
        body.event_type_id,
        body.event_type_slug,
        body.username,
        body.team_slug,
        body.organization_slug,
    )
    if lookup.event_type_id is None and not (
        lookup.event_type_slug and (lookup.username or lookup.team_slug)
    ):
        raise BadRequest(
            "Either eventTypeId or eventTypeSlug + username or eventTypeSlug + teamSlug"
            " must be provided",
            reason="validation_failed",
        )
    return lookup


async def create(
    session: AsyncSession,
    principal: Principal | None,
    body: BookingCreate,
    now: datetime,
    hold_minutes: int,
    timeout_ms: int,
    secret: str = "",
    caps: HoldCaps | None = None,
) -> list[Booking]:
    """``secret`` signs invitations (the settings' secret key); without it, an invite-only
    workshop takes bookings from its staff only. ``caps``: how many open unpaid holds a booker
    may have (None: not capped)."""
    et = await slots.find_event_type(session, principal, lookup_of(body))
    if et.options.booking_requires_authentication:
        if principal is None:
            raise Unauthorized(
                "This workshop can only be booked with an API key", reason="missing_api_key"
            )
        if not is_staff(principal, et):
            raise Forbidden("Only the school's staff may book this workshop", reason="staff_only")
    invitations.ensure_invited(
        et,
        is_staff(principal, et),
        str(body.attendee.email),
        body.invitation_token,
        secret,
        now,
    )
    duration = slots.duration_for(et, body.length_in_minutes)
    fields = et.booking_fields or []
    answers = checked_responses(fields, body.booking_fields_responses or {})
    guests = [str(g).lower() for g in body.guests or []]
    if guests and (et.disable_guests or et.seats_per_time_slot):
        raise BadRequest("This workshop does not take guests", reason="guests_not_allowed")
    workshop = await availability.load(session, et)
    zone = workshop.rules[0].time_zone if workshop.rules else "UTC"
    seat = Seat(
        name=body.attendee.name,
        email=str(body.attendee.email).strip().lower(),
        time_zone=body.attendee.time_zone,
        language=body.attendee.language,
        guests=guests,
        # Cal.com keeps the attendee's number with the answers; SMS reminders read it there.
        responses={**answers, "attendeePhoneNumber": body.attendee.phone_number}
        if body.attendee.phone_number
        else answers,
        location=location_of(et, body.location),
        metadata=body.metadata.model_dump(mode="json", exclude_none=True) if body.metadata else {},
        description=str(answers.get("notes")) if answers.get("notes") else None,
    )
    if body.paid_offline and not may_record_payment(principal, et):
        if not is_staff(principal, et):
            raise Forbidden(
                "Only the school's staff may mark a booking as paid", reason="staff_only"
            )
        raise RoleRequired(
            "Only an OWNER or ADMIN may book as paid offline",
            details={"requiredRoles": ["ADMIN", "OWNER"]},
        )
    return await place(
        session,
        Placement(
            et=et,
            starts=_starts(et, body, zone),
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
