"""School settings: the teachers — invite one by email,
change a role, remove one. The members service decides, as for the API: an ADMIN may not
grant OWNER nor touch an OWNER, the last OWNER stays, the plan's teacher limit holds.

An invited teacher is emailed (in the language chosen on the form) a one-time sign-in link
valid for days that opens the password page, answered to whoever invited them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.dashboard.access import Staff, StaffContext
from immersio_booking.dashboard.forms import checked_form, field_problems
from immersio_booking.dashboard.rendering import page
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.dashboard.school_settings import SETTINGS, school_of
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import i18n
from immersio_booking.kit.errors import Conflict, Forbidden
from immersio_booking.kit.schemas import ResourceId
from immersio_booking.members import repository, service
from immersio_booking.members.schemas import OrganizationUserCreate, OrganizationUserPatch
from immersio_booking.web.i18n import choose_language

TEACHERS = SETTINGS + "/teachers"
ROLES = ("MEMBER", "ADMIN", "OWNER")
MOST_SHOWN = 500  # a school's staff fits one page

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


async def _teachers_page(
    request: Request,
    staff: StaffContext,
    session: AsyncSession,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    school = school_of(staff)
    rows = await repository.users(session, school.id, MOST_SHOWN, 0)
    return page(
        request,
        staff,
        "dashboard/settings_teachers.html",
        {
            "rows": rows,
            "roles": ROLES,
            "languages": i18n.LANGUAGES,
            "done": request.query_params.get("done"),
            "errors": {},
            "entered": {},
            "problem": None,
            **context,
        },
        section="settings",
        status_code=status_code,
    )


@router.get(TEACHERS, response_class=HTMLResponse)
async def teachers(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    return await _teachers_page(request, staff, session)


def _invitation(entered: dict[str, str], time_zone: str) -> OrganizationUserCreate | dict[str, str]:
    """The new teacher the form describes (in the inviter's time zone until they change it),
    or what is wrong with it, field by field."""
    errors = {} if entered["language"] in i18n.LANGUAGES else {"language": "invalid_language"}
    try:
        body = OrganizationUserCreate.model_validate(
            {
                "email": entered["email"],
                "name": entered["name"] or None,
                "organizationRole": entered["role"] or "MEMBER",
                "locale": entered["language"] if not errors else None,
                "timeZone": time_zone,
            }
        )
    except ValidationError as invalid:
        fields = field_problems(invalid)
        if "organization_role" in fields:
            errors["role"] = "invalid_role"
        if "email" in fields or not errors:
            errors["email"] = "invalid_email"
    return errors or body


@router.post(TEACHERS)
async def invite_teacher(request: Request, staff: Staff, session: Session) -> Response:
    """Add the teacher (the members service's rules) and email them their invitation."""
    form = await checked_form(request)
    school = school_of(staff)
    entered = {f: str(form.get(f) or "").strip() for f in ("email", "name", "role", "language")}
    entered["language"] = entered["language"] or choose_language(request)
    invitation = _invitation(entered, staff.user.time_zone)
    if isinstance(invitation, dict):
        errors = invitation
    else:
        try:
            # A refusal leaves nothing half written; the invitation is queued by the members
            # service, as for the API (``members.arrivals``).
            async with session.begin_nested():
                await service.create(session, staff.principal, school, invitation)
        except (Conflict, Forbidden) as refused:
            errors = {"role" if refused.reason == "owner_required" else "email": refused.reason}
        else:
            return RedirectResponse(f"{TEACHERS}?done=invited", status_code=303)
    return await _teachers_page(
        request, staff, session, status_code=400, errors=errors, entered=entered
    )


async def _refusable(
    request: Request, staff: StaffContext, session: AsyncSession, change: Any, done: str
) -> Response:
    """Run ``change``; a refusal of the rules (owner only, last owner) is the page again
    with the reason, nothing changed."""
    try:
        async with session.begin_nested():
            await change
    except (Conflict, Forbidden) as refused:
        return await _teachers_page(
            request, staff, session, status_code=refused.status_code, problem=refused.reason
        )
    return RedirectResponse(f"{TEACHERS}?done={done}", status_code=303)


@router.post(TEACHERS + "/{userId}/role")
async def change_role(
    userId: ResourceId,  # noqa: N803
    request: Request,
    staff: Staff,
    session: Session,
) -> Response:
    form = await checked_form(request)
    school = school_of(staff)
    role = form.get("role")
    if role not in ROLES:
        return await _teachers_page(
            request, staff, session, status_code=400, problem="invalid_role"
        )
    body = OrganizationUserPatch(organization_role=role)
    return await _refusable(
        request,
        staff,
        session,
        service.patch(session, staff.principal, school, userId, body),
        "role",
    )


@router.post(TEACHERS + "/{userId}/remove")
async def remove_teacher(
    userId: ResourceId,  # noqa: N803
    request: Request,
    staff: Staff,
    session: Session,
) -> Response:
    await checked_form(request)
    school = school_of(staff)
    return await _refusable(
        request, staff, session, service.delete(session, staff.principal, school, userId), "removed"
    )
