"""After booking: the confirmation page (add to calendar), the ICS file, and the manage page
where the student cancels (seeing the refund the policy gives) or picks a new time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

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
from immersio_booking.web.carried import Carried, EmbedParam, OriginParam, address
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
    uid: str,
    request: Request,
    session: Session,
    token: Token = None,
    tz: Token = None,
    embed: EmbedParam = None,
    origin: OriginParam = None,
) -> HTMLResponse:
    shown, _ = await _shown(session, request, uid, token, tz)
    carried = Carried.of(shown.lang, shown.zone, embed, origin)
    return render(
        request,
        "confirmation.html",
        {
            **shown.context(token),
            "manage_url": address(f"/booking/{uid}/manage", token=token, **carried.top()),
        },
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


@dataclass(frozen=True)
class Closed:
    """Why the student can no longer change the booking online; ``manage.html`` says it in the
    page's language (the service's message is English, for the API)."""

    reason: str  # "started", else the refusal's reason ("cancellation_window_closed")
    notice_hours: int


def _closed(booking: Booking, et: EventType | None, actor: Actor, now: datetime) -> Closed | None:
    try:
        cancellation.ensure_attendee_may_change(booking, et, actor, now)
    except DomainError as error:
        # (The manage link itself ends with the session: no page to say "it is over".)
        reason = "started" if now >= booking.start_time else error.reason
        return Closed(reason, cancellation.policy_of(et).cancellation_notice_hours)
    return None


@router.get("/booking/{uid}/manage")
async def manage(
    uid: str, request: Request, session: Session, token: Token = None, tz: Token = None
) -> HTMLResponse:
    shown, actor = await _shown(session, request, uid, token, tz)
    booking, et, org = shown.booking, shown.et, shown.org
    now = clock.now()
    payment = await repository.payment_of(session, booking.organization_id, booking.id)
    refund = await cancellation.refund_for(session, booking, et, actor, now)
    closed = _closed(booking, et, actor, now)
    options = et.options if et is not None else None
    carried = Carried.of(shown.lang, shown.zone, None, None)
    reschedule = (
        address(f"/{org.slug}/{et.slug}", reschedule=booking.uid, token=token, **carried.top())
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
    lang: Annotated[str | None, Form(max_length=8)] = None,
    tz: Annotated[str | None, Form(max_length=64)] = None,
) -> Response:
    security.check_csrf(request, app_settings(request).resolved_secret_key(), csrf)
    booking, _, _ = await _booking(session, uid)
    actor = await _attendee_actor(session, request, booking, token)
    await service.cancel(
        session, booking, actor, CancelInput(cancellation_reason=reason or None), clock.now()
    )
    # Back to the manage page in the language and zone it was read in.
    return RedirectResponse(
        address(f"/booking/{uid}/manage", token=token, done="cancelled", lang=lang, tz=tz),
        status_code=303,
    )
