"""A substitute teacher for a team session (Cal.com's ``POST /v2/bookings/{uid}/reassign``
and ``/reassign/{userId}``): every seat of the session goes to the new host, who must be a
host of the workshop and free then (hours, bookings, absences and calendars, as a booking
would check), under the same locks as a booking. ``Reassigned`` tells the students and the
new teacher, and lets video and calendars follow."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import availability, busy_check, events, repository
from immersio_booking.bookings.access import Actor
from immersio_booking.bookings.availability import Exclusions, Workshop
from immersio_booking.bookings.guests import ensure_changeable
from immersio_booking.config import Settings
from immersio_booking.kit.errors import BadRequest, Conflict, DomainError
from immersio_booking.models import Booking, EventType


async def _free(
    session: AsyncSession,
    workshop: Workshop,
    host_id: int,
    booking: Booking,
    now: datetime,
    settings: Settings,
) -> bool:
    """Whether ``host_id`` could take the session: a booking with them alone would be free."""
    alone = replace(
        workshop,
        hosts=[h for h in workshop.hosts if h.id == host_id],
        rules=[r for r in workshop.rules if r.host_id == host_id],
    )
    minutes = int((booking.end_time - booking.start_time).total_seconds() // 60)
    alone = await availability.covering(session, alone, [booking.start_time], minutes)
    await availability.lock_for(session, alone, [booking.start_time], settings.lock_timeout_ms)
    try:
        await availability.free_slot(session, alone, booking.start_time, minutes, now, Exclusions())
    except DomainError:
        return False
    return True


async def reassign(
    session: AsyncSession,
    booking: Booking,
    actor: Actor,
    new_host_id: int | None,
    now: datetime,
    settings: Settings,
    reason: str | None = None,
) -> list[Booking]:
    """Give the session to ``new_host_id`` (or to the first free host of the workshop)."""
    locked = await repository.for_update(session, booking.organization_id, booking.id)
    ensure_changeable(actor, locked, now, "teacher")
    et = await session.get(EventType, locked.event_type_id) if locked.event_type_id else None
    if et is None or et.team_id is None or et.scheduling_type != "ROUND_ROBIN":
        raise BadRequest(
            "Only a session of a round-robin team workshop can change teacher",
            reason="not_round_robin",
        )
    workshop = await availability.load(session, et)
    hosts = [h.id for h in workshop.hosts]
    if new_host_id is not None and new_host_id not in hosts:
        raise BadRequest(
            f"User {new_host_id} is not a host of this workshop",
            reason="not_a_host",
            details={"hosts": hosts},
        )
    candidates = [new_host_id] if new_host_id is not None else hosts
    chosen = None
    for host_id in candidates:
        if host_id != locked.user_id and await _free(
            session, workshop, host_id, locked, now, settings
        ):
            chosen = host_id
            break
    if chosen is None:
        raise Conflict(
            "No other host of this workshop is free at that time"
            if new_host_id is None or new_host_id != locked.user_id
            else "This user already teaches this session",
            reason="host_unavailable",
        )
    seats = await repository.session_seats(session, locked)
    moved = [locked, *(s for s in seats if s.id != locked.id)]
    previous = locked.user_id
    for seat in moved:
        seat.user_id = chosen
        seat.ics_sequence += 1
    await session.flush()
    await busy_check.ensure_hosts_free(session, moved, settings, now)
    await events.publish(session, events.Reassigned(moved, previous, reason))
    return moved
