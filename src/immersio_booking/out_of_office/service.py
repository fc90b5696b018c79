"""Out-of-office rules: who may manage whose entries, when an entry is valid, the substitute.

See docs/out-of-office.md. Entries of one user never overlap; the substitute is an accepted
member of the same organization, not the user themself, and not away at that time. Existing
bookings are not touched by a new entry.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.kit.errors import BadRequest, Conflict, Forbidden, NotFound
from immersio_booking.kit.locks import lock, lock_key
from immersio_booking.models import OutOfOfficeEntry, User
from immersio_booking.out_of_office import events, repository
from immersio_booking.out_of_office.schemas import (
    OutOfOfficeCreate,
    OutOfOfficeOut,
    OutOfOfficePatch,
)


@dataclass(frozen=True)
class Owner:
    """Whose entries a request manages: an accepted member of ``organization_id``."""

    organization_id: int
    user: User


def entry_out(entry: OutOfOfficeEntry) -> OutOfOfficeOut:
    return OutOfOfficeOut(
        id=entry.id,
        uuid=entry.uuid,
        user_id=entry.user_id,
        to_user_id=entry.to_user_id,
        start=entry.start_time,
        end=entry.end_time,
        reason=entry.reason,
        notes=entry.notes,
    )


async def me(session: AsyncSession, principal: Principal) -> Owner:
    """The caller as a teacher of their school (``/v2/me/ooo``)."""
    org_id = principal.organization_id
    user = await repository.member(session, org_id, principal.user_id) if org_id else None
    if org_id is None or user is None:
        raise Forbidden(
            "Out-of-office entries belong to a school's teachers and staff; this key's user is"
            " not an accepted member of an organization",
            reason="organization_member_required",
        )
    return Owner(org_id, user)


async def member_of(
    session: AsyncSession, principal: Principal, organization_id: int, user_id: int
) -> Owner:
    """``userId`` of the organization: the user themself, or an OWNER/ADMIN for a member.
    A user outside the organization is not found (404), whoever asks."""
    user = await repository.member(session, organization_id, user_id)
    if user is None:
        raise NotFound("User not found")
    if principal.user_id != user_id:
        principal.require_org_admin(organization_id)
    return Owner(organization_id, user)


async def _entry(session: AsyncSession, owner: Owner, entry_id: int) -> OutOfOfficeEntry:
    found = await repository.entry(session, owner.organization_id, owner.user.id, entry_id)
    if found is None:
        raise NotFound("Out-of-office entry not found", reason="out_of_office_not_found")
    return found


async def _check(
    session: AsyncSession,
    owner: Owner,
    start: datetime,
    end: datetime,
    to_user_id: int | None,
    except_id: int | None = None,
) -> None:
    """Under the locks of the user and the substitute: the period, overlaps, the substitute."""
    if end <= start:
        raise BadRequest(
            "end must be after start", reason="invalid_period", details={"field": "end"}
        )
    org_id, user_id = owner.organization_id, owner.user.id
    keys = [lock_key("out-of-office", user_id)]
    if to_user_id is not None:
        keys.append(lock_key("out-of-office", to_user_id))
    # Both users' entries are read below: two requests deciding on them go one at a time.
    await lock(session, *keys)
    clash = await repository.overlapping(session, org_id, user_id, start, end, except_id)
    if clash is not None:
        raise Conflict(
            "This period overlaps another out-of-office entry of the same user",
            reason="out_of_office_overlap",
            details={"overlapsId": clash.id},
        )
    if to_user_id is None:
        return
    if to_user_id == user_id:
        raise BadRequest(
            "toUserId must name someone else: a teacher cannot stand in for themself",
            reason="substitute_is_self",
        )
    if await repository.member(session, org_id, to_user_id) is None:
        raise BadRequest(
            "toUserId must be an accepted member of the same organization",
            reason="substitute_not_in_organization",
        )
    away = await repository.overlapping(session, org_id, to_user_id, start, end)
    if away is not None:
        raise Conflict(
            "The substitute is out of office during this period",
            reason="substitute_out_of_office",
        )


async def create(session: AsyncSession, owner: Owner, body: OutOfOfficeCreate) -> OutOfOfficeEntry:
    await _check(session, owner, body.start, body.end, body.to_user_id)
    entry = OutOfOfficeEntry(
        organization_id=owner.organization_id,
        uuid=str(uuid.uuid4()),
        user_id=owner.user.id,
        to_user_id=body.to_user_id,
        start_time=body.start,
        end_time=body.end,
        reason=body.reason,
        notes=body.notes,
    )
    session.add(entry)
    await session.flush()
    await events.created(session, entry)
    return entry


async def update(
    session: AsyncSession, owner: Owner, entry_id: int, body: OutOfOfficePatch
) -> OutOfOfficeEntry:
    entry = await _entry(session, owner, entry_id)
    changes = body.model_dump(exclude_unset=True)
    for field in ("start", "end", "reason"):
        if field in changes and changes[field] is None:
            raise BadRequest(f"{field} cannot be null", reason="validation_failed")
    start = changes.get("start", entry.start_time)
    end = changes.get("end", entry.end_time)
    to_user_id = changes["to_user_id"] if "to_user_id" in changes else entry.to_user_id
    await _check(session, owner, start, end, to_user_id, except_id=entry.id)
    entry.start_time, entry.end_time, entry.to_user_id = start, end, to_user_id
    if "reason" in changes:
        entry.reason = changes["reason"]
    if "notes" in changes:
        entry.notes = changes["notes"]
    await session.flush()
    return entry


async def delete(session: AsyncSession, owner: Owner, entry_id: int) -> OutOfOfficeOut:
    entry = await _entry(session, owner, entry_id)
    out = entry_out(entry)
    await session.delete(entry)
    await session.flush()
    return out
