"""Offers that ran out: the entry becomes EXPIRED (its student told by email and the
WAITLIST_EXPIRED webhook), the seat's reservation is dropped when still unused, and the seat
goes to the next in line, in the same transaction and under the session's lock
(``offers.refill``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.jobs.app import defer_in_transaction
from immersio_booking.models import EventType, SlotReservation
from immersio_booking.models.waitlist import WaitlistEntry, WaitlistStatus
from immersio_booking.waitlist import events, offers

BATCH = 200


async def expire(session: AsyncSession, now: datetime) -> int:
    """Expire up to ``BATCH`` run-out offers (another sweep skips the ones locked here);
    returns how many."""
    rows = await session.execute(
        select(WaitlistEntry)
        .where(
            WaitlistEntry.status == WaitlistStatus.OFFERED,
            WaitlistEntry.offer_expires_at <= now,
        )
        .order_by(WaitlistEntry.offer_expires_at)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    entries = list(rows.scalars())
    sessions: dict[tuple[int, datetime], int] = {}
    for entry in entries:
        await ran_out(session, entry, now)
        sessions[(entry.event_type_id, entry.start_time)] = entry.organization_id
    for (event_type_id, start), _ in sorted(sessions.items()):
        et = await session.get(EventType, event_type_id)
        if et is not None:
            await offers.refill(session, et, start, now)
    return len(entries)


async def ran_out(session: AsyncSession, entry: WaitlistEntry, now: datetime) -> None:
    """``entry``'s offer is over unanswered (the caller holds its row)."""
    if entry.reservation_uid:
        await session.execute(
            delete(SlotReservation).where(
                SlotReservation.organization_id == entry.organization_id,
                SlotReservation.uid == entry.reservation_uid,
            )
        )
    entry.status = WaitlistStatus.EXPIRED
    entry.ended_at = now
    await session.flush()
    await events.publish(session, events.Expired(entry))
    await defer_in_transaction(session, "send_waitlist_expired_email", entry_id=entry.id)
