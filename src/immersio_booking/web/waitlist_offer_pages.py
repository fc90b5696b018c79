"""The page where a student takes a seat offered from the waitlist, from the signed link in
their email: the session and how long the seat is held, then one button (a form with a CSRF
token) that books it. A free workshop's booking shows its confirmation; a priced one's seat
is held until paid on its payment page. An offer that ran out books nothing and says so."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import access
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock, when
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.models.waitlist import WaitlistEntry, WaitlistStatus
from immersio_booking.ratelimits import policy
from immersio_booking.waitlist import accepting
from immersio_booking.web import security
from immersio_booking.web.carried import address
from immersio_booking.web.rendering import PageRoute, render
from immersio_booking.web.waitlist_entry import entry_page, signed_entry

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Token = Annotated[str | None, Query(max_length=200)]
NOT_FOUND = "This offer does not exist, or this link is not valid (it may have expired)"


async def _entry(
    session: AsyncSession, request: Request, uid: str, token: str | None
) -> WaitlistEntry:
    """The entry whose signed accept link this is; anyone else: 404. Rate limited like the
    booking pages (per address)."""
    await policy.enforce(request, None, *policy.BOOKING_PAGES)
    return await signed_entry(session, request, uid, token, accepting.may_accept, NOT_FOUND)


@router.get("/waitlist/{uid}/accept")
async def offer_page(
    uid: str, request: Request, session: Session, token: Token = None
) -> HTMLResponse:
    entry = await _entry(session, request, uid, token)
    page = await entry_page(session, request, entry, token, NOT_FOUND)
    now = clock.now()
    until = entry.offer_expires_at
    live = entry.status == WaitlistStatus.OFFERED and until is not None and until > now
    ran_out = entry.status == WaitlistStatus.EXPIRED or (
        entry.status == WaitlistStatus.OFFERED and not live
    )
    return render(
        request,
        "waitlist_offer.html",
        {
            **page.context,
            "until": when.moment_in(until, entry.time_zone, page.tag) if until else None,
            "live": live,
            "ran_out": ran_out,
            "priced": bool(page.workshop.price),
        },
        robots="noindex",
        with_csrf=True,
    )


@router.post("/waitlist/{uid}/accept")
async def accept(
    uid: str,
    request: Request,
    session: Session,
    token: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=200)],
    lang: Annotated[str | None, Form(max_length=8)] = None,
) -> Response:
    settings = app_settings(request)
    security.check_csrf(request, settings.resolved_secret_key(), csrf)
    entry = await _entry(session, request, uid, token)
    done = await accepting.accept(session, entry, settings, clock.now())
    if done.booking is None:
        return RedirectResponse(
            address(f"/waitlist/{uid}/accept", token=token, lang=lang), status_code=303
        )
    if done.payment_uid:
        return RedirectResponse(address(f"/payment/{done.payment_uid}", lang=lang), 303)
    manage = access.manage_token(settings.resolved_secret_key(), done.booking)
    return RedirectResponse(
        address(f"/booking/{done.booking.uid}", token=manage, lang=lang), status_code=303
    )
