"""What staff do to a booking from its page: cancel (the refund the policy gives is shown
beside the button), reschedule to a free slot, confirm or decline a request, record an offline
payment. Each action is the API's own service call; a refusal is shown next to the action,
and nothing of it is written (each runs in a savepoint)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import service
from immersio_booking.bookings.schemas import CancelInput, RescheduleInput
from immersio_booking.dashboard import booking_detail
from immersio_booking.dashboard.access import Staff, StaffContext
from immersio_booking.dashboard.booking_access import booking_of
from immersio_booking.dashboard.forms import checked_form
from immersio_booking.dashboard.languages import form_language, keep_language
from immersio_booking.dashboard.rendering import page
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.dashboard.sessions import day_bounds, today_in
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock, when
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import BadRequest, DomainError
from immersio_booking.models import Booking
from immersio_booking.payments import offline
from immersio_booking.slots import service as slots
from immersio_booking.slots.service import SlotsRequest
from immersio_booking.web.i18n import choose_language

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

REASON_MAX = 1000
RESCHEDULE_DAYS = 14


def _reason(form: Any, name: str = "reason") -> str | None:
    value = form.get(name)
    text = value.strip()[:REASON_MAX] if isinstance(value, str) else ""
    return text or None


async def _act(
    request: Request,
    uid: str,
    staff: StaffContext,
    session: AsyncSession,
    action: str,
    work: Callable[[Booking, Any, Any], Awaitable[Booking | None]],
) -> Response:
    """Check the form's CSRF and who may see the booking, then run ``work`` in a savepoint;
    back to the booking's page (the new one after a reschedule) or its refusal beside the
    action."""
    form = await checked_form(request)
    secret = app_settings(request).resolved_secret_key()
    booking, actor = await booking_of(session, staff, uid, secret)
    try:
        async with session.begin_nested():
            result = await work(booking, actor, form)
    except DomainError as refused:
        await session.refresh(booking)
        problem = {"action": action, "reason": refused.reason, "text": str(refused)}
        return await booking_detail.detail_page(
            request,
            staff,
            session,
            booking,
            actor,
            problem,
            refused.status_code,
            language=form_language(form),
        )
    target = result.uid if result is not None else uid
    return RedirectResponse(
        keep_language(f"/dashboard/bookings/{target}?done={action}", form), status_code=303
    )


@router.post("/dashboard/bookings/{uid}/cancel")
async def cancel(request: Request, uid: str, staff: Staff, session: Session) -> Response:
    async def work(booking: Booking, actor: Any, form: Any) -> None:
        body = CancelInput(cancellation_reason=_reason(form))
        await service.cancel(session, booking, actor, body, clock.now())

    return await _act(request, uid, staff, session, "cancel", work)


@router.post("/dashboard/bookings/{uid}/confirm")
async def confirm(request: Request, uid: str, staff: Staff, session: Session) -> Response:
    async def work(booking: Booking, actor: Any, _form: Any) -> None:
        await service.confirm(session, booking, actor)

    return await _act(request, uid, staff, session, "confirm", work)


@router.post("/dashboard/bookings/{uid}/decline")
async def decline(request: Request, uid: str, staff: Staff, session: Session) -> Response:
    async def work(booking: Booking, actor: Any, form: Any) -> None:
        await service.decline(session, booking, actor, _reason(form), clock.now())

    return await _act(request, uid, staff, session, "decline", work)


@router.post("/dashboard/bookings/{uid}/mark-paid")
async def mark_paid(request: Request, uid: str, staff: Staff, session: Session) -> Response:
    settings = app_settings(request)

    async def work(booking: Booking, actor: Any, _form: Any) -> None:
        await offline.mark_paid(session, booking, actor, settings, clock.now())

    return await _act(request, uid, staff, session, "mark_paid", work)


@router.post("/dashboard/bookings/{uid}/reschedule")
async def reschedule(request: Request, uid: str, staff: Staff, session: Session) -> Response:
    settings = app_settings(request)

    async def work(booking: Booking, actor: Any, form: Any) -> Booking:
        raw = form.get("start")
        try:
            body = RescheduleInput(
                start=datetime.fromisoformat(raw) if isinstance(raw, str) else None,
                rescheduling_reason=_reason(form),
            )
        except (ValueError, ValidationError):
            raise BadRequest("Choose a new time", reason="invalid_start") from None
        return await service.reschedule(
            session, booking, actor, staff.principal, body, clock.now(), settings
        )

    return await _act(request, uid, staff, session, "reschedule", work)


def _from(raw: str | None, zone: str) -> date:
    today = today_in(zone, clock.now())
    if not raw:
        return today
    try:
        return max(today, date.fromisoformat(raw))
    except ValueError:
        raise BadRequest("from must be a date like 2030-01-08", reason="invalid_day") from None


@router.get("/dashboard/bookings/{uid}/reschedule", response_class=HTMLResponse)
async def choose_time(request: Request, uid: str, staff: Staff, session: Session) -> HTMLResponse:
    """The free times of the booking's workshop for two weeks (its own seat counts as free)."""
    if set(request.query_params) - {"from", "lang"}:
        raise BadRequest("Unsupported parameter", reason="unsupported")
    secret = app_settings(request).resolved_secret_key()
    booking, _ = await booking_of(session, staff, uid, secret)
    zone = staff.user.time_zone
    first = _from(request.query_params.get("from"), zone)
    window = day_bounds(first, zone, RESCHEDULE_DAYS)
    language = choose_language(request)
    free: dict[str, list[dict[str, str]]] = {}  # by the day's label
    if booking.event_type_id is not None:
        found = await slots.available_slots(
            session,
            staff.principal,
            SlotsRequest.of_workshop(booking.event_type_id, window, zone, booking.uid),
            clock.now(),
        )
        for day, items in found.items():
            for item in items:
                start = datetime.fromisoformat(item["start"].replace("Z", "+00:00"))
                label = format_date(
                    date.fromisoformat(day), "full", locale=when.babel_locale(language)
                )
                free.setdefault(label, []).append(
                    {
                        "value": start.isoformat(),
                        "label": when.time_of(start.astimezone(ZoneInfo(zone)), language),
                    }
                )
    return page(
        request,
        staff,
        "dashboard/reschedule.html",
        {
            "booking": booking,
            "free": free,
            "first": first,
            "later": first + timedelta(days=RESCHEDULE_DAYS),
        },
        section="bookings",
    )
