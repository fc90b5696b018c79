"""Adding and removing one student of a workshop's whitelist (the API and the dashboard)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.event_types import service as event_types
from immersio_booking.kit.errors import Conflict, NotFound
from immersio_booking.models import EventType, WorkshopWhitelist
from immersio_booking.whitelist import repository
from immersio_booking.whitelist.schemas import WhitelistEntryIn, WhitelistEntryOut


def _already(email: str) -> Conflict:
    return Conflict(f"{email} is already on this workshop's list", reason="already_whitelisted")


async def add(
    session: AsyncSession, principal: Principal, et: EventType, body: WhitelistEntryIn
) -> WorkshopWhitelist:
    """Allow a student (email trimmed and lower-cased; a duplicate is 409)."""
    await event_types.ensure_may_edit(session, principal, et)
    email = str(body.email).strip().lower()
    if await repository.on_whitelist(session, et.organization_id, et.id, email):
        raise _already(email)
    entry = WorkshopWhitelist(
        organization_id=et.organization_id,
        event_type_id=et.id,
        email=email,
        name=body.name,
        immersio_student_id=body.immersio_student_id,
        added_by=principal.user_id,
    )
    async with session.begin_nested():
        session.add(entry)
        try:
            await session.flush()
        except IntegrityError as exc:  # the same email added in parallel
            raise _already(email) from exc
    await session.refresh(entry)
    return entry


async def remove(
    session: AsyncSession, principal: Principal, et: EventType, entry_id: int
) -> WhitelistEntryOut:
    """Take a student off the list; the entry as it was."""
    await event_types.ensure_may_edit(session, principal, et)
    entry = await repository.whitelist_entry(session, et.organization_id, et.id, entry_id)
    if entry is None:
        raise NotFound("Whitelist entry not found")
    out = WhitelistEntryOut.model_validate(entry)
    await session.delete(entry)
    await session.flush()
    return out
