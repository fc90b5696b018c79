"""School settings: who may open them (OWNER/ADMIN of the school shown, platform admins) and
their index page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from immersio_booking.dashboard.access import Staff, StaffContext
from immersio_booking.dashboard.rendering import page
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.models import Team

SETTINGS = "/dashboard/settings"

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


def school_of(staff: StaffContext) -> Team:
    """The school whose settings these are; a teacher is told the page does not exist."""
    staff.require_school_admin()
    return staff.chosen_school()


@router.get(SETTINGS, response_class=HTMLResponse)
async def settings_index(request: Request, staff: Staff) -> HTMLResponse:
    school_of(staff)
    return settings_page(request, staff, "dashboard/settings.html", {})


def settings_page(
    request: Request,
    staff: StaffContext,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    shows_a_secret: bool = False,
    frames_self: bool = False,
) -> HTMLResponse:
    """A page of the school settings, told what the last change did (``?done=``); one that may
    show a new secret (once) is never stored by the browser; ``frames_self`` as ``page``."""
    response = page(
        request,
        staff,
        template,
        {"done": request.query_params.get("done"), **context},
        section="settings",
        status_code=status_code,
        frames_self=frames_self,
    )
    if shows_a_secret:
        response.headers["Cache-Control"] = "no-store"
    return response
