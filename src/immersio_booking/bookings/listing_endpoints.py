"""``GET /v2/organizations/{orgId}/bookings`` and ``.../teams/{teamId}/bookings``: the same
listing, filters and sorts as ``GET /v2/bookings``, over a whole school or one of its teams."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.bookings import listing, output
from immersio_booking.bookings.listing_query import BookingsListing, BookingsListingParams
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import NotFound, RoleRequired
from immersio_booking.kit.pagination import Pagination
from immersio_booking.kit.schemas import ResourceId
from immersio_booking.models import Booking
from immersio_booking.teams import service as teams
from immersio_booking.tenancy.dependencies import ReadableOrganization

router = APIRouter(prefix="/v2/organizations/{orgId}", tags=["Organization bookings"])


async def listing_reply(
    session: AsyncSession,
    request: Request,
    audience: listing.Audience | None,
    asked: BookingsListing,
) -> JSONResponse:
    """One page of the audience's bookings in Cal.com's shape (data + pagination object);
    no audience (a caller outside any organization) sees an empty page."""
    rows: list[Booking] = []
    total = 0
    if audience is not None:
        rows, total = await listing.list_in(session, audience, asked.query, asked.page, clock.now())
    items = await output.as_json(session, app_settings(request), rows, False)
    return JSONResponse(
        {
            "status": "success",
            "data": items,
            "pagination": Pagination.of(total, asked.page).model_dump(by_alias=True),
        }
    )


@router.get("/bookings")
async def organization_bookings(
    org: ReadableOrganization,
    principal: AuthSubject,
    session: Session,
    request: Request,
    asked: BookingsListingParams,
) -> JSONResponse:
    """Every booking of the school (OWNER/ADMIN), with the filters of ``GET /v2/bookings``."""
    principal.require_org_admin(org.id)
    return await listing_reply(session, request, listing.Audience(org.id), asked)


@router.get("/teams/{teamId}/bookings")
async def team_bookings(
    org: ReadableOrganization,
    teamId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
    request: Request,
    asked: BookingsListingParams,
) -> JSONResponse:
    """Bookings of the team's workshops, for its members and the school's OWNER/ADMIN."""
    team = await teams.get(session, org.id, teamId)
    if not teams.can_see_members(principal, org.id, team):
        raise NotFound("Team not found")
    if team.id not in principal.roles and not principal.is_org_admin(org.id):
        raise RoleRequired(
            "Only members of this team or organization OWNER/ADMIN may list its bookings"
        )
    return await listing_reply(session, request, listing.Audience(org.id, team_id=team.id), asked)
