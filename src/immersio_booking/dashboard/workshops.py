"""``/dashboard/workshops``: the school's workshops (a teacher: their own), created and edited
through the same schemas and service as ``/v2/event-types``, with the next free sessions as
the public booking page shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth import service as auth_service
from immersio_booking.auth.principal import Principal
from immersio_booking.dashboard import workshop_form
from immersio_booking.dashboard.access import Staff, StaffContext
from immersio_booking.dashboard.form_errors import (
    FORM,
    FieldError,
    FieldErrors,
    FormInvalid,
    all_or_nothing,
)
from immersio_booking.dashboard.forms import checked_form
from immersio_booking.dashboard.rendering import page
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.dashboard.teachers import school_teachers
from immersio_booking.dashboard.workshop_form import WorkshopForm
from immersio_booking.db.dependencies import Session
from immersio_booking.event_types import repository, service
from immersio_booking.event_types.schemas import EventTypePatch, Host
from immersio_booking.kit import clock, when
from immersio_booking.kit.errors import BadRequest, Forbidden, NotFound
from immersio_booking.kit.schemas import ResourceId
from immersio_booking.models import EventType, Team, User
from immersio_booking.web.i18n import choose_language
from immersio_booking.web.workshops import free_sessions


@dataclass(frozen=True)
class PreviewSession:
    text: str  # "Tuesday, December 8, 2026, 6:00 – 7:00 PM (Paris, UTC+1)"
    seats_left: int | None


router = APIRouter(route_class=DashboardRoute, include_in_schema=False)
PREVIEW_DAYS = 7
PREVIEW_SESSIONS = 12


async def _listed(session: AsyncSession, staff: StaffContext) -> list[EventType]:
    """The school's workshops for OWNER/ADMIN; a teacher's own personal ones for a teacher."""
    org_id = staff.organization_id
    if staff.is_school_admin:
        return await repository.of_organization(session, org_id)
    return await repository.of_user(session, org_id, staff.user.id, True, False)


async def _workshop(session: AsyncSession, staff: StaffContext, workshop_id: int) -> EventType:
    """A workshop the staff member may see; anything else, of this school or another, is not
    found (a teacher: another teacher's or a team's workshop too)."""
    et = await repository.event_type(session, staff.organization_id, workshop_id)
    if et is None or not (
        staff.is_school_admin or (et.team_id is None and et.user_id == staff.user.id)
    ):
        raise NotFound("This workshop does not exist")
    return et


async def _may_edit(session: AsyncSession, staff: StaffContext, et: EventType | None) -> bool:
    """The API's rule (event_types.service): a teacher edits their own unless the school
    locked workshop creation to its OWNER/ADMIN."""
    try:
        if et is None:
            await service.ensure_may_create(session, staff.principal, staff.organization_id)
        else:
            await service.ensure_may_edit(session, staff.principal, et)
    except Forbidden:
        return False
    return True


async def _team_members(session: AsyncSession, et: EventType) -> list[User]:
    if et.team_id is None:
        return []
    ids = await repository.accepted_member_ids(session, et.organization_id, et.team_id)
    rows = await session.execute(select(User).where(User.id.in_(ids)).order_by(User.name, User.id))
    return list(rows.scalars())


async def _hosts(session: AsyncSession, et: EventType) -> dict[int, Host]:
    """A team workshop's hosts as stored, by user: what the form does not show (priority,
    mandatory) is kept when the hosts are saved again."""
    rows = await repository.hosts(session, et.organization_id, [et.id])
    return {
        host.user_id: Host.model_validate(
            {"user_id": host.user_id, "mandatory": host.mandatory, "priority": host.priority}
        )
        for host, _ in rows
    }


@router.get("/dashboard/workshops", response_class=HTMLResponse)
async def workshops(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    listed = await _listed(session, staff)
    owners = {et.user_id for et in listed if et.user_id}
    names = {}
    if owners:
        rows = await session.execute(
            select(User.id, User.name, User.email).where(User.id.in_(owners))
        )
        names = {uid: name or email for uid, name, email in rows.all()}
    return page(
        request,
        staff,
        "dashboard/workshops.html",
        {
            "workshops": listed,
            "owners": names,
            "may_create": await _may_edit(session, staff, None),
            "price_text": workshop_form.price_text,
        },
        section="workshops",
    )


async def _form_page(
    request: Request,
    staff: StaffContext,
    session: AsyncSession,
    et: EventType | None,
    form: WorkshopForm,
    errors: FieldErrors | None = None,
) -> HTMLResponse:
    preview = None
    teachers = await school_teachers(session, staff) if et is None else []
    if et is not None and not et.hidden and not errors:
        zone = staff.user.time_zone or "UTC"
        now = clock.now()
        found = await free_sessions(
            session, et, (now, now + timedelta(days=PREVIEW_DAYS)), zone, now
        )
        length = timedelta(minutes=et.length)
        language = choose_language(request)
        preview = [
            PreviewSession(when.span(s.start, s.start + length, zone, language), s.seats_left)
            for day in sorted(found)
            for s in found[day]
        ][:PREVIEW_SESSIONS]
    return page(
        request,
        staff,
        "dashboard/workshop.html",
        {
            "workshop": et,
            "form": form,
            "errors": errors or {},
            "may_edit": await _may_edit(session, staff, et),
            "members": await _team_members(session, et) if et is not None else teachers,
            # A new workshop is the signed-in person's, or, from a school admin, a teacher's
            # or a team workshop of the school's teachers (the hosts ticked).
            "teachers": teachers,
            "preview": preview,
            "preview_days": PREVIEW_DAYS,
            "zone": staff.user.time_zone or "UTC",
            "choices": workshop_form,
            "saved": request.query_params.get("saved") == "1",
        },
        section="workshops",
        status_code=400 if errors else 200,
    )


def _refusal(error: BadRequest) -> FieldErrors:
    field = workshop_form.REASON_FIELDS.get(error.reason, FORM)
    return {field: FieldError(error.reason, error.message)}


@router.get("/dashboard/workshops/new", response_class=HTMLResponse)
async def new_workshop(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    if not await _may_edit(session, staff, None):
        raise NotFound("This page does not exist")
    return await _form_page(request, staff, session, None, workshop_form.blank())


@router.post("/dashboard/workshops/new")
async def create_workshop(request: Request, staff: Staff, session: Session) -> Response:
    submitted = await checked_form(request)
    form = workshop_form.submitted(submitted)
    chosen = submitted.get("teacher")
    if isinstance(chosen, str):
        form.values["teacher"] = chosen.strip()
    team = form.values.get("teacher") == workshop_form.TEAM
    if team:
        # The form offers team workshops to the school's OWNER/ADMIN only; a teacher's forged
        # choice finds nothing, as the school's other staff-only pages.
        staff.require_school_admin()
    try:
        async with all_or_nothing(session):
            if team:
                et = await service.create_for_team(
                    session,
                    staff.principal,
                    staff.chosen_school(),
                    workshop_form.team_create_body(form, {}),
                )
            else:
                owner = await _owner(session, staff, form.values.get("teacher"))
                et = await service.create_personal(session, owner, workshop_form.create_body(form))
    except FormInvalid as invalid:
        return await _form_page(request, staff, session, None, form, invalid.errors)
    except BadRequest as refused:
        return await _form_page(request, staff, session, None, form, _refusal(refused))
    return RedirectResponse(f"/dashboard/workshops/{et.id}?saved=1", status_code=303)


async def _owner(session: AsyncSession, staff: StaffContext, chosen: str | None) -> Principal:
    """Whose the new workshop is: the signed-in person's, or the teacher a school admin chose,
    acting as them under the API's own rule (``X-Act-As-User``: same role or lower, audited)."""
    if not chosen or chosen == str(staff.user.id):
        return staff.principal
    teacher_id = int(chosen) if chosen.isdigit() and len(chosen) < 19 else 0
    try:
        return await auth_service.act_as(session, staff.principal, teacher_id)
    except (NotFound, Forbidden) as refused:
        raise FormInvalid(
            {"teacher": FieldError("teacher_not_choosable", refused.message)}
        ) from refused


@router.get("/dashboard/workshops/{workshop_id}", response_class=HTMLResponse)
async def workshop(
    request: Request, workshop_id: ResourceId, staff: Staff, session: Session
) -> HTMLResponse:
    et = await _workshop(session, staff, workshop_id)
    form = workshop_form.of_event_type(et, set(await _hosts(session, et)))
    return await _form_page(request, staff, session, et, form)


@router.post("/dashboard/workshops/{workshop_id}")
async def save_workshop(
    request: Request, workshop_id: ResourceId, staff: Staff, session: Session
) -> Response:
    form = workshop_form.submitted(await checked_form(request))
    et = await _workshop(session, staff, workshop_id)
    try:
        async with all_or_nothing(session):
            changes = workshop_form.patch_body(form, et, await _hosts(session, et))
            await service.patch(session, staff.principal, et, changes)
    except FormInvalid as invalid:
        await session.refresh(et)
        return await _form_page(request, staff, session, et, form, invalid.errors)
    except BadRequest as refused:
        await session.refresh(et)
        return await _form_page(request, staff, session, et, form, _refusal(refused))
    return RedirectResponse(f"/dashboard/workshops/{et.id}?saved=1", status_code=303)


@router.post("/dashboard/workshops/{workshop_id}/visibility")
async def toggle_hidden(
    request: Request, workshop_id: ResourceId, staff: Staff, session: Session
) -> Response:
    """Hide a workshop from the public pages, or show it again."""
    form = await checked_form(request)
    et = await _workshop(session, staff, workshop_id)
    hidden = form.get("hidden") == "1"
    await service.patch(session, staff.principal, et, EventTypePatch(hidden=hidden))
    return RedirectResponse("/dashboard/workshops", status_code=303)


async def _free_slug(session: AsyncSession, org_id: int, slug: str) -> str:
    base = f"{slug[:90]}-copy"
    candidate, n = base, 1
    while await repository.by_slug(session, org_id, candidate) is not None:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@router.post("/dashboard/workshops/{workshop_id}/duplicate")
async def duplicate_workshop(
    request: Request, workshop_id: ResourceId, staff: Staff, session: Session
) -> Response:
    """A hidden copy with its own slug, made through the same create as the API; what the form
    does not show (booking questions, recurrence, rules) is copied as stored."""
    await checked_form(request)
    original = await _workshop(session, staff, workshop_id)
    hosts = await _hosts(session, original)
    form = workshop_form.of_event_type(original, set(hosts))
    form.values["title"] = f"{original.title} (copy)"[:255]
    form.values["slug"] = await _free_slug(session, original.organization_id, original.slug)
    form.flags.add("hidden")
    if original.team_id is None:
        body = workshop_form.create_body(form)
        copy = await service.create_personal(session, staff.principal, body)
        copy.user_id = original.user_id  # an admin's copy of a teacher's workshop stays theirs
    else:
        team = await session.get(Team, original.team_id)
        assert team is not None
        form.values["scheduling"] = original.scheduling_type or "COLLECTIVE"
        team_body = workshop_form.team_create_body(form, hosts)
        copy = await service.create_for_team(session, staff.principal, team, team_body)
    copy.schedule_id = original.schedule_id
    copy.booking_fields = list(original.booking_fields or [])
    copy.options = original.options
    copy.recurring_event = original.recurring_event
    copy.requires_confirmation = original.requires_confirmation
    copy.length_options = original.length_options
    copy.slot_interval = original.slot_interval
    await session.flush()
    return RedirectResponse(f"/dashboard/workshops/{copy.id}", status_code=303)
