"""Workshop rules: who may create and edit, plan limits, schedules, hosts of team workshops."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking import global_lookups
from immersio_booking.auth.principal import ADMIN_ROLES, Principal
from immersio_booking.event_types import events, mapping, repository
from immersio_booking.event_types.schemas import (
    DeletedEventType,
    EventTypeCreate,
    EventTypeOut,
    EventTypePatch,
    EventTypeTeam,
    EventTypeUser,
    Host,
    HostOut,
    TeamEventTypeCreate,
    TeamEventTypePatch,
)
from immersio_booking.kit.errors import BadRequest, Forbidden, NotFound
from immersio_booking.kit.locks import lock, lock_key
from immersio_booking.models import EventType, EventTypeHost, Team, User
from immersio_booking.schedules import repository as schedules_repository
from immersio_booking.subscriptions import service as subscriptions
from immersio_booking.tenancy import repository as tenancy_repository

SCHEDULING_TYPES = {
    "collective": "COLLECTIVE",
    "roundRobin": "ROUND_ROBIN",
    "COLLECTIVE": "COLLECTIVE",
    "ROUND_ROBIN": "ROUND_ROBIN",
}


def _organization_of(principal: Principal) -> int:
    if principal.organization_id is None or principal.organization_id not in principal.roles:
        raise BadRequest(
            "Workshops belong to an organization; this user has none",
            reason="organization_required",
        )
    return principal.organization_id


async def ensure_may_edit(session: AsyncSession, principal: Principal, et: EventType) -> None:
    """Owner or team admin may edit; organization OWNER/ADMIN always; with
    ``lockEventTypeCreation`` only OWNER/ADMIN."""
    if principal.is_org_admin(et.organization_id):
        return
    settings = await tenancy_repository.settings_of(session, et.organization_id)
    if settings is not None and settings.lock_event_type_creation:
        raise Forbidden(
            "Only organization OWNER/ADMIN may create or edit workshops here",
            reason="event_type_creation_locked",
        )
    if et.team_id is not None:
        if principal.roles.get(et.team_id) in ADMIN_ROLES:
            return
    elif et.user_id == principal.user_id:
        return
    raise Forbidden(
        f"User with ID={principal.user_id} does not own event type with ID={et.id}",
        reason="not_event_type_owner",
    )


async def ensure_may_create(session: AsyncSession, principal: Principal, org_id: int) -> None:
    if principal.is_org_admin(org_id):
        return
    settings = await tenancy_repository.settings_of(session, org_id)
    if settings is not None and settings.lock_event_type_creation:
        raise Forbidden(
            "Only organization OWNER/ADMIN may create or edit workshops here",
            reason="event_type_creation_locked",
        )


async def _reserve_slot_in_plan(session: AsyncSession, org_id: int) -> None:
    await lock(session, lock_key("org-event-types", org_id))
    await subscriptions.ensure_within(
        session, org_id, "max_event_types", await repository.count(session, org_id)
    )


async def _ensure_slug_free(
    session: AsyncSession, org_id: int, slug: str, except_id: int | None = None
) -> None:
    existing = await repository.by_slug(session, org_id, slug)
    if existing is not None and existing.id != except_id:
        raise BadRequest(
            f"The organization already has a workshop with the slug '{slug}'.",
            reason="slug_taken",
        )


async def _check_schedule(
    session: AsyncSession, org_id: int, owner_id: int | None, schedule_id: int | None
) -> None:
    """A personal workshop uses one of its owner's schedules; a team one any of the org's."""
    if schedule_id is None:
        return
    schedule = await schedules_repository.schedule(session, org_id, schedule_id)
    if schedule is None or (owner_id is not None and schedule.user_id != owner_id):
        raise NotFound(
            f"User with ID={owner_id} does not own schedule with ID={schedule_id}"
            if owner_id is not None
            else f"Schedule with ID={schedule_id} does not exist.",
            reason="schedule_not_found",
        )


async def create_personal(
    session: AsyncSession, principal: Principal, body: EventTypeCreate
) -> EventType:
    org_id = _organization_of(principal)
    await ensure_may_create(session, principal, org_id)
    await _reserve_slot_in_plan(session, org_id)
    await _ensure_slug_free(session, org_id, body.slug)
    await _check_schedule(session, org_id, principal.user_id, body.schedule_id)
    et = EventType(organization_id=org_id, user_id=principal.user_id, extra={})
    mapping.apply(et, body, creating=True)
    session.add(et)
    await session.flush()
    return et


async def _set_hosts(
    session: AsyncSession,
    et: EventType,
    team: Team,
    hosts: Sequence[Host] | None,
    all_members: bool,
) -> None:
    members = set(await repository.accepted_member_ids(session, et.organization_id, team.id))
    wanted: list[Host]
    if all_members:
        wanted = [Host(user_id=user_id) for user_id in sorted(members)]
    else:
        wanted = list(hosts or [])
    unknown = sorted({h.user_id for h in wanted} - members)
    if unknown:
        raise BadRequest(
            f"Hosts must be accepted members of the team: {', '.join(map(str, unknown))}",
            reason="host_not_in_team",
        )
    if len({h.user_id for h in wanted}) != len(wanted):
        raise BadRequest("A host is listed twice", reason="duplicate_host")
    for existing, _ in await repository.hosts(session, et.organization_id, [et.id]):
        await session.delete(existing)
    await session.flush()
    for host in wanted:
        session.add(
            EventTypeHost(
                organization_id=et.organization_id,
                event_type_id=et.id,
                user_id=host.user_id,
                mandatory=host.mandatory,
                priority=host.priority,
            )
        )
    await session.flush()


async def create_for_team(
    session: AsyncSession, principal: Principal, team: Team, body: TeamEventTypeCreate
) -> EventType:
    org_id = team.organization_id or team.id
    if principal.roles.get(team.id) not in ADMIN_ROLES:
        principal.require_org_admin(org_id)
    await _reserve_slot_in_plan(session, org_id)
    await _ensure_slug_free(session, org_id, body.slug)
    await _check_schedule(session, org_id, None, body.schedule_id)
    et = EventType(
        organization_id=org_id,
        team_id=team.id,
        scheduling_type=SCHEDULING_TYPES[body.scheduling_type],
        extra={},
    )
    mapping.apply(et, body, creating=True)
    session.add(et)
    await session.flush()
    await _set_hosts(session, et, team, body.hosts, body.assign_all_team_members)
    return et


async def patch(
    session: AsyncSession, principal: Principal, et: EventType, body: EventTypePatch
) -> EventType:
    await ensure_may_edit(session, principal, et)
    if body.slug is not None and body.slug != et.slug:
        await _ensure_slug_free(session, et.organization_id, body.slug, except_id=et.id)
    if "schedule_id" in body.model_fields_set:
        await _check_schedule(session, et.organization_id, et.user_id, body.schedule_id)
    seats_before = et.seats_per_time_slot
    mapping.apply(et, body, creating=False)
    options = et.length_options
    if options and et.length not in options:
        raise BadRequest(
            "lengthInMinutesOptions must include lengthInMinutes", reason="validation_failed"
        )
    if isinstance(body, TeamEventTypePatch) and et.team_id is not None:
        if body.scheduling_type is not None:
            et.scheduling_type = SCHEDULING_TYPES[body.scheduling_type]
        if body.hosts is not None or body.assign_all_team_members:
            team = await session.get(Team, et.team_id)
            assert team is not None
            await _set_hosts(session, et, team, body.hosts, bool(body.assign_all_team_members))
    await session.flush()
    if seats_before and et.seats_per_time_slot and et.seats_per_time_slot > seats_before:
        await events.seats_raised(session, et)  # the waitlist offers the new seats
    return et


async def delete(session: AsyncSession, principal: Principal, et: EventType) -> DeletedEventType:
    await ensure_may_edit(session, principal, et)
    out = DeletedEventType(id=et.id, length_in_minutes=et.length, slug=et.slug, title=et.title)
    await session.delete(et)
    await session.flush()
    return out


async def readable(session: AsyncSession, principal: Principal, event_type_id: int) -> EventType:
    """An event type of the caller's organization (404 otherwise, whatever exists elsewhere)."""
    org_id = principal.organization_id
    et = await repository.event_type(session, org_id, event_type_id) if org_id else None
    if et is None and principal.is_platform_admin:
        et = await global_lookups.public_event_type(session, event_type_id)
    if et is None or not principal.can_see_organization(et.organization_id):
        raise NotFound(f"Event type with id {event_type_id} not found")
    return et


def _user_out(user: User) -> EventTypeUser:
    return EventTypeUser(
        id=user.id, name=user.name, username=user.username, metadata=user.metadata_ or {}
    )


async def to_out(
    session: AsyncSession, event_types: Sequence[EventType], base_url: str
) -> list[EventTypeOut]:
    if not event_types:
        return []
    org_ids = {et.organization_id for et in event_types}
    orgs = {oid: await repository.organization(session, oid) for oid in org_ids}
    hosts_by_type: dict[int, list[tuple[EventTypeHost, User]]] = {}
    for org_id in org_ids:
        ids = [et.id for et in event_types if et.organization_id == org_id and et.team_id]
        for host, user in await repository.hosts(session, org_id, ids):
            hosts_by_type.setdefault(host.event_type_id, []).append((host, user))
    out = []
    for et in event_types:
        org = orgs[et.organization_id]
        url = f"{base_url}/{org.slug if org else ''}/{et.slug}"
        if et.team_id is None:
            owner = await session.get(User, et.user_id) if et.user_id else None
            out.append(
                mapping.to_out(et, users=[_user_out(owner)] if owner else [], booking_url=url)
            )
            continue
        team = await session.get(Team, et.team_id)
        pairs = hosts_by_type.get(et.id, [])
        out.append(
            mapping.to_out(
                et,
                users=[_user_out(u) for _, u in pairs],
                hosts=[
                    HostOut(
                        user_id=h.user_id,
                        mandatory=h.mandatory,
                        priority=h.priority,
                        name=u.name,
                        username=u.username,
                    )
                    for h, u in pairs
                ],
                team=EventTypeTeam.model_validate(team) if team else None,
                booking_url=url,
            )
        )
    return out
