"""``/v2/event-types/{eventTypeId}/whitelist``: the students allowed to book a workshop."""

from __future__ import annotations

from fastapi import APIRouter, status

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.event_types import service as event_types
from immersio_booking.kit.schemas import Envelope, ResourceId, ok
from immersio_booking.whitelist import entries, repository
from immersio_booking.whitelist.schemas import WhitelistEntryIn, WhitelistEntryOut

router = APIRouter(prefix="/v2/event-types/{eventTypeId}/whitelist", tags=["Whitelist"])


@router.get("")
async def list_whitelist(
    eventTypeId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Envelope[list[WhitelistEntryOut]]:
    et = await event_types.readable(session, principal, eventTypeId)
    rows = await repository.whitelist(session, et.organization_id, et.id)
    return ok([WhitelistEntryOut.model_validate(r) for r in rows])


@router.post("", status_code=status.HTTP_201_CREATED)
async def add_to_whitelist(
    eventTypeId: ResourceId,  # noqa: N803
    body: WhitelistEntryIn,
    principal: AuthSubject,
    session: Session,
) -> Envelope[WhitelistEntryOut]:
    """Allow a student (email trimmed and lower-cased; a duplicate is 409)."""
    et = await event_types.readable(session, principal, eventTypeId)
    entry = await entries.add(session, principal, et, body)
    return ok(WhitelistEntryOut.model_validate(entry))


@router.delete("/{entryId}")
async def remove_from_whitelist(
    eventTypeId: ResourceId,  # noqa: N803
    entryId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Envelope[WhitelistEntryOut]:
    et = await event_types.readable(session, principal, eventTypeId)
    return ok(await entries.remove(session, principal, et, entryId))
