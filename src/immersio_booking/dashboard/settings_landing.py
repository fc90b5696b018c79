"""School settings: the landing page editor — every field of ``PUT
/v2/organizations/{id}/landing-page`` (the same schema and landing service), the contrast
warning the API gives, and a preview of the page in any of the five templates, framed by the
editor only (the preview answers ``frame-ancestors 'self'``)."""

from __future__ import annotations

from typing import Any, get_args

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from pydantic.alias_generators import to_snake
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from immersio_booking.dashboard.access import Staff, StaffContext
from immersio_booking.dashboard.form_errors import (
    FORM,
    FieldErrors,
    all_or_nothing,
    from_validation,
)
from immersio_booking.dashboard.forms import checked_form
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.dashboard.school_settings import SETTINGS, school_of, settings_page
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import BadRequest
from immersio_booking.landing import contrast, service
from immersio_booking.landing.schemas import LandingPageIn, TemplateId
from immersio_booking.models import Team, TenantLandingSettings
from immersio_booking.web.landing_pages import landing_response

LANDING = SETTINGS + "/landing"
PREVIEW = LANDING + "/preview"
TEMPLATES: tuple[str, ...] = get_args(TemplateId)
TEXTS = (
    "primary_color",
    "secondary_color",
    "logo_url",
    "hero_image_url",
    "page_title",
    "page_subtitle",
    "teacher_bio",
    "teacher_avatar_url",
    "cta_text",
    "meta_title",
    "meta_description",
)
SOCIAL = ("facebook", "instagram", "youtube", "tiktok")

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


def _entered_of(row: TenantLandingSettings | None) -> dict[str, Any]:
    """The form's values from the saved page (or the defaults before the first save)."""
    saved = (
        {name: getattr(row, name) for name in LandingPageIn.model_fields}
        if row is not None
        else LandingPageIn().model_dump()
    )
    social = saved.pop("social_links") or {}
    return {
        **{k: ("" if v is None else v) for k, v in saved.items()},
        **{name: social.get(name) or "" for name in SOCIAL},
    }


def _entered_from(form: FormData) -> dict[str, Any]:
    return {
        "template_id": str(form.get("template_id") or ""),
        **{name: str(form.get(name) or "").strip() for name in TEXTS + SOCIAL},
        "is_published": form.get("is_published") == "1",
    }


def _body(entered: dict[str, Any]) -> dict[str, Any]:
    """The API's request body of the form: an empty field is no value."""
    return {
        "template_id": entered["template_id"],
        **{name: entered[name] or None for name in TEXTS},
        "social_links": {name: entered[name] for name in SOCIAL if entered[name]},
        "is_published": entered["is_published"],
    }


def _field_of(loc: tuple[str, ...]) -> str:
    """``("socialLinks", "facebook")`` → ``facebook``; ``("pageTitle",)`` → ``page_title``."""
    return to_snake(loc[-1]) if loc else FORM


def _validated(entered: dict[str, Any]) -> tuple[LandingPageIn | None, FieldErrors]:
    try:
        return LandingPageIn.model_validate(_body(entered)), {}
    except ValidationError as invalid:
        return None, from_validation(invalid, _field_of)


def _transient(org: Team, body: LandingPageIn) -> TenantLandingSettings:
    """The page as ``body`` sets it, never added to the session (a preview writes nothing)."""
    values = body.model_dump()
    values["social_links"] = body.social_links.model_dump(exclude_none=True)
    return TenantLandingSettings(tenant_id=org.id, **values)


def _previewable(entered: dict[str, Any]) -> LandingPageIn:
    """The page as entered, each refused field (a colour being typed, …) left at its
    default: the preview shows what it can while the form is being filled in."""
    body, errors = _validated(entered)
    if body is not None:
        return body
    kept = {
        name: ("" if name in errors else value)
        for name, value in entered.items()
        if name != "template_id"
    }
    kept["template_id"] = "education" if "template_id" in errors else entered["template_id"]
    kept["is_published"] = entered["is_published"]
    return LandingPageIn.model_validate(_body(kept))


async def _editor(
    request: Request,
    staff: StaffContext,
    session: AsyncSession,
    *,
    status_code: int = 200,
    entered: dict[str, Any] | None = None,
    errors: FieldErrors | None = None,
) -> HTMLResponse:
    school = school_of(staff)
    settings = app_settings(request)
    row = await service.settings_of(session, school.id)
    if entered is None:
        entered = _entered_of(row)
    summary = service.out(
        school, row, settings.public_base_url, settings.resolved_secret_key(), clock.now()
    )
    shown = _transient(school, _previewable(entered))
    return settings_page(
        request,
        staff,
        "dashboard/settings_landing.html",
        {
            "entered": entered,
            "errors": errors or {},
            "templates": TEMPLATES,
            "social": SOCIAL,
            # The warning the API gives, for the colours as entered.
            "warnings": [
                {"given": w.given, "used": w.used, "ratio": f"{contrast.worst(w.given)[1]:.2f}"}
                for w in service.palette(shown, school.brand_color).warnings
            ],
            "public_url": summary.public_url,
            "zone": staff.user.time_zone,
            "published": row is not None and row.is_published,
        },
        status_code=status_code,
        frames_self=True,
    )


@router.get(LANDING, response_class=HTMLResponse)
async def landing_editor(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    return await _editor(request, staff, session)


@router.post(LANDING)
async def save_landing(request: Request, staff: Staff, session: Session) -> Response:
    form = await checked_form(request)
    school = school_of(staff)
    entered = _entered_from(form)
    body, errors = _validated(entered)
    if body is None:
        return await _editor(
            request, staff, session, status_code=400, entered=entered, errors=errors
        )
    async with all_or_nothing(session):
        await service.replace(session, staff.principal, school, body)
    return RedirectResponse(f"{LANDING}?done=saved", status_code=303)


async def _preview(
    request: Request, staff: StaffContext, session: AsyncSession, shown: TenantLandingSettings
) -> HTMLResponse:
    response = await landing_response(
        request,
        session,
        app_settings(request),
        school_of(staff),
        shown,
        # Times in the staff member's zone; the address names it, so pages.js does not reload
        # the frame (losing the form's changes) to add the browser's.
        tz=request.query_params.get("tz") or staff.user.time_zone,
        index=False,
        framed_by_self=True,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get(PREVIEW, response_class=HTMLResponse)
async def preview_saved(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    """The saved page, in the template ``?template=`` names (the saved one without it)."""
    school = school_of(staff)
    entered = _entered_of(await service.settings_of(session, school.id))
    chosen = request.query_params.get("template")
    if chosen is not None:
        if chosen not in TEMPLATES:
            raise BadRequest("Unknown template")
        entered["template_id"] = chosen
    return await _preview(request, staff, session, _transient(school, _previewable(entered)))


@router.post(PREVIEW, response_class=HTMLResponse)
async def preview_entered(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    """The page as the editor's form stands, nothing saved."""
    form = await checked_form(request)
    school = school_of(staff)
    shown = _transient(school, _previewable(_entered_from(form)))
    return await _preview(request, staff, session, shown)
