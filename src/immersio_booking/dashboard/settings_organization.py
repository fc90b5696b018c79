"""School settings: the organization (name, contact email replies go to, description) and
its switches (teachers of one email domain accepted at once, workshop creation locked to
OWNER/ADMIN, search engines, the "no slots" notice). The organizations service decides, as for
``PATCH /v2/organizations/{id}`` and ``…/settings``."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.dashboard.access import Staff, StaffContext
from immersio_booking.dashboard.forms import checked_form, field_problems
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.dashboard.school_settings import SETTINGS, school_of, settings_page
from immersio_booking.db.dependencies import Session
from immersio_booking.organizations import service
from immersio_booking.organizations.schemas import OrganizationPatch, OrganizationSettingsPatch

ORGANIZATION = SETTINGS + "/organization"
TEXTS = ("name", "contact_email", "bio", "org_auto_accept_email")
SWITCHES = ("lock_event_type_creation", "allow_seo_indexing", "admin_gets_no_slots_notification")

M = TypeVar("M", bound=BaseModel)

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


async def _organization_page(
    request: Request,
    staff: StaffContext,
    session: AsyncSession,
    *,
    status_code: int = 200,
    entered: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    school = school_of(staff)
    if entered is None:
        switches = await service.settings_of(session, school.id)
        entered = {
            "name": school.name,
            "contact_email": school.contact_email or "",
            "bio": school.bio or "",
            "org_auto_accept_email": switches.org_auto_accept_email or "",
            **{s: getattr(switches, s) for s in SWITCHES},
        }
    return settings_page(
        request,
        staff,
        "dashboard/settings_organization.html",
        {
            "entered": entered,
            "errors": errors or {},
        },
        status_code=status_code,
    )


def _validated(model: type[M], fields: dict[str, Any], errors: dict[str, str]) -> M | None:
    """``fields`` as ``model``, or None with each refused field added to ``errors`` (both
    parts of the form are checked, so every problem shows at once)."""
    try:
        return model.model_validate(fields)
    except ValidationError as invalid:
        errors.update(field_problems(invalid))
        return None


@router.get(ORGANIZATION, response_class=HTMLResponse)
async def organization(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    return await _organization_page(request, staff, session)


@router.post(ORGANIZATION)
async def save_organization(request: Request, staff: Staff, session: Session) -> Response:
    form = await checked_form(request)
    school = school_of(staff)
    entered: dict[str, Any] = {f: str(form.get(f) or "").strip() for f in TEXTS}
    entered.update({s: form.get(s) == "1" for s in SWITCHES})
    errors: dict[str, str] = {}
    details = _validated(
        OrganizationPatch,
        {
            "name": entered["name"],
            "contact_email": entered["contact_email"] or None,
            "bio": entered["bio"] or None,
        },
        errors,
    )
    switches = _validated(
        OrganizationSettingsPatch,
        {
            "org_auto_accept_email": entered["org_auto_accept_email"] or None,
            **{s: entered[s] for s in SWITCHES},
        },
        errors,
    )
    if details is None or switches is None:
        return await _organization_page(
            request, staff, session, status_code=400, entered=entered, errors=errors
        )
    async with session.begin_nested():
        await service.patch_organization(session, staff.principal, school, details)
        await service.patch_settings(session, staff.principal, school.id, switches)
    return RedirectResponse(f"{ORGANIZATION}?done=saved", status_code=303)
