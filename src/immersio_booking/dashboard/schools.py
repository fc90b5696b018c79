"""A platform admin's list of schools (search by name or address) to pick the one shown."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from immersio_booking.dashboard.access import Staff
from immersio_booking.dashboard.rendering import page
from immersio_booking.dashboard.routing import SCHOOLS_PATH, DashboardRoute
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.errors import NotFound
from immersio_booking.organizations import repository

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

SHOWN = 50


@router.get(SCHOOLS_PATH, response_class=HTMLResponse)
async def schools(request: Request, staff: Staff, session: Session, q: str = "") -> HTMLResponse:
    if not staff.principal.is_platform_admin:
        raise NotFound("This page does not exist")
    text = q.strip()[:100]
    found = await repository.search(session, text, SHOWN + 1)
    return page(
        request,
        staff,
        "dashboard/schools.html",
        {"schools": found[:SHOWN], "more": len(found) > SHOWN, "q": text},
        section="schools",
    )
