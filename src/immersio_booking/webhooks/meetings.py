"""MEETING_STARTED / MEETING_ENDED: jobs at the start and end of each accepted booking.

They are queued when a booking becomes accepted and check at run time that the booking is
still accepted at that same time, so a cancelled or moved booking never fires a stale event
(the moved one has its own jobs).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.jobs.app import defer_with_the_rest, job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.models import Booking, BookingStatus
from immersio_booking.webhooks.emitter import emit


async def schedule(session: AsyncSession, bookings: Sequence[Booking]) -> None:
    for booking in bookings:
        if booking.status != BookingStatus.ACCEPTED:
            continue
        for trigger, at in (
            ("MEETING_STARTED", booking.start_time),
            ("MEETING_ENDED", booking.end_time),
        ):
            await defer_with_the_rest(
                session,
                meeting_event,
                options={"schedule_at": at},
                booking_id=booking.id,
                trigger=trigger,
                at=int(at.timestamp()),
            )


async def fire(session: AsyncSession, booking_id: int, trigger: str, at: int) -> str:
    booking = await session.get(Booking, booking_id)
    if booking is None or booking.status != BookingStatus.ACCEPTED:
        return "stale"
    moment = booking.start_time if trigger == "MEETING_STARTED" else booking.end_time
    if int(moment.timestamp()) != at:
        return "stale"
    await emit(session, [booking], trigger)
    return "sent"


@job_app.task(name="meeting_event", retry=3)
async def meeting_event(booking_id: int, trigger: str, at: int) -> str:
    async with job_session() as session:
        return await fire(session, booking_id, trigger, at)
