"""``/v2/event-types`` (Cal.com 2024-06-14) and the organization's team event types."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, status

from immersio_booking.auth.dependencies import AuthSubject, OptionalAuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.event_types import repository, service
from immersio_booking.event_types.dependencies import TeamInOrganization
from immersio_booking.event_types.public import public_view
from immersio_booking.event_types.schemas import (
    DeletedEventType,
    EventTypeCreate,
    EventTypeOut,
    EventTypePatch,
    TeamEventTypeCreate,
    TeamEventTypePatch,
)
from immersio_booking.kit.api_versions import V2024_06_14, versioned
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import NotFound
from immersio_booking.kit.schemas import Envelope, ResourceId, ok
from immersio_booking.models import EventType
from immersio_booking.organizations import repository as org_repository
from immersio_booking.tenancy.dependencies import ReadableOrganization

router = APIRouter(tags=["Event types"])
# The caller's own event types answer Cal.com 2024-06-14; the legacy handlers of these paths
# (2024-04-15, 2024-06-11) are in event_types/legacy.py. Team routes answer every version.
personal = APIRouter(tags=["Event types"], route_class=versioned(V2024_06_14))


def _base_url(request: Request) -> str:
    return str(app_settings(request).public_base_url)


async def _outs(session: Session, request: Request, ets: list[EventType]) -> list[EventTypeOut]:
    return await service.to_out(session, ets, _base_url(request))


@personal.post("/v2/event-types", status_code=status.HTTP_201_CREATED)
async def create_event_type(
    body: EventTypeCreate, principal: AuthSubject, session: Session, request: Request
) -> Envelope[EventTypeOut]:
    """A workshop of the caller (the plan's ``max_event_types`` applies)."""
    et = await service.create_personal(session, principal, body)
    return ok((await _outs(session, request, [et]))[0])


@personal.get("/v2/event-types")
async def list_event_types(
    principal: OptionalAuthSubject,
    session: Session,
    request: Request,
    username: Annotated[str | None, Query(max_length=255)] = None,
    eventSlug: Annotated[str | None, Query(max_length=255)] = None,  # noqa: N803
    orgSlug: Annotated[str | None, Query(max_length=255)] = None,  # noqa: N803
    orgId: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,  # noqa: N803
    sortCreatedAt: Literal["asc", "desc"] | None = None,  # noqa: N803
) -> Envelope[list[EventTypeOut]]:
    """The caller's workshops; with ``username`` (+ ``orgSlug``/``orgId``) someone's public ones.

    Read by anyone but the school's own staff, a workshop shows only its public locations and
    no user metadata.
    """
    newest_first = sortCreatedAt == "desc"
    staff = True
    if username is None:
        if principal is None or principal.organization_id is None:
            return ok([])
        ets = await repository.of_user(
            session, principal.organization_id, principal.user_id, True, newest_first
        )
    else:
        org_id = orgId
        if orgSlug is not None:
            org = await org_repository.by_slug(session, orgSlug)
            if org is None:
                return ok([])
            org_id = org.id
        user = await repository.user_in_org_by_username(session, org_id, username)
        if user is None or user.organization_id is None:
            return ok([])
        own = principal is not None and principal.user_id == user.id
        ets = await repository.of_user(session, user.organization_id, user.id, own, newest_first)
        staff = principal is not None and principal.can_see_organization(user.organization_id)
    if eventSlug is not None:
        ets = [et for et in ets if et.slug == eventSlug]
    outs = await _outs(session, request, ets)
    return ok(outs if staff else [public_view(out) for out in outs])


@personal.get("/v2/event-types/{eventTypeId}")
async def get_event_type(
    eventTypeId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
    request: Request,
) -> Envelope[EventTypeOut]:
    et = await service.readable(session, principal, eventTypeId)
    return ok((await _outs(session, request, [et]))[0])


@personal.patch("/v2/event-types/{eventTypeId}")
async def patch_event_type(
    eventTypeId: ResourceId,  # noqa: N803
    body: EventTypePatch,
    principal: AuthSubject,
    session: Session,
    request: Request,
) -> Envelope[EventTypeOut]:
    et = await service.readable(session, principal, eventTypeId)
    et = await service.patch(session, principal, et, body)
    return ok((await _outs(session, request, [et]))[0])


@personal.delete("/v2/event-types/{eventTypeId}")
async def delete_event_type(
    eventTypeId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Envelope[DeletedEventType]:
    et = await service.readable(session, principal, eventTypeId)
    return ok(await service.delete(session, principal, et))


router.include_router(personal)

TEAM_PATH = "/v2/organizations/{orgId}/teams/{teamId}/event-types"


@router.get("/v2/organizations/{orgId}/teams/event-types")
async def list_all_team_event_types(
    org: ReadableOrganization, session: Session, request: Request
) -> Envelope[list[EventTypeOut]]:
    """Every team workshop of the organization."""
    return ok(await _outs(session, request, await repository.of_team(session, org.id, None)))


@router.post(TEAM_PATH, status_code=status.HTTP_201_CREATED)
async def create_team_event_type(
    team: TeamInOrganization,
    body: TeamEventTypeCreate,
    principal: AuthSubject,
    session: Session,
    request: Request,
) -> Envelope[EventTypeOut]:
    """A team workshop: COLLECTIVE (all hosts free) or ROUND_ROBIN (any host free)."""
    et = await service.create_for_team(session, principal, team, body)
    return ok((await _outs(session, request, [et]))[0])


@router.get(TEAM_PATH)
async def list_team_event_types(
    team: TeamInOrganization,
    session: Session,
    request: Request,
    eventSlug: Annotated[str | None, Query(max_length=255)] = None,  # noqa: N803
) -> Envelope[list[EventTypeOut]]:
    ets = await repository.of_team(session, team.organization_id or team.id, team.id)
    if eventSlug is not None:
        ets = [et for et in ets if et.slug == eventSlug]
    return ok(await _outs(session, request, ets))


async def _team_event_type(session: Session, team_org: int, team_id: int, et_id: int) -> EventType:
    et = await repository.event_type(session, team_org, et_id)
    if et is None or et.team_id != team_id:
        raise NotFound(f"Event type with id {et_id} not found")
    return et


@router.get(TEAM_PATH + "/{eventTypeId}")
async def get_team_event_type(
    team: TeamInOrganization,
    eventTypeId: ResourceId,  # noqa: N803
    session: Session,
    request: Request,
) -> Envelope[EventTypeOut]:
    et = await _team_event_type(session, team.organization_id or team.id, team.id, eventTypeId)
    return ok((await _outs(session, request, [et]))[0])


@router.patch(TEAM_PATH + "/{eventTypeId}")
async def patch_team_event_type(
    team: TeamInOrganization,
    eventTypeId: ResourceId,  # noqa: N803
    body: TeamEventTypePatch,
    principal: AuthSubject,
    session: Session,
    request: Request,
) -> Envelope[EventTypeOut]:
    et = await _team_event_type(session, team.organization_id or team.id, team.id, eventTypeId)
    et = await service.patch(session, principal, et, body)
    return ok((await _outs(session, request, [et]))[0])


@router.delete(TEAM_PATH + "/{eventTypeId}")
async def delete_team_event_type(
    team: TeamInOrganization,
    eventTypeId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Envelope[DeletedEventType]:
    et = await _team_event_type(session, team.organization_id or team.id, team.id, eventTypeId)
    return ok(await service.delete(session, principal, et))
