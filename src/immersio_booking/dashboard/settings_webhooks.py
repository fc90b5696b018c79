"""School settings: the school's webhooks (organization-wide, as ``/v2/organizations/{id}/
webhooks``) — list, create (the signing secret shown once), edit, remove, and each
subscription's deliveries with their status and "redeliver". The webhooks service decides,
with the API's own checks (triggers, the safe-URL rules of outgoing requests)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_snake
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from immersio_booking.dashboard.access import Staff, StaffContext
from immersio_booking.dashboard.dates import moment_of
from immersio_booking.dashboard.form_errors import (
    FORM,
    FieldError,
    FieldErrors,
    all_or_nothing,
    from_validation,
)
from immersio_booking.dashboard.forms import checked_form
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.dashboard.school_settings import SETTINGS, school_of, settings_page
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.http import UnsafeTarget
from immersio_booking.webhooks import service
from immersio_booking.webhooks.schemas import TRIGGERS, WebhookCreate, WebhookPatch
from immersio_booking.webhooks.service import Owner

WEBHOOKS = SETTINGS + "/webhooks"
SHOWN_DELIVERIES = 50
MOST_WEBHOOKS = 100

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


def _owner(staff: StaffContext) -> Owner:
    """The school's own subscriptions (``team_id`` = the school), as the organization route."""
    school = school_of(staff)
    staff.principal.require_org_admin(school.id)
    return Owner(school.id, team_id=school.id)


def _entered_from(form: FormData) -> dict[str, Any]:
    return {
        "subscriber_url": str(form.get("subscriber_url") or "").strip(),
        "triggers": [str(t) for t in form.getlist("triggers")],
        "active": form.get("active") == "1",
        "payload_template": str(form.get("payload_template") or "").strip(),
        "secret": str(form.get("secret") or "").strip(),
    }


def _body(entered: dict[str, Any]) -> dict[str, Any]:
    """The API's body: an empty template is none; an empty secret is left out (generated on
    create, kept on edit)."""
    body = {
        "subscriber_url": entered["subscriber_url"],
        "triggers": entered["triggers"],
        "active": entered["active"],
        "payload_template": entered["payload_template"] or None,
    }
    return body | ({"secret": entered["secret"]} if entered["secret"] else {})


def _field_of(loc: tuple[str, ...]) -> str:
    return to_snake(loc[0]) if loc else FORM


async def _saved(
    session: AsyncSession, entered: dict[str, Any], model: type[BaseModel], save: Any
) -> tuple[Any, FieldErrors]:
    """``save(body)`` of the form read as ``model``, or the fields refused (the schema's
    checks, then the outgoing-address rules); nothing is written on a refusal."""
    try:
        body = model.model_validate(_body(entered))
    except ValidationError as invalid:
        return None, from_validation(invalid, _field_of)
    try:
        async with all_or_nothing(session):
            return await save(body), {}
    except UnsafeTarget as unsafe:
        return None, {"subscriber_url": FieldError("unsafe_target", unsafe.message)}


async def _list_page(
    request: Request,
    staff: StaffContext,
    session: AsyncSession,
    *,
    status_code: int = 200,
    entered: dict[str, Any] | None = None,
    errors: FieldErrors | None = None,
    created: Any = None,
) -> HTMLResponse:
    owner = _owner(staff)
    return settings_page(
        request,
        staff,
        "dashboard/settings_webhooks.html",
        {
            "webhooks": await service.listing(session, owner, MOST_WEBHOOKS, 0),
            "triggers": TRIGGERS,
            "entered": entered or {"triggers": ["BOOKING_CREATED"], "active": True},
            "errors": errors or {},
            "created": created,
        },
        status_code=status_code,
        shows_a_secret=True,
    )


@router.get(WEBHOOKS, response_class=HTMLResponse)
async def webhooks(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    return await _list_page(request, staff, session)


@router.post(WEBHOOKS)
async def create_webhook(request: Request, staff: Staff, session: Session) -> Response:
    form = await checked_form(request)
    owner = _owner(staff)
    entered = _entered_from(form)
    settings = app_settings(request)

    async def save(body: WebhookCreate) -> Any:
        return await service.create(session, owner, body, settings)

    created, errors = await _saved(session, entered, WebhookCreate, save)
    if errors:
        return await _list_page(
            request, staff, session, status_code=400, entered=entered, errors=errors
        )
    return await _list_page(request, staff, session, status_code=201, created=created)


async def _webhook_page(
    request: Request,
    staff: StaffContext,
    session: AsyncSession,
    uid: str,
    *,
    status_code: int = 200,
    entered: dict[str, Any] | None = None,
    errors: FieldErrors | None = None,
) -> HTMLResponse:
    owner = _owner(staff)
    webhook = await service.get(session, owner, uid)
    if entered is None:
        entered = {
            "subscriber_url": webhook.subscriber_url,
            "triggers": list(webhook.event_triggers or []),
            "active": webhook.active,
            "payload_template": webhook.payload_template or "",
        }
    deliveries = [
        {
            "delivery": d,
            "created": moment_of(request, staff, d.created_at),
            "last": moment_of(request, staff, d.last_attempt_at),
            "next": moment_of(request, staff, d.next_attempt_at),
        }
        for d in await service.deliveries(session, owner, uid, SHOWN_DELIVERIES, 0)
    ]
    return settings_page(
        request,
        staff,
        "dashboard/settings_webhook.html",
        {
            "webhook": webhook,
            "triggers": TRIGGERS,
            "entered": entered,
            "errors": errors or {},
            "deliveries": deliveries,
        },
        status_code=status_code,
    )


@router.get(WEBHOOKS + "/{webhookId}", response_class=HTMLResponse)
async def webhook(
    webhookId: str,  # noqa: N803
    request: Request,
    staff: Staff,
    session: Session,
) -> HTMLResponse:
    return await _webhook_page(request, staff, session, webhookId)


@router.post(WEBHOOKS + "/{webhookId}")
async def save_webhook(
    webhookId: str,  # noqa: N803
    request: Request,
    staff: Staff,
    session: Session,
) -> Response:
    form = await checked_form(request)
    owner = _owner(staff)
    await service.get(session, owner, webhookId)  # another school's: not found, first
    entered = _entered_from(form)
    settings = app_settings(request)

    async def save(body: WebhookPatch) -> Any:
        return await service.patch(session, owner, webhookId, body, settings)

    _, errors = await _saved(session, entered, WebhookPatch, save)
    if errors:
        return await _webhook_page(
            request, staff, session, webhookId, status_code=400, entered=entered, errors=errors
        )
    return RedirectResponse(f"{WEBHOOKS}/{webhookId}?done=saved", status_code=303)


@router.post(WEBHOOKS + "/{webhookId}/remove")
async def remove_webhook(
    webhookId: str,  # noqa: N803
    request: Request,
    staff: Staff,
    session: Session,
) -> Response:
    await checked_form(request)
    await service.remove(session, _owner(staff), webhookId)
    return RedirectResponse(f"{WEBHOOKS}?done=removed", status_code=303)


@router.post(WEBHOOKS + "/{webhookId}/deliveries/{deliveryId}/redeliver")
async def redeliver(
    webhookId: str,  # noqa: N803
    deliveryId: str,  # noqa: N803
    request: Request,
    staff: Staff,
    session: Session,
) -> Response:
    await checked_form(request)
    await service.redeliver(session, _owner(staff), webhookId, deliveryId)
    return RedirectResponse(f"{WEBHOOKS}/{webhookId}?done=redelivered", status_code=303)
