"""Joining the line of a full seated session (docs/waitlist.md).

The booking flow's own checks, called, not copied: the workshop (404), signed-in bookers only
(``eligibility.ensure_may_book``), invite-only (``invitations.ensure_invited``), the start is
one of its slots (400 ``slot_unavailable``), the whitelist (403 ``not_whitelisted``), a seat
already held (409 ``already_booked``). Then ours: a workshop without seats has no line (400
``not_seated``), one place in line per email (409 ``already_waiting``, also when two requests
race: the unique index decides) and a line only for a full session (409 ``session_not_full``:
book instead).

Joining takes the session's locks, as booking does: a seat freed at the same moment is either
seen here (the session is not full) or offered after this entry is in line, never lost
between the two."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.bookings import availability, invitations, verification
from immersio_booking.bookings import repository as bookings
from immersio_booking.bookings.availability import Exclusions
from immersio_booking.bookings.eligibility import ensure_may_book, is_staff
from immersio_booking.jobs.app import defer_in_transaction
from immersio_booking.kit.errors import BadRequest, Conflict, Forbidden
from immersio_booking.models import EventType
from immersio_booking.models.waitlist import WaitlistEntry, WaitlistStatus
from immersio_booking.slots import service as slots
from immersio_booking.waitlist import events, listing
from immersio_booking.waitlist.joined_email import send_waitlist_joined_email
from immersio_booking.waitlist.schemas import WaitlistJoin
from immersio_booking.whitelist import service as whitelist

ALREADY_WAITING = "This student is already on the waitlist of that session."


@dataclass(frozen=True)
class Joined:
    entry: WaitlistEntry
    position: int


def _language(et: EventType, body: WaitlistJoin) -> str:
    """The student's choice, else the workshop's interface language (as a booking's seat)."""
    chosen = "language" in body.attendee.model_fields_set
    return body.attendee.language if chosen else et.options.interface_language or "en"


def claim_of(body: WaitlistJoin) -> verification.Claim:
    """Joining as ``bookings.verification`` reads a booking: the workshop, the email, the code."""
    return verification.Claim(
        slots.EventTypeLookup(body.event_type_id, None, None, None, None),
        str(body.attendee.email).strip().lower(),
        body.email_verification_code,
        body.attendee.language,
    )


async def _ensure_full(
    session: AsyncSession, workshop: availability.Workshop, start: datetime, now: datetime
) -> None:
    try:
        await availability.free_slot(session, workshop, start, None, now, Exclusions())
    except Conflict as full:
        if full.reason == "seats_full":
            return
        raise
    raise Conflict(
        "This session still has a free seat: book it instead of joining the waitlist.",
        reason="session_not_full",
    )


async def join(
    session: AsyncSession,
    principal: Principal | None,
    body: WaitlistJoin,
    now: datetime,
    secret: str,
    timeout_ms: int,
) -> Joined:
    et = await slots.find_event_type(
        session, principal, slots.EventTypeLookup(body.event_type_id, None, None, None, None)
    )
    if not et.seats_per_time_slot:
        raise BadRequest(
            "This workshop has no seats, so its sessions have no waitlist.", reason="not_seated"
        )
    email = str(body.attendee.email).strip().lower()
    ensure_may_book(principal, et)
    invitations.ensure_invited(
        et, is_staff(principal, et), email, body.invitation_token, secret, now
    )
    start = body.start.astimezone(UTC)
    workshop = await availability.covering(
        session, await availability.load(session, et), [start], None
    )
    if not workshop.hosts:
        raise Conflict("This workshop has no hosts to book", reason="no_hosts")
    availability.ensure_on_grid(workshop, [start], None, now)
    await availability.lock_for(session, workshop, [start], timeout_ms)
    if not await whitelist.admits(session, et, email):
        raise Forbidden(
            "This workshop is open to registered students only, and this email is not on its"
            " list. Ask the school to add you, or use the email you registered with.",
            reason="not_whitelisted",
        )
    if await bookings.seat_of(session, et.organization_id, et.id, start, email, now, None):
        raise Conflict(
            "This student already has a seat in that session; the booking email has the link"
            " to manage it.",
            reason="already_booked",
        )
    if await listing.waiting_of(session, et.organization_id, et.id, start, email):
        raise Conflict(ALREADY_WAITING, reason="already_waiting")
    await _ensure_full(session, workshop, start, now)
    entry = WaitlistEntry(
        organization_id=et.organization_id,
        uid=str(uuid.uuid4()),
        event_type_id=et.id,
        start_time=start,
        email=email,
        name=body.attendee.name,
        time_zone=body.attendee.time_zone,
        language=_language(et, body),
        status=WaitlistStatus.WAITING,
    )
    try:
        async with session.begin_nested():
            session.add(entry)
            await session.flush()
    except IntegrityError as exc:  # the same email joined in parallel: the index decided
        raise Conflict(ALREADY_WAITING, reason="already_waiting") from exc
    await defer_in_transaction(session, send_waitlist_joined_email, entry_id=entry.id)
    await events.publish(session, events.Joined(entry))
    return Joined(entry, await listing.position_of(session, entry))
