"""After booking: the confirmation page (add to calendar), the ICS file, and the manage page
where the student cancels (seeing the refund the policy gives) or picks a new time."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking import global_lookups
from immersio_booking.bookings import access, cancellation, repository, service
from immersio_booking.bookings.access import Actor
from immersio_booking.bookings.schemas import CancelInput
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import DomainError, NotFound
from immersio_booking.models import Booking, EventType, Team
from immersio_booking.notifications import calendar_links
from immersio_booking.web import booking_view, i18n, security
from immersio_booking.web.rendering import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Token = Annotated[str | None, Query(max_length=200)]


# One answer for "no such booking" and "not your link": a stranger learns nothing, not even
# whether the uid exists.
NOT_FOUND = "This booking does not exist, or this link is not valid (it may have expired)"


async def _booking(session: AsyncSession, uid: str) -> tuple[Booking, EventType | None, Team]:
    booking = await global_lookups.booking_by_uid(session, uid)
    if booking is None:
        raise NotFound(NOT_FOUND)
    et = await service.event_type_of(session, booking)
    org = await session.get(Team, booking.organization_id)
    assert org is not None
    return booking, et, org


async def _attendee_actor(
    session: AsyncSession, request: Request, booking: Booking, token: str | None
) -> Actor:
    """The student holding ``booking``'s signed manage token; anyone else: 404."""
    if token:
        try:
            return await access.actor_for(
                session,
                booking,
                None,
                token,
                app_settings(request).resolved_secret_key(),
                clock.now(),
            )
        except DomainError:
            pass
    raise NotFound(NOT_FOUND)


async def _shown(
    session: AsyncSession, request: Request, uid: str, token: str | None, tz: str | None
) -> tuple[booking_view.Shown, Actor]:
    """The booking as its pages show it, to the holder of its manage token only."""
    booking, _, _ = await _booking(session, uid)
    actor = await _attendee_actor(session, request, booking, token)
    return await booking_view.shown(session, request, booking, tz), actor


@router.get("/booking/{uid}")
async def confirmation(
    uid: str, request: Request, session: Session, token: Token = None, tz: Token = None
) -> HTMLResponse:
    shown, _ = await _shown(session, request, uid, token, tz)
    return render(
        request,
        "confirmation.html",
        shown.context(token),
        robots="noindex",
        framable=True,
    )


@router.get("/booking/{uid}/ics")
async def calendar_file(
    uid: str, request: Request, session: Session, token: Token = None
) -> Response:
    booking, et, _ = await _booking(session, uid)
    await _attendee_actor(session, request, booking, token)
    body = await calendar_links.published_ics(session, booking, et, i18n.choose_language(request))
    return Response(
        body,
        media_type="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{uid}.ics"'},
    )


@router.get("/booking/{uid}/manage")
async def manage(
    uid: str, request: Request, session: Session, token: Token = None, tz: Token = None
) -> HTMLResponse:
    shown, actor = await _shown(session, request, uid, token, tz)
    booking, et, org = shown.booking, shown.et, shown.org
    now = clock.now()
    payment = await repository.payment_of(session, booking.organization_id, booking.id)
    refund = await cancellation.refund_for(session, booking, et, actor, now)
    try:
        cancellation.ensure_attendee_may_change(booking, et, actor, now)
        closed = None
    except DomainError as error:
        closed = error.message
    options = et.options if et is not None else None
    reschedule = (
        f"/{org.slug}/{et.slug}?{urlencode({'reschedule': booking.uid, 'token': token})}"
        if et is not None and options is not None and not options.disable_rescheduling
        else None
    )
    return render(
        request,
        "manage.html",
        {
            **shown.context(token),
            "refund": refund,
            "paid": booking.paid,
            "closed": closed,
            "active": booking.status in cancellation.ACTIVE,
            "reschedule_url": reschedule,
            "cancel_allowed": not (options is not None and options.disable_cancelling),
            "request_done": request.query_params.get("done"),
            "currency": payment.currency if payment else "usd",
        },
        robots="noindex",
        with_csrf=True,
    )


@router.post("/booking/{uid}/manage/cancel")
async def cancel(
    uid: str,
    request: Request,
    session: Session,
    token: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=200)],
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    security.check_csrf(request, app_settings(request).resolved_secret_key(), csrf)
    booking, _, _ = await _booking(session, uid)
    actor = await _attendee_actor(session, request, booking, token)
    await service.cancel(
        session, booking, actor, CancelInput(cancellation_reason=reason or None), clock.now()
    )
    return RedirectResponse(
        f"/booking/{uid}/manage?{urlencode({'token': token, 'done': 'cancelled'})}", status_code=303
    )
