"""``/dashboard/availability``: a staff member's schedules (an OWNER/ADMIN picks the teacher),
their weekly hours, date overrides and time zone, time away, connected calendars and the
open times that result — all through the schedules, out_of_office and calendars services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from immersio_booking.calendars import service as calendars
from immersio_booking.dashboard import hours_form
from immersio_booking.dashboard.access import Staff, StaffContext
from immersio_booking.dashboard.form_errors import (
    FieldError,
    FieldErrors,
    FormInvalid,
    all_or_nothing,
    by_prefix,
    from_validation,
)
from immersio_booking.dashboard.forms import checked_form
from immersio_booking.dashboard.hours_form import Week
from immersio_booking.dashboard.open_times import open_days
from immersio_booking.dashboard.rendering import page
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.dashboard.teachers import school_teachers
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock, when
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import BadRequest, Conflict, Forbidden, NotFound
from immersio_booking.kit.schemas import ResourceId
from immersio_booking.models import Schedule, User
from immersio_booking.out_of_office import repository as ooo_repository
from immersio_booking.out_of_office import service as out_of_office
from immersio_booking.out_of_office.schemas import OutOfOfficeCreate
from immersio_booking.out_of_office.service import Owner
from immersio_booking.schedules import repository as schedules_repository
from immersio_booking.schedules import service as schedules
from immersio_booking.schedules.schemas import (
    WEEK_DAYS,
    DateOverrideIn,
    ScheduleCreate,
    ScheduleOut,
    SchedulePatch,
    WeekDay,
)
from immersio_booking.web.i18n import choose_language
from immersio_booking.web.visitor import zone_options

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)
PATH = "/dashboard/availability"
PREVIEW_DAYS = 14
AWAY_SHOWN = 50
OVERRIDE_FIELDS = by_prefix(
    {"overrides.date": "override_date", "overrides.startTime": "override_start"}
)
AWAY_FIELDS = by_prefix(
    {
        "start": "away_start",
        "end": "away_end",
        "reason": "away_reason",
        "notes": "away_notes",
        "toUserId": "away_substitute",
    }
)
AWAY_REASONS = {
    "invalid_period": "away_end",
    "out_of_office_overlap": "away_start",
    "substitute_out_of_office": "away_substitute",
    "substitute_is_self": "away_substitute",
    "substitute_not_in_organization": "away_substitute",
}


async def _teacher(session: AsyncSession, staff: StaffContext, asked: int | None) -> User:
    """Whose hours are shown: the staff member's own; another member's for OWNER/ADMIN only
    (a teacher asking for someone else, or anyone outside the school: not found)."""
    user_id = asked or staff.user.id
    if user_id != staff.user.id and not staff.is_school_admin:
        raise NotFound("This page does not exist")
    user = await ooo_repository.member(session, staff.organization_id, user_id)
    if user is None:
        raise NotFound("This page does not exist")
    return user


async def _schedule(session: AsyncSession, staff: StaffContext, schedule_id: int) -> Schedule:
    """A schedule through the API's ownership rule; another's (a teacher) is not found."""
    try:
        schedule = await schedules.get_owned(session, staff.principal, schedule_id)
    except Forbidden as refused:
        raise NotFound("This schedule does not exist") from refused
    if schedule.organization_id != staff.organization_id:
        raise NotFound("This schedule does not exist")
    return schedule


def _address(schedule: Schedule, staff: StaffContext, **extra: str) -> str:
    query = f"schedule={schedule.id}"
    if schedule.user_id != staff.user.id:
        query += f"&teacher={schedule.user_id}"
    for key, value in extra.items():
        query += f"&{key}={value}"
    return f"{PATH}?{query}"


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 19 else None


async def _render(
    request: Request,
    staff: StaffContext,
    session: AsyncSession,
    teacher: User,
    chosen: ScheduleOut | None,
    *,
    week: Week | None = None,
    errors: FieldErrors | None = None,
    values: dict[str, str] | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    org_id = staff.organization_id
    now = clock.now()
    language = choose_language(request)
    mine = await schedules.list_of(session, org_id, teacher.id)
    if chosen is None and mine:
        chosen = next((s for s in mine if s.is_default), mine[0])
    away = await ooo_repository.entries_of(session, org_id, teacher.id, AWAY_SHOWN, 0, "asc")
    zone = chosen.time_zone if chosen else teacher.time_zone or "UTC"
    preview = []
    if chosen is not None and not errors:
        schedule = await schedules_repository.schedule(session, org_id, chosen.id)
        assert schedule is not None
        preview = await open_days(session, schedule, list(away), now, PREVIEW_DAYS)
    connected = None
    if teacher.id == staff.user.id:
        connected = await calendars.connected(session, staff.principal, app_settings(request))
    return page(
        request,
        staff,
        "dashboard/availability.html",
        {
            "teacher": teacher,
            "teachers": await school_teachers(session, staff),
            "schedules": mine,
            "chosen": chosen,
            "week": week or (hours_form.of_rules(chosen.availability) if chosen else None),
            "week_days": WEEK_DAYS,
            "field_name": hours_form.field_name,
            "errors": errors or {},
            "values": values or {},
            "notice": notice or request.query_params.get("done"),
            "zones": zone_options(language, now),
            "away": [
                (entry, when.span(entry.start_time, entry.end_time, zone, language))
                for entry in away
                if entry.end_time > now
            ],
            "reasons": ("unspecified", "vacation", "travel", "sick", "public_holiday"),
            "preview": preview,
            "hour": lambda moment: when.time_of(moment, language),
            "connected": connected,
            "self_view": teacher.id == staff.user.id,
        },
        section="availability",
        status_code=400 if errors else 200,
    )


@router.get(PATH, response_class=HTMLResponse)
async def availability(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    teacher = await _teacher(session, staff, _int(request.query_params.get("teacher")))
    chosen = None
    schedule_id = _int(request.query_params.get("schedule"))
    if schedule_id is not None:
        schedule = await _schedule(session, staff, schedule_id)
        if schedule.user_id != teacher.id:
            raise NotFound("This schedule does not exist")
        chosen = await schedules.to_out(session, schedule)
    return await _render(request, staff, session, teacher, chosen)


@router.post(PATH + "/schedules")
async def create_schedule(request: Request, staff: Staff, session: Session) -> Response:
    form = await checked_form(request)
    raw = form.get("teacher")
    teacher = await _teacher(session, staff, _int(raw if isinstance(raw, str) else None))
    existing = await schedules.list_of(session, staff.organization_id, teacher.id)
    body = ScheduleCreate(
        name=str(form.get("name") or "") or "Working hours",
        time_zone=teacher.time_zone or "UTC",
        is_default=not existing,
    )
    created = await schedules.create_for(session, staff.organization_id, teacher.id, body)
    schedule = await _schedule(session, staff, created.id)
    return RedirectResponse(_address(schedule, staff), status_code=303)


def _action(form: FormData) -> tuple[str, WeekDay | None]:
    raw = form.get("action")
    text = raw if isinstance(raw, str) else "save"
    kind, _, day = text.partition(":")
    if day and day not in WEEK_DAYS:
        raise BadRequest(f"Unknown day {day}", reason="invalid_day")
    return kind, day or None


@router.post(PATH + "/{schedule_id}/hours")
async def save_hours(
    request: Request, schedule_id: ResourceId, staff: Staff, session: Session
) -> Response:
    """Save the week, name and zone; or (without JS) add a range to a day or copy a day onto
    others, showing the form again unsaved."""
    form = await checked_form(request)
    schedule = await _schedule(session, staff, schedule_id)
    teacher = await _teacher(session, staff, schedule.user_id)
    week = hours_form.submitted(form)
    kind, day = _action(form)
    out = await schedules.to_out(session, schedule)
    if kind in ("add", "copy") and day is not None:
        if kind == "add":
            week = hours_form.add_range(week, day)
        else:
            targets = [d for d in WEEK_DAYS if form.get(f"copy-{day.lower()}-{d.lower()}") == "1"]
            week = hours_form.copy_day(week, day, targets)
        return await _render(request, staff, session, teacher, out, week=week, notice="unsaved")
    errors: FieldErrors = {}
    zone_text = form.get("time_zone")
    zone = when.resolve_zone(zone_text if isinstance(zone_text, str) else None)
    if zone is None:
        errors["time_zone"] = FieldError("zone_unknown")
    name = form.get("name")
    try:
        rules = hours_form.availability(week)
    except FormInvalid as invalid:
        errors.update(invalid.errors)
    if errors:
        return await _render(request, staff, session, teacher, out, week=week, errors=errors)
    try:
        body = SchedulePatch(
            name=name if isinstance(name, str) and name.strip() else None,
            time_zone=zone,
            availability=rules,
            is_default=True if form.get("is_default") == "1" else None,
        )
    except ValidationError as exc:
        invalid_errors = from_validation(exc, by_prefix({"name": "name", "timeZone": "time_zone"}))
        return await _render(
            request, staff, session, teacher, out, week=week, errors=invalid_errors
        )
    await schedules.apply_patch(session, schedule, body)
    return RedirectResponse(_address(schedule, staff, done="saved"), status_code=303)


def _override_key(item: DateOverrideIn) -> str:
    return f"{item.date.isoformat()}|{item.start_time}|{item.end_time}"


@router.post(PATH + "/{schedule_id}/overrides")
async def change_overrides(
    request: Request, schedule_id: ResourceId, staff: Staff, session: Session
) -> Response:
    """Add a date override (hours of that day, or the day off), or remove one."""
    form = await checked_form(request)
    schedule = await _schedule(session, staff, schedule_id)
    teacher = await _teacher(session, staff, schedule.user_id)
    out = await schedules.to_out(session, schedule)
    overrides = list(out.overrides)
    removed = form.get("remove")
    values = {
        k: str(form.get(k) or "") for k in ("override_date", "override_start", "override_end")
    }
    if isinstance(removed, str):
        overrides = [o for o in overrides if _override_key(o) != removed]
    else:
        day_off = form.get("day_off") == "1"
        item: dict[str, Any] = {
            "date": values["override_date"] or None,
            "startTime": "00:00" if day_off else values["override_start"] or None,
            "endTime": "00:00" if day_off else hours_form.end_text(values["override_end"]) or None,
        }
        try:
            overrides.append(DateOverrideIn.model_validate(item))
        except ValidationError as exc:
            errors = from_validation(
                exc,
                by_prefix(
                    {
                        "date": "override_date",
                        "startTime": "override_start",
                        "endTime": "override_start",
                    }
                ),
            )
            if any(e.code == "end_before_start" for e in errors.values()):
                errors = {"override_start": FieldError("end_before_start")}
            return await _render(
                request, staff, session, teacher, out, errors=errors, values=values
            )
    await schedules.apply_patch(session, schedule, SchedulePatch(overrides=overrides))
    return RedirectResponse(_address(schedule, staff, done="saved"), status_code=303)


def _day_start(text: str, zone: str, plus_days: int = 0) -> datetime | None:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return datetime.combine(day + timedelta(days=plus_days), time(0), ZoneInfo(zone))


async def _away_of(
    session: AsyncSession, staff: StaffContext, form: FormData
) -> tuple[User, Owner]:
    """The teacher the form names (the staff member by default) and whose time away it
    changes, as the out-of-office service checks it."""
    raw_teacher = form.get("teacher")
    teacher = await _teacher(
        session, staff, _int(raw_teacher if isinstance(raw_teacher, str) else None)
    )
    owner = await out_of_office.member_of(
        session, staff.principal, staff.organization_id, teacher.id
    )
    return teacher, owner


def _saved(staff: StaffContext, teacher: User) -> RedirectResponse:
    """Back to the hours, saying so, of the teacher whose time away changed."""
    query = "" if teacher.id == staff.user.id else f"&teacher={teacher.id}"
    return RedirectResponse(f"{PATH}?done=saved{query}", status_code=303)


@router.post(PATH + "/away")
async def add_time_away(request: Request, staff: Staff, session: Session) -> Response:
    """Time away of the teacher, whole days in their zone (first and last day included)."""
    form = await checked_form(request)
    teacher, owner = await _away_of(session, staff, form)
    zone = teacher.time_zone or "UTC"
    values = {
        k: str(form.get(k) or "")
        for k in ("away_start", "away_end", "away_reason", "away_notes", "away_substitute")
    }
    payload: dict[str, Any] = {
        "start": _day_start(values["away_start"], zone),
        "end": _day_start(values["away_end"], zone, plus_days=1),
        "reason": values["away_reason"] or "unspecified",
        "notes": values["away_notes"] or None,
        "toUserId": _int(values["away_substitute"]),
    }
    errors: FieldErrors = {}
    try:
        async with all_or_nothing(session):
            await out_of_office.create(session, owner, OutOfOfficeCreate.model_validate(payload))
    except ValidationError as exc:
        errors = from_validation(exc, AWAY_FIELDS)
    except (BadRequest, Conflict) as refused:
        field = AWAY_REASONS.get(refused.reason, "away_start")
        errors = {field: FieldError(refused.reason, refused.message)}
    if errors:
        return await _render(request, staff, session, teacher, None, errors=errors, values=values)
    return _saved(staff, teacher)


@router.post(PATH + "/away/{entry_id}/delete")
async def remove_time_away(
    request: Request, entry_id: ResourceId, staff: Staff, session: Session
) -> Response:
    form = await checked_form(request)
    teacher, owner = await _away_of(session, staff, form)
    await out_of_office.delete(session, owner, entry_id)
    return _saved(staff, teacher)


@router.post(PATH + "/calendars/{credential_id}/disconnect")
async def disconnect_calendar(
    request: Request, credential_id: ResourceId, staff: Staff, session: Session
) -> Response:
    """Disconnect one of the staff member's own calendars (a teacher's own only, as the API)."""
    form = await checked_form(request)
    kind = form.get("kind")
    await calendars.disconnect(
        session, staff.principal, kind if isinstance(kind, str) else "", credential_id
    )
    return RedirectResponse(f"{PATH}?done=disconnected", status_code=303)
