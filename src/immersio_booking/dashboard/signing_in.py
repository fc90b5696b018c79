"""What the sign-in pages share: opening a session (always a new one: no session fixation)
with its cookie, the pages of a visitor not yet signed in, the lockout's keys, and emailing a
one-time link under the rate limits."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth import sign_in_links, staff_sessions
from immersio_booking.dashboard.access import lifetime
from immersio_booking.dashboard.routing import SCHOOLS_PATH, safe_next
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.models import User
from immersio_booking.notifications.staff_links import send_staff_link
from immersio_booking.ratelimits import policy
from immersio_booking.ratelimits.addresses import keyed_hash
from immersio_booking.ratelimits.policy import address_of
from immersio_booking.web.rendering import render


def email_of(form_value: object) -> str:
    return form_value.strip().lower()[:320] if isinstance(form_value, str) else ""


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    if not email:
        return None
    found = await session.execute(select(User).where(User.email == email))
    return found.scalar_one_or_none()


async def email_link(
    request: Request,
    session: AsyncSession,
    email: str,
    purpose: str,
    next_path: str | None = None,
) -> None:
    """Email a one-time ``purpose`` link to the account of ``email``, if there is one.

    A client asking too often is refused (RateLimited: the 429 page with Retry-After). An
    address asked for too often gets nothing more, and the form answers as usual: the answer
    never tells a known address from an unknown one, nor a limited one from the others."""
    await policy.enforce(request, None, *policy.STAFF_LINKS_PER_ADDRESS)
    if not email or not await policy.allows(request, *policy.staff_links_to(email)):
        return
    user = await user_by_email(session, email)
    if user is not None:
        link, raw = await sign_in_links.issue(session, user.id, purpose, clock.now())
        await send_staff_link(session, app_settings(request), link, raw, next_path)


def email_key(request: Request, email: str) -> str:
    return keyed_hash(app_settings(request).resolved_secret_key(), "sign-in-email", email)


def address_key(request: Request) -> str:
    secret = app_settings(request).resolved_secret_key()
    return keyed_hash(secret, "sign-in-address", address_of(request))


def minutes_until(moment: datetime) -> int:
    return max(1, math.ceil((moment - clock.now()).total_seconds() / 60))


def signed_out_page(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    """A page of a visitor not signed in: CSRF cookie and token (sign-in forms are protected
    too: no one signs a visitor into an account of theirs), never indexed."""
    return render(
        request, template, context, status_code=status_code, with_csrf=True, robots="noindex"
    )


async def start_session(
    request: Request, session: AsyncSession, user: User, next_path: str | None
) -> RedirectResponse:
    """A new session for ``user``, its cookie, and the way on: ``next`` when it is ours; a
    platform admin of no school first picks one."""
    settings = app_settings(request)
    raw = await staff_sessions.open_session(
        session,
        user.id,
        clock.now(),
        lifetime(settings),
        user_agent=request.headers.get("user-agent"),
        ip_address=address_of(request)[:45],
    )
    target = safe_next(next_path)
    if user.is_platform_admin and user.organization_id is None and target == "/dashboard":
        target = SCHOOLS_PATH
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        staff_sessions.COOKIE,
        raw,
        max_age=settings.staff_session_max_hours * 3600,
        path="/dashboard",
        httponly=True,
        samesite="lax",
        secure=settings.public_base_url.startswith("https://"),
    )
    return response
