"""Signing in: with a password (locked for a while after repeated failures), or with a
one-time link sent by email. Every answer is the same whether or not the email has an account:
the same words, the same status and the same argon2 work."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from immersio_booking.auth import lockout, passwords, sign_in_links
from immersio_booking.dashboard.forms import checked_form
from immersio_booking.dashboard.routing import SIGN_IN_PATH, DashboardRoute, safe_next
from immersio_booking.dashboard.signing_in import (
    address_key,
    email_key,
    email_link,
    email_of,
    minutes_until,
    signed_out_page,
    start_session,
    user_by_email,
)
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock
from immersio_booking.models import User

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

LINK_REQUEST_PATH = "/dashboard/sign-in/email"


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _sign_in_page(
    request: Request, next_path: str, *, email: str = "", status_code: int = 200, **state: object
) -> HTMLResponse:
    return signed_out_page(
        request,
        "dashboard/sign_in.html",
        {"next": next_path, "email": email, **state},
        status_code=status_code,
    )


@router.get(SIGN_IN_PATH, response_class=HTMLResponse)
async def sign_in_form(request: Request, next: str | None = None) -> HTMLResponse:
    return _sign_in_page(request, safe_next(next))


@router.post(SIGN_IN_PATH)
async def sign_in(request: Request, session: Session) -> Response:
    form = await checked_form(request)
    email = email_of(form.get("email"))
    password = _text(form.get("password"))
    next_path = safe_next(_text(form.get("next")))
    now = clock.now()
    account, address = email_key(request, email), address_key(request)
    locked = await lockout.locked_until(session, (account, address), now)
    if locked is not None:
        response = _sign_in_page(
            request, next_path, email=email, status_code=429, locked_minutes=minutes_until(locked)
        )
        response.headers["Retry-After"] = str(minutes_until(locked) * 60)
        return response
    user = await user_by_email(session, email)
    # matches() first: an unknown email costs the same argon2 check as a known one.
    if not passwords.matches(user, password) or user is None:
        until = max(
            (
                moment
                for moment in (
                    await lockout.record_failure(session, account, lockout.PER_ACCOUNT, now),
                    await lockout.record_failure(session, address, lockout.PER_ADDRESS, now),
                )
                if moment is not None
            ),
            default=None,
        )
        return _sign_in_page(
            request,
            next_path,
            email=email,
            status_code=400,
            failed=True,
            locked_minutes=minutes_until(until) if until else None,
        )
    passwords.refresh_if_stale(user, password)
    await lockout.clear(session, account)
    return await start_session(request, session, user, next_path)


@router.get(LINK_REQUEST_PATH, response_class=HTMLResponse)
async def link_request_form(request: Request, next: str | None = None) -> HTMLResponse:
    return signed_out_page(
        request, "dashboard/sign_in_email.html", {"next": safe_next(next), "sent": False}
    )


@router.post(LINK_REQUEST_PATH)
async def request_link(request: Request, session: Session) -> Response:
    """Email a one-time sign-in link; the answer never says whether the address is known."""
    form = await checked_form(request)
    email = email_of(form.get("email"))
    next_path = safe_next(_text(form.get("next")))
    await email_link(request, session, email, sign_in_links.SIGN_IN, next_path)
    return signed_out_page(
        request, "dashboard/sign_in_email.html", {"next": next_path, "sent": True, "email": email}
    )


def _link_page(request: Request, token: str, next_path: str, usable: bool) -> HTMLResponse:
    return signed_out_page(
        request,
        "dashboard/sign_in_link.html",
        {"token": token if usable else "", "next": next_path, "usable": usable},
        status_code=200 if usable else 400,
    )


@router.get(sign_in_links.PATHS[sign_in_links.SIGN_IN], response_class=HTMLResponse)
async def link_page(
    request: Request, session: Session, token: str = "", next: str | None = None
) -> HTMLResponse:
    """The link asks for one click before it is spent: mail scanners that open every link
    would otherwise spend it before its owner does."""
    usable = await sign_in_links.usable(session, token, sign_in_links.SIGN_IN, clock.now())
    return _link_page(request, token, safe_next(next), usable)


@router.post(sign_in_links.PATHS[sign_in_links.SIGN_IN])
async def use_link(request: Request, session: Session) -> Response:
    form = await checked_form(request)
    next_path = safe_next(_text(form.get("next")))
    user_id = await sign_in_links.spend(
        session, _text(form.get("token")), sign_in_links.SIGN_IN, clock.now()
    )
    user = await session.get(User, user_id) if user_id is not None else None
    if user is None:
        return _link_page(request, "", next_path, False)
    return await start_session(request, session, user, next_path)
