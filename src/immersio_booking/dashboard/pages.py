"""The dashboard's own pages: choosing the school, signing out (the home page, "Today", is
``dashboard.today``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from immersio_booking.auth import staff_sessions
from immersio_booking.dashboard.access import Staff
from immersio_booking.dashboard.forms import checked_form
from immersio_booking.dashboard.routing import SIGN_IN_PATH, DashboardRoute
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock
from immersio_booking.kit.errors import BadRequest, NotFound

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


@router.post("/dashboard/school")
async def choose_school(request: Request, staff: Staff, session: Session) -> Response:
    """Switch the school shown: one the user belongs to (any school for a platform admin)."""
    form = await checked_form(request)
    raw = form.get("organization_id")
    try:
        chosen = int(raw) if isinstance(raw, str) else None
    except ValueError:
        chosen = None
    if chosen is None:
        raise BadRequest("Choose a school", reason="invalid_school")
    if not staff.principal.can_see_organization(chosen):
        raise NotFound("This school does not exist")
    await staff_sessions.choose_organization(session, staff.session_id, chosen)
    return RedirectResponse("/dashboard", status_code=303)


@router.post("/dashboard/sign-out")
async def sign_out(request: Request, staff: Staff, session: Session) -> Response:
    form = await checked_form(request)
    now = clock.now()
    if form.get("everywhere") == "1":
        await staff_sessions.close_all(session, staff.user.id, now)
    else:
        await staff_sessions.close(session, staff.session_id, now)
    response = RedirectResponse(SIGN_IN_PATH, status_code=303)
    response.delete_cookie(staff_sessions.COOKIE, path="/dashboard")
    return response
