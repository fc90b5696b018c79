"""Schedule rules: ownership, the user's default schedule, replacing rules and overrides."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.kit.errors import BadRequest, Forbidden, NotFound
from immersio_booking.kit.pagination import Page
from immersio_booking.models import Availability, Schedule, User
from immersio_booking.schedules import repository, rules
from immersio_booking.schedules.schemas import (
    DateOverrideIn,
    ScheduleCreate,
    ScheduleOut,
    SchedulePatch,
    WeeklyAvailability,
)


def _organization_of(principal: Principal) -> int:
    if principal.organization_id is None:
        raise BadRequest(
            "Schedules belong to a user of an organization", reason="organization_required"
        )
    return principal.organization_id


async def get_owned(session: AsyncSession, principal: Principal, schedule_id: int) -> Schedule:
    """The caller's schedule; an organization admin may also reach its members' schedules."""
    org_id = _organization_of(principal)
    schedule = await repository.schedule(session, org_id, schedule_id)
    if schedule is None:
        raise NotFound(f"Schedule with ID={schedule_id} does not exist.")
    if schedule.user_id != principal.user_id and not principal.is_org_admin(org_id):
        raise Forbidden(
            f"User with ID={principal.user_id} does not own schedule with ID={schedule_id}",
            reason="not_schedule_owner",
        )
    return schedule


async def to_out(session: AsyncSession, schedule: Schedule) -> ScheduleOut:
    rows = await repository.availability_of(session, schedule.organization_id, [schedule.id])
    owner = await session.get(User, schedule.user_id)
    return ScheduleOut(
        id=schedule.id,
        owner_id=schedule.user_id,
        name=schedule.name,
        time_zone=schedule.time_zone,
        availability=rules.weekly_out(rows),
        is_default=bool(owner and owner.default_schedule_id == schedule.id),
        overrides=rules.overrides_out(rows),
    )


def _add_weekly(session: AsyncSession, schedule: Schedule, items: list[WeeklyAvailability]) -> None:
    for mask, start, end in rules.weekly_rows(items):
        session.add(
            Availability(
                organization_id=schedule.organization_id,
                user_id=schedule.user_id,
                schedule_id=schedule.id,
                days=mask,
                start_time=start,
                end_time=end,
            )
        )


def _add_overrides(session: AsyncSession, schedule: Schedule, items: list[DateOverrideIn]) -> None:
    for item in items:
        session.add(
            Availability(
                organization_id=schedule.organization_id,
                user_id=schedule.user_id,
                schedule_id=schedule.id,
                days=0,
                date=item.date,
                start_time=rules.to_time(item.start_time),
                end_time=rules.to_time(item.end_time),
            )
        )


async def _set_default(session: AsyncSession, schedule: Schedule, is_default: bool) -> None:
    owner = await session.get(User, schedule.user_id)
    assert owner is not None
    if is_default:
        owner.default_schedule_id = schedule.id
    elif owner.default_schedule_id == schedule.id:
        owner.default_schedule_id = None


async def create(session: AsyncSession, principal: Principal, body: ScheduleCreate) -> ScheduleOut:
    return await create_for(session, _organization_of(principal), principal.user_id, body)


async def create_for(
    session: AsyncSession, organization_id: int, user_id: int, body: ScheduleCreate
) -> ScheduleOut:
    """A schedule of ``user_id``, a member of ``organization_id`` (checked by the caller)."""
    schedule = Schedule(
        organization_id=organization_id,
        user_id=user_id,
        name=body.name,
        time_zone=body.time_zone,
    )
    session.add(schedule)
    await session.flush()
    _add_weekly(session, schedule, body.availability)
    _add_overrides(session, schedule, body.overrides)
    await _set_default(session, schedule, body.is_default)
    await session.flush()
    return await to_out(session, schedule)


async def patch(
    session: AsyncSession, principal: Principal, schedule_id: int, body: SchedulePatch
) -> ScheduleOut:
    return await apply_patch(session, await get_owned(session, principal, schedule_id), body)


async def apply_patch(
    session: AsyncSession, schedule: Schedule, body: SchedulePatch
) -> ScheduleOut:
    if body.name is not None:
        schedule.name = body.name
    if body.time_zone is not None:
        schedule.time_zone = body.time_zone
    if body.availability is not None:
        await repository.clear_availability(session, schedule.organization_id, schedule.id, False)
        _add_weekly(session, schedule, body.availability)
    if body.overrides is not None:
        await repository.clear_availability(session, schedule.organization_id, schedule.id, True)
        _add_overrides(session, schedule, body.overrides)
    if body.is_default is not None:
        await _set_default(session, schedule, body.is_default)
    await session.flush()
    return await to_out(session, schedule)


async def delete(session: AsyncSession, principal: Principal, schedule_id: int) -> None:
    await remove(session, await get_owned(session, principal, schedule_id))


async def remove(session: AsyncSession, schedule: Schedule) -> None:
    await session.delete(schedule)
    await session.flush()


async def default_of(session: AsyncSession, principal: Principal) -> ScheduleOut | None:
    user = await session.get(User, principal.user_id)
    if user is None or user.default_schedule_id is None:
        return None
    schedule = await repository.schedule(
        session, _organization_of(principal), user.default_schedule_id
    )
    return await to_out(session, schedule) if schedule else None


async def list_mine(session: AsyncSession, principal: Principal, page: Page) -> list[ScheduleOut]:
    """A user has a handful of schedules: they are read whole and the page cut from them."""
    mine = await list_of(session, _organization_of(principal), principal.user_id)
    return mine[page.skip : page.skip + page.take]


async def list_of(session: AsyncSession, organization_id: int, user_id: int) -> list[ScheduleOut]:
    return [
        await to_out(session, s)
        for s in await repository.schedules_of(session, organization_id, user_id)
    ]
