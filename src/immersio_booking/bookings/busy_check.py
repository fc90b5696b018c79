"""The host's own calendars, asked live before a booking is accepted.

Slots and the locked "is it still free?" check read the cached busy times (slots package);
this port asks the calendars themselves, with a short timeout, just before the booking is
accepted. Calendars sits above bookings, so ``immersio_booking.wiring`` installs its
implementation; a calendar that does not answer in time is left to the cache (and logged).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import repository
from immersio_booking.config import Settings
from immersio_booking.kit.errors import Conflict
from immersio_booking.models import Booking, EventType

Periods = list[tuple[datetime, datetime]]


class LiveBusy(Protocol):
    async def __call__(
        self,
        session: AsyncSession,
        organization_id: int,
        host_ids: Sequence[int],
        start: datetime,
        end: datetime,
        settings: Settings,
    ) -> dict[int, Periods]:
        """Busy periods per host read live now; hosts whose calendars did not answer are left
        out (their cached busy times were already counted)."""
        ...


_live: LiveBusy | None = None


def install(live: LiveBusy) -> None:
    global _live
    _live = live


async def _session_exists(
    session: AsyncSession, et: EventType | None, booking: Booking, now: datetime
) -> bool:
    """Another seat already holds this seated session (so its event may be in the calendar)."""
    if et is None or not et.seats_per_time_slot:
        return False
    taken = await repository.seats_taken(
        session, booking.organization_id, et.id, booking.start_time, now
    )
    return taken > 1


async def ensure_hosts_free(
    session: AsyncSession, created: Sequence[Booking], settings: Settings, now: datetime
) -> None:
    """409 ``slot_unavailable`` when a new booking's host is busy in their own calendar."""
    if not created:
        return
    if _live is None:
        raise RuntimeError("no live busy check installed (immersio_booking.wiring.wire)")
    et = await session.get(EventType, created[0].event_type_id)
    before = timedelta(minutes=et.before_event_buffer if et else 0)
    after = timedelta(minutes=et.after_event_buffer if et else 0)
    live = await _live(
        session,
        created[0].organization_id,
        sorted({b.user_id for b in created if b.user_id is not None}),
        min(b.start_time for b in created) - before,
        max(b.end_time for b in created) + after,
        settings,
    )
    for booking in created:
        own_event = (booking.start_time, booking.end_time)
        for lo, hi in live.get(booking.user_id or 0, []):
            if (lo, hi) == own_event and await _session_exists(session, et, booking, now):
                continue  # the session's own event in the teacher's calendar
            if lo < booking.end_time + after and hi > booking.start_time - before:
                raise Conflict(
                    "This time is no longer available: the teacher is busy then.",
                    reason="slot_unavailable",
                    details={"start": booking.start_time.isoformat()},
                )
