"""Passwords: forgotten (a one-time link by email, then a new password, which signs out every
other browser) and changed by the signed-in staff member."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from immersio_booking.auth import lockout, passwords, sign_in_links, staff_sessions
from immersio_booking.dashboard.access import Staff
from immersio_booking.dashboard.forms import checked_form
from immersio_booking.dashboard.rendering import page
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.dashboard.signing_in import (
    email_key,
    email_link,
    email_of,
    signed_out_page,
    start_session,
)
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock
from immersio_booking.models import User

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

RESET_PATH = "/dashboard/password/reset"
NEW_PATH = sign_in_links.PATHS[sign_in_links.RESET]
CHANGE_PATH = sign_in_links.PASSWORD_PAGE


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def new_password_problem(password: str, again: str) -> str | None:
    """Why the new password (typed twice) cannot be set, as a key the template words."""
    return passwords.problem(password) or (None if password == again else "mismatch")


@router.get(RESET_PATH, response_class=HTMLResponse)
async def reset_form(request: Request) -> HTMLResponse:
    return signed_out_page(request, "dashboard/password_reset.html", {"sent": False})


@router.post(RESET_PATH)
async def request_reset(request: Request, session: Session) -> Response:
    """Email a one-time reset link; the answer never says whether the address is known."""
    form = await checked_form(request)
    email = email_of(form.get("email"))
    await email_link(request, session, email, sign_in_links.RESET)
    return signed_out_page(request, "dashboard/password_reset.html", {"sent": True, "email": email})


def _new_password_page(
    request: Request, token: str, usable: bool, problem: str | None = None
) -> HTMLResponse:
    return signed_out_page(
        request,
        "dashboard/password_new.html",
        {"token": token if usable else "", "usable": usable, "problem": problem},
        status_code=200 if usable and problem is None else 400,
    )


@router.get(NEW_PATH, response_class=HTMLResponse)
async def new_password_form(request: Request, session: Session, token: str = "") -> HTMLResponse:
    usable = await sign_in_links.usable(session, token, sign_in_links.RESET, clock.now())
    return _new_password_page(request, token, usable)


@router.post(NEW_PATH)
async def set_new_password(request: Request, session: Session) -> Response:
    """Set the password, close every session of the user, and sign this browser in anew."""
    form = await checked_form(request)
    token = _text(form.get("token"))
    password = _text(form.get("password"))
    problem = new_password_problem(password, _text(form.get("password_again")))
    now = clock.now()
    if problem is not None:  # the link stays unspent: the form is shown again
        usable = await sign_in_links.usable(session, token, sign_in_links.RESET, now)
        return _new_password_page(request, token, usable, problem)
    user_id = await sign_in_links.spend(session, token, sign_in_links.RESET, now)
    user = await session.get(User, user_id) if user_id is not None else None
    if user is None:
        return _new_password_page(request, "", False)
    user.password = passwords.hash_password(password)
    await staff_sessions.close_all(session, user.id, now)
    await sign_in_links.spend_all(session, user.id, now)
    await lockout.clear(session, email_key(request, user.email))
    return await start_session(request, session, user, None)


def _change_page(
    request: Request, staff: Staff, *, problem: str | None = None, saved: bool = False
) -> HTMLResponse:
    return page(
        request,
        staff,
        "dashboard/password.html",
        {"problem": problem, "saved": saved, "has_password": bool(staff.user.password)},
        section="password",
        status_code=400 if problem else 200,
    )


@router.get(CHANGE_PATH, response_class=HTMLResponse)
async def change_form(request: Request, staff: Staff, saved: int = 0) -> HTMLResponse:
    return _change_page(request, staff, saved=saved == 1)


@router.post(CHANGE_PATH)
async def change_password(request: Request, staff: Staff, session: Session) -> Response:
    """Set or change the password (the current one first, when there is one); every other
    browser signed in to the account is signed out."""
    form = await checked_form(request)
    password = _text(form.get("password"))
    problem = new_password_problem(password, _text(form.get("password_again")))
    now = clock.now()
    if problem is None and staff.user.password:
        account = email_key(request, staff.user.email)
        if await lockout.locked_until(session, (account,), now) is not None:
            problem = "locked"
        elif not passwords.matches(staff.user, _text(form.get("current"))):
            await lockout.record_failure(session, account, lockout.PER_ACCOUNT, now)
            problem = "wrong_current"
    if problem is not None:
        return _change_page(request, staff, problem=problem)
    user = await session.get(User, staff.user.id)
    assert user is not None  # the session's own user
    user.password = passwords.hash_password(password)
    await staff_sessions.close_others(session, user.id, staff.session_id, now)
    await sign_in_links.spend_all(session, user.id, now)
    return RedirectResponse(f"{CHANGE_PATH}?saved=1", status_code=303)
