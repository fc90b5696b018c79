"""Offers: a freed seat of a session goes to the next student in line (docs/waitlist.md).

``refill`` runs inside the transaction that frees the seat (a booking event's listener, the
expiry sweep, a seat count raised by staff). It takes the session's advisory lock, the very
key the booking flow takes (``bookings.availability.lock_for``), so an offer and a public
booking of the same session serialize: each sees the other's seat. Free seats are counted
as the booking flow counts them (seats − bookings holding a seat − live slot reservations),
and each free seat becomes a ``SlotReservation`` held for the next WAITING entry: the slots
engine and the seat counts count it by time alone, and the student's booking with its
``reservationUid`` consumes it.

The hold lasts ``waitlistOfferMinutes`` (default 60) but never past 2 hours before the
start; when that leaves no time, no offer is made and the seat stays public."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import availability
from immersio_booking.bookings import repository as bookings
from immersio_booking.db.session import settings_of
from immersio_booking.jobs.app import defer_in_transaction
from immersio_booking.kit.locks import DEFAULT_LOCK_TIMEOUT_MS, lock
from immersio_booking.models import EventType, SlotReservation
from immersio_booking.models.waitlist import WaitlistEntry, WaitlistStatus
from immersio_booking.waitlist import events

DEFAULT_OFFER_MINUTES = 60
CLOSES_BEFORE_START = timedelta(hours=2)


def lock_timeout(session: AsyncSession) -> int:
    """How long to wait for a session's lock: ``lock_timeout_ms`` of the settings the session
    carries (requests and jobs: ``db.session.make_sessionmaker``), as the booking flow waits."""
    settings = settings_of(session)
    return settings.lock_timeout_ms if settings is not None else DEFAULT_LOCK_TIMEOUT_MS


def offer_until(et: EventType, start: datetime, now: datetime) -> datetime | None:
    """When an offer made ``now`` runs out, or None when there is no time left to offer."""
    minutes = et.options.waitlist_offer_minutes or DEFAULT_OFFER_MINUTES
    until = min(now + timedelta(minutes=minutes), start - CLOSES_BEFORE_START)
    return until if until > now else None


def auto_books(et: EventType) -> bool:
    return bool(et.options.waitlist_auto_book) and not et.price


async def free_seats(session: AsyncSession, et: EventType, start: datetime, now: datetime) -> int:
    seats = et.seats_per_time_slot or 0
    taken = await bookings.seats_taken(session, et.organization_id, et.id, start, now)
    held = await bookings.session_holds(session, et.organization_id, et.id, start, now, None)
    return max(0, seats - taken - held)


async def _next_waiting(
    session: AsyncSession, et: EventType, start: datetime, count: int
) -> list[WaitlistEntry]:
    rows = await session.execute(
        select(WaitlistEntry)
        .where(
            WaitlistEntry.organization_id == et.organization_id,
            WaitlistEntry.event_type_id == et.id,
            WaitlistEntry.start_time == start,
            WaitlistEntry.status == WaitlistStatus.WAITING,
        )
        .order_by(WaitlistEntry.id)
        .limit(count)
        .with_for_update()
    )
    return list(rows.scalars())


async def refill(
    session: AsyncSession,
    et: EventType,
    start: datetime,
    now: datetime,
    host_id: int | None = None,
    timeout_ms: int | None = None,
) -> list[WaitlistEntry]:
    """Offer each free seat of the session (``et``, ``start``) to the next WAITING entry, in
    the caller's transaction; returns the entries offered. ``host_id``: the teacher whose
    session it is (default: the workshop's owner)."""
    if not et.seats_per_time_slot or start - CLOSES_BEFORE_START <= now:
        return []
    await session.flush()  # the freeing change is counted below
    waited = timeout_ms if timeout_ms is not None else lock_timeout(session)
    await lock(session, availability.session_key(et.id, start), timeout_ms=waited)
    until = offer_until(et, start, now)
    free = await free_seats(session, et, start, now)
    if until is None or free == 0:
        return []
    offered = await _next_waiting(session, et, start, free)
    for entry in offered:
        await _offer(session, et, entry, now, until, host_id or et.user_id)
    return offered


async def _offer(
    session: AsyncSession,
    et: EventType,
    entry: WaitlistEntry,
    now: datetime,
    until: datetime,
    host_id: int | None,
) -> None:
    reservation = SlotReservation(
        uid=str(uuid.uuid4()),
        organization_id=et.organization_id,
        event_type_id=et.id,
        host_user_id=host_id,
        start_time=entry.start_time,
        end_time=entry.start_time + timedelta(minutes=et.length),
        expires_at=until,
        reservation_minutes=max(1, int((until - now).total_seconds() // 60)),
    )
    session.add(reservation)
    entry.status = WaitlistStatus.OFFERED
    entry.offered_at = now
    entry.offer_expires_at = until
    entry.reservation_uid = reservation.uid
    await session.flush()
    await events.publish(session, events.Offered(entry))
    # Free workshops with waitlistAutoBook: the worker books the seat right after the commit
    # (with the worker's settings, as the booking API would); it emails the offer instead
    # when the booking is refused.
    task = "book_waitlist_offer" if auto_books(et) else "send_waitlist_offer_email"
    await defer_in_transaction(session, task, entry_id=entry.id)
