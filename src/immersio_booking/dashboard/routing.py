"""Dashboard routes: expected failures as HTML pages (``PageRoute``), and a missing session
as a redirect to the sign-in page that comes back to the page asked for."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from immersio_booking.dashboard.access import SchoolRequired, SignInRequired
from immersio_booking.web.rendering import PageRoute

SIGN_IN_PATH = "/dashboard/sign-in"
SCHOOLS_PATH = "/dashboard/schools"


def sign_in_address(next_path: str) -> str:
    return f"{SIGN_IN_PATH}?{urlencode({'next': next_path})}"


def safe_next(candidate: str | None) -> str:
    """Where to go after signing in: a dashboard path of ours only, never another site
    (``//evil.example``, ``/\\evil``, ``https://…`` all fall back to the dashboard)."""
    if (
        candidate
        and candidate.startswith("/dashboard")
        and not candidate.startswith("//")
        and "\\" not in candidate
        and len(candidate) <= 500
    ):
        return candidate
    return "/dashboard"


def _redirect(request: Request, target: str) -> Response:
    if request.headers.get("HX-Request"):
        # htmx follows no redirect of a partial: it reloads the whole page there.
        response = Response(status_code=204)
        response.headers["HX-Redirect"] = target
        return response
    return RedirectResponse(target, status_code=303)


class DashboardRoute(PageRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def dashboard_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as missing:
                return _redirect(request, sign_in_address(missing.next_path))
            except SchoolRequired:
                return _redirect(request, SCHOOLS_PATH)

        return dashboard_handler
