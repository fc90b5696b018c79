"""Leaving a line: the student with the signed link from their email, or the school's staff.

The link is ``signing.sign`` over the entry's uid, valid until the session starts: it grants
leaving this one entry, nothing else."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.kit import signing
from immersio_booking.models import EventType, SlotReservation
from immersio_booking.models.waitlist import IN_LINE, WaitlistEntry, WaitlistStatus
from immersio_booking.waitlist import offers

LEAVE = "waitlist-leave"


def leave_token(secret: str, entry: WaitlistEntry) -> str:
    return signing.sign(secret, LEAVE, entry.uid, entry.start_time)


def leave_link(base_url: str, secret: str, entry: WaitlistEntry, language: str) -> str:
    query = urlencode({"token": leave_token(secret, entry), "lang": language})
    return f"{base_url}/waitlist/{entry.uid}/leave?{query}"


def may_leave(secret: str, entry: WaitlistEntry, token: str | None, now: datetime) -> bool:
    return bool(secret and token) and signing.verify(secret, LEAVE, entry.uid, token or "", now)


async def leave(session: AsyncSession, entry: WaitlistEntry, now: datetime) -> WaitlistEntry:
    """Take ``entry`` out of line (LEFT, ``ended_at``); an entry already out stays as it is.
    A seat held for it (an offer) is released at once and offered to the next in line."""
    locked = (
        await session.execute(
            select(WaitlistEntry)
            .where(
                WaitlistEntry.organization_id == entry.organization_id,
                WaitlistEntry.id == entry.id,
            )
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    if locked.status not in IN_LINE:
        return locked
    if locked.reservation_uid:
        await session.execute(
            delete(SlotReservation).where(
                SlotReservation.organization_id == locked.organization_id,
                SlotReservation.uid == locked.reservation_uid,
            )
        )
    held_seat = locked.reservation_uid is not None
    locked.status = WaitlistStatus.LEFT
    locked.ended_at = now
    await session.flush()
    if held_seat:
        et = await session.get(EventType, locked.event_type_id)
        if et is not None:
            await offers.refill(session, et, locked.start_time, now)
    return locked
