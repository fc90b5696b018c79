"""Attendance: the host or the school marks, once the session has started, who did not come
(Cal.com's ``POST /v2/bookings/{uid}/mark-absent``).

A seat is a booking here, while Cal.com keeps one booking per seated session: so the
attendees named may be those of any seat of the session, and the host's absence is marked on
every seat of it. The change publishes ``AbsenceMarked`` (the BOOKING_NO_SHOW_UPDATED
webhook)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import events, repository
from immersio_booking.bookings.access import Actor
from immersio_booking.bookings.schemas import MarkAbsentInput
from immersio_booking.kit.errors import BadRequest, Forbidden
from immersio_booking.models import Booking, BookingStatus


async def mark_absent(
    session: AsyncSession, booking: Booking, actor: Actor, body: MarkAbsentInput, now: datetime
) -> Booking:
    """Record who was absent; returns ``booking`` as it now stands."""
    if not actor.is_staff:
        raise Forbidden("Only the host or the school marks attendance", reason="staff_only")
    if body.host is None and not body.attendees:
        raise BadRequest("Give host and/or attendees to mark", reason="nothing_to_mark")
    locked = await repository.for_update(session, booking.organization_id, booking.id)
    if locked.status != BookingStatus.ACCEPTED:
        raise BadRequest(
            f"Only an accepted booking has attendance; this one is {locked.status}",
            reason="booking_not_accepted",
        )
    if now < locked.start_time:
        raise BadRequest(
            "Attendance can be marked once the session has started",
            reason="session_not_started",
        )
    seats = await repository.session_seats(session, locked)
    people = await repository.attendees_of(session, locked.organization_id, [s.id for s in seats])
    by_email = {a.email.lower(): a for group in people.values() for a in group}
    wanted = {str(a.email).strip().lower(): a.absent for a in body.attendees or []}
    unknown = sorted(set(wanted) - set(by_email))
    if unknown:
        raise BadRequest(
            "Not an attendee of this session: " + ", ".join(unknown),
            reason="attendee_not_found",
            details={"emails": unknown},
        )
    changed: dict[str, bool] = {}
    for email, absent in wanted.items():
        attendee = by_email[email]
        if attendee.no_show != absent:
            attendee.no_show = absent
            changed[attendee.email] = absent
    host_changed = body.host is not None and locked.no_show_host != body.host
    if body.host is not None:
        for seat in seats:
            seat.no_show_host = body.host
    await session.flush()
    if changed or host_changed:
        await events.publish(
            session,
            events.AbsenceMarked(locked, changed, body.host if host_changed else None),
        )
    return locked
