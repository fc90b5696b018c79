"""Dashboard pages: the pages' renderer (CSP, CSRF cookie, language) with the staff member,
the school and the navigation the role may see. Never indexed, never framed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from immersio_booking.dashboard.access import StaffContext
from immersio_booking.web.rendering import render


@dataclass(frozen=True)
class NavItem:
    key: str
    path: str
    staff_only: bool  # shown to OWNER/ADMIN (and platform admins) only


# Each item's label is translated in ``dashboard/layout.html`` (by its key).
NAVIGATION = (
    NavItem("today", "/dashboard", False),
    NavItem("workshops", "/dashboard/workshops", True),
    NavItem("availability", "/dashboard/availability", False),
    NavItem("bookings", "/dashboard/bookings", False),
    NavItem("students", "/dashboard/students", True),
    NavItem("settings", "/dashboard/settings", True),
)


def navigation(staff: StaffContext) -> list[NavItem]:
    return [item for item in NAVIGATION if staff.is_school_admin or not item.staff_only]


def page(
    request: Request,
    staff: StaffContext,
    template: str,
    context: dict[str, Any],
    *,
    section: str,
    status_code: int = 200,
    frames_self: bool = False,
) -> HTMLResponse:
    """A dashboard page: ``section`` is the navigation key shown as current; ``frames_self``
    lets it frame our own pages (the landing editor's preview)."""
    return render(
        request,
        template,
        {
            "staff": staff,
            "navigation": navigation(staff),
            "section": section,
            **context,
        },
        status_code=status_code,
        with_csrf=True,
        robots="noindex",
        frames_self=frames_self,
    )
