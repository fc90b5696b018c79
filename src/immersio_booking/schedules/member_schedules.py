"""``/v2/organizations/{orgId}/users/{userId}/schedules`` (Cal.com): a member's schedules.

An organization OWNER/ADMIN manages any member's schedules; a member only their own (another
member's → 403). A user outside the organization, a schedule of someone else, and anything of
another organization are not found (404).
"""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.auth.principal import Principal
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.errors import NotFound, RoleRequired
from immersio_booking.kit.schemas import EmptyEnvelope, Envelope, ResourceId, ok
from immersio_booking.models import Schedule, Team
from immersio_booking.schedules import repository, service
from immersio_booking.schedules.schemas import ScheduleCreate, ScheduleOut, SchedulePatch
from immersio_booking.tenancy.dependencies import ReadableOrganization

router = APIRouter(
    prefix="/v2/organizations/{orgId}/users/{userId}/schedules", tags=["Organization schedules"]
)


async def _member(session: AsyncSession, principal: Principal, org: Team, user_id: int) -> int:
    if not await repository.is_member(session, org.id, user_id):
        raise NotFound(f"User with ID={user_id} is not a member of this organization.")
    if user_id != principal.user_id and not principal.is_org_admin(org.id):
        raise RoleRequired(
            "Only an organization OWNER or ADMIN may manage another member's schedules",
            reason="role_required",
        )
    return user_id


async def _schedule(
    session: AsyncSession, principal: Principal, org: Team, user_id: int, schedule_id: int
) -> Schedule:
    owner = await _member(session, principal, org, user_id)
    schedule = await repository.schedule(session, org.id, schedule_id)
    if schedule is None or schedule.user_id != owner:
        raise NotFound(f"Schedule with ID={schedule_id} does not exist.")
    return schedule


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_member_schedule(
    org: ReadableOrganization,
    userId: ResourceId,  # noqa: N803
    body: ScheduleCreate,
    principal: AuthSubject,
    session: Session,
) -> Envelope[ScheduleOut]:
    """A schedule of the member; ``isDefault`` makes it their default."""
    owner = await _member(session, principal, org, userId)
    return ok(await service.create_for(session, org.id, owner, body))


@router.get("")
async def list_member_schedules(
    org: ReadableOrganization,
    userId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Envelope[list[ScheduleOut]]:
    owner = await _member(session, principal, org, userId)
    return ok(await service.list_of(session, org.id, owner))


@router.get("/{scheduleId}")
async def get_member_schedule(
    org: ReadableOrganization,
    userId: ResourceId,  # noqa: N803
    scheduleId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Envelope[ScheduleOut]:
    schedule = await _schedule(session, principal, org, userId, scheduleId)
    return ok(await service.to_out(session, schedule))


@router.patch("/{scheduleId}")
async def patch_member_schedule(
    org: ReadableOrganization,
    userId: ResourceId,  # noqa: N803
    scheduleId: ResourceId,  # noqa: N803
    body: SchedulePatch,
    principal: AuthSubject,
    session: Session,
) -> Envelope[ScheduleOut]:
    """Given ``availability`` or ``overrides`` arrays replace the stored ones."""
    schedule = await _schedule(session, principal, org, userId, scheduleId)
    return ok(await service.apply_patch(session, schedule, body))


@router.delete("/{scheduleId}")
async def delete_member_schedule(
    org: ReadableOrganization,
    userId: ResourceId,  # noqa: N803
    scheduleId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> EmptyEnvelope:
    await service.remove(session, await _schedule(session, principal, org, userId, scheduleId))
    return EmptyEnvelope()
