"""``/v2/schedules`` (Cal.com 2024-06-11): the caller's weekly hours and date overrides."""

from __future__ import annotations

from fastapi import APIRouter, status

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.api_versions import V2024_06_11, V2024_06_14, versioned
from immersio_booking.kit.pagination import PageParams
from immersio_booking.kit.schemas import EmptyEnvelope, Envelope, ResourceId, ok
from immersio_booking.schedules import service
from immersio_booking.schedules.schemas import ScheduleCreate, ScheduleOut, SchedulePatch

# Cal.com registers the same controller for 2024-06-11 and 2024-06-14.
router = APIRouter(
    prefix="/v2/schedules",
    tags=["Schedules"],
    route_class=versioned(V2024_06_11, V2024_06_14),
)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_schedule(
    body: ScheduleCreate, principal: AuthSubject, session: Session
) -> Envelope[ScheduleOut]:
    """A schedule of the caller; ``isDefault`` makes it the one event types use by default."""
    return ok(await service.create(session, principal, body))


@router.get("")
async def list_schedules(
    principal: AuthSubject, session: Session, page: PageParams
) -> Envelope[list[ScheduleOut]]:
    """The caller's schedules, oldest first; ``take``/``skip`` page them (Cal.com's route has
    no paging and drops them; clients such as MCP servers send ``take``)."""
    return ok(await service.list_mine(session, principal, page))


@router.get("/default")
async def default_schedule(
    principal: AuthSubject, session: Session
) -> Envelope[ScheduleOut | None]:
    """The caller's default schedule, or ``null``."""
    return ok(await service.default_of(session, principal))


@router.get("/{scheduleId}")
async def get_schedule(
    scheduleId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Envelope[ScheduleOut]:
    return ok(
        await service.to_out(session, await service.get_owned(session, principal, scheduleId))
    )


@router.patch("/{scheduleId}")
async def patch_schedule(
    scheduleId: ResourceId,  # noqa: N803
    body: SchedulePatch,
    principal: AuthSubject,
    session: Session,
) -> Envelope[ScheduleOut]:
    """Given ``availability`` or ``overrides`` arrays replace the stored ones."""
    return ok(await service.patch(session, principal, scheduleId, body))


@router.delete("/{scheduleId}")
async def delete_schedule(
    scheduleId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> EmptyEnvelope:
    await service.delete(session, principal, scheduleId)
    return EmptyEnvelope()
