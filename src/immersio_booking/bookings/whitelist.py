"""``/v2/event-types/{eventTypeId}/whitelist``: the students allowed to book a workshop."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy.exc import IntegrityError

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.bookings import repository
from immersio_booking.bookings.schemas import WhitelistEntryIn, WhitelistEntryOut
from immersio_booking.db.dependencies import Session
from immersio_booking.event_types import service as event_types
from immersio_booking.kit.errors import Conflict, NotFound
from immersio_booking.kit.schemas import Envelope, ResourceId, ok
from immersio_booking.models import WorkshopWhitelist

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
    await event_types.ensure_may_edit(session, principal, et)
    email = str(body.email).strip().lower()
    if await repository.on_whitelist(session, et.organization_id, et.id, email):
        raise Conflict(f"{email} is already on this workshop's list", reason="already_whitelisted")
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
            raise Conflict(
                f"{email} is already on this workshop's list", reason="already_whitelisted"
            ) from exc
    await session.refresh(entry)
    return ok(WhitelistEntryOut.model_validate(entry))


@router.delete("/{entryId}")
async def remove_from_whitelist(
    eventTypeId: ResourceId,  # noqa: N803
    entryId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Envelope[WhitelistEntryOut]:
    et = await event_types.readable(session, principal, eventTypeId)
    await event_types.ensure_may_edit(session, principal, et)
    entry = await repository.whitelist_entry(session, et.organization_id, et.id, entryId)
    if entry is None:
        raise NotFound("Whitelist entry not found")
    out = WhitelistEntryOut.model_validate(entry)
    await session.delete(entry)
    await session.flush()
    return ok(out)
