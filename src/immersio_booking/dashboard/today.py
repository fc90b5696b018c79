""" "Today and upcoming": the sessions of the next days (a teacher's own), their attendees with
their payment, the join link; marking attendance (the API's ``mark_absent``) and emailing the
attendees of a session (one email each, answered to the teacher)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import attendance, hosting, repository
from immersio_booking.bookings.schemas import AbsentAttendeeIn, MarkAbsentInput
from immersio_booking.dashboard.access import Staff, StaffContext
from immersio_booking.dashboard.booking_access import booking_of, sees_all
from immersio_booking.dashboard.forms import checked_form
from immersio_booking.dashboard.languages import form_language, keep_language
from immersio_booking.dashboard.rendering import page
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.dashboard.sessions import DAYS_SHOWN, sessions_of, today_in
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import BadRequest, DomainError
from immersio_booking.models import Booking
from immersio_booking.notifications import staff_messages
from immersio_booking.ratelimits import policy
from immersio_booking.web.i18n import choose_language

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

TODAY_QUERY = frozenset({"day", "sent", "marked", "lang"})


def _day(raw: str | None, staff: StaffContext) -> date:
    if not raw:
        return today_in(staff.user.time_zone, clock.now())
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest("day must be a date like 2030-01-08", reason="invalid_day") from None


async def _today(
    request: Request,
    staff: Staff,
    session: AsyncSession,
    first: date,
    problem: dict[str, Any] | None = None,
    status_code: int = 200,
    language: str | None = None,
) -> HTMLResponse:
    only = None if sees_all(staff) else hosting.staffed_by(staff.principal, staff.organization_id)
    language = language or choose_language(request)
    days = await sessions_of(
        session,
        staff.organization_id,
        first,
        staff.user,
        only,
        language,
        clock.now(),
    )
    return page(
        request,
        staff,
        "dashboard/today.html",
        {
            "days": days,
            "first": first,
            "previous_week": first - timedelta(days=DAYS_SHOWN),
            "next_week": first + timedelta(days=DAYS_SHOWN),
            "problem": problem or {},
            "sent": request.query_params.get("sent"),
            "marked": request.query_params.get("marked"),
            "lang": language,
        },
        section="today",
        status_code=status_code,
    )


@router.get("/dashboard", response_class=HTMLResponse)
async def today(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    unknown = sorted(set(request.query_params) - TODAY_QUERY)
    if unknown:
        raise BadRequest(f"Unsupported parameter: {', '.join(unknown)}", reason="unsupported")
    if staff.school is None and not staff.principal.is_platform_admin:
        # No longer a member of any school (a platform admin is sent to the school list).
        return page(request, staff, "dashboard/home.html", {}, section="today")
    return await _today(request, staff, session, _day(request.query_params.get("day"), staff))


def _showing(raw: str, staff: StaffContext, booking: Booking) -> date:
    """The first day of the page shown again with a refusal: the one the form came from when
    the session is on it, else the session's own day (the refusal is shown beside it)."""
    first = _day(raw, staff)
    own = booking.start_time.astimezone(ZoneInfo(staff.user.time_zone)).date()
    return first if first <= own < first + timedelta(days=DAYS_SHOWN) else own


def _back(day: str | None, **flags: str) -> str:
    query = urlencode({**({"day": day} if day else {}), **flags})
    return "/dashboard" + (f"?{query}" if query else "")


@router.post("/dashboard/sessions/{uid}/attendance")
async def mark_attendance(request: Request, uid: str, staff: Staff, session: Session) -> Response:
    """Who did not come: the boxes ticked are absent, the others present (``mark_absent``)."""
    form = await checked_form(request)
    secret = app_settings(request).resolved_secret_key()
    booking, actor = await booking_of(session, staff, uid, secret)
    day = _text(form, "day")
    absent = {str(v).strip().lower() for v in form.getlist("absent")}
    seats = await repository.session_seats(session, booking)
    people = await repository.attendees_of(session, booking.organization_id, [s.id for s in seats])
    emails = sorted({a.email.lower() for group in people.values() for a in group})
    body = MarkAbsentInput(
        host=form.get("host_absent") == "1",
        attendees=[AbsentAttendeeIn(email=e, absent=e in absent) for e in emails] or None,
    )
    now = clock.now()
    try:
        async with session.begin_nested():
            await attendance.mark_absent(session, booking, actor, body, now)
    except DomainError as refused:
        problem = {
            "uid": uid,
            "action": "attendance",
            "reason": refused.reason,
            "text": str(refused),
        }
        return await _today(
            request,
            staff,
            session,
            _showing(day, staff, booking),
            problem,
            400,
            form_language(form),
        )
    return RedirectResponse(
        keep_language(_back(day, marked="1") + f"#s-{uid}", form), status_code=303
    )


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@router.post("/dashboard/sessions/{uid}/message")
async def email_attendees(request: Request, uid: str, staff: Staff, session: Session) -> Response:
    """One email per attendee of the session, answered to the teacher (rate-limited)."""
    form = await checked_form(request)
    secret = app_settings(request).resolved_secret_key()
    booking, _ = await booking_of(session, staff, uid, secret)
    day = _text(form, "day")
    subject = _text(form, "subject")
    text = _text(form, "message")
    fields: dict[str, str] = {}
    if not subject or len(subject) > staff_messages.SUBJECT_MAX or "\n" in subject:
        fields["subject"] = "subject"
    if not text or len(text) > staff_messages.MESSAGE_MAX:
        fields["message"] = "message"
    problem: dict[str, Any] = {
        "uid": uid,
        "action": "message",
        "fields": fields,
        "subject": subject,
        "message": text,
    }
    if fields:
        return await _today(
            request,
            staff,
            session,
            _showing(day, staff, booking),
            problem,
            400,
            form_language(form),
        )
    try:
        await policy.enforce_on_staff(request, *policy.staff_messages(staff.user.id))
    except DomainError as refused:
        problem.update(reason=refused.reason, text=str(refused))
        return await _today(
            request,
            staff,
            session,
            _showing(day, staff, booking),
            problem,
            refused.status_code,
            form_language(form),
        )
    seats = await repository.session_seats(session, booking)
    people = await repository.attendees_of(session, booking.organization_id, [s.id for s in seats])
    everyone = [a for group in people.values() for a in group]
    sent = await staff_messages.send_to_attendees(
        session, everyone, subject, text, booking.user_id or staff.user.id
    )
    return RedirectResponse(
        keep_language(_back(day, sent=str(sent)) + f"#s-{uid}", form), status_code=303
    )
