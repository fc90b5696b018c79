"""School settings: the staff member's own API keys — list (masked), create (the key shown
once, on the answer to the form, never stored in the clear nor put in an address), revoke.
The same auth service as ``/v2/api-keys``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth import keys, repository, service
from immersio_booking.auth.schemas import ApiKeyCreate
from immersio_booking.dashboard.access import Staff, StaffContext
from immersio_booking.dashboard.dates import day_of
from immersio_booking.dashboard.forms import checked_form
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.dashboard.school_settings import SETTINGS, school_of, settings_page
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock
from immersio_booking.kit.schemas import ResourceId

API_KEYS = SETTINGS + "/api-keys"
LIFETIMES = {"30": 30, "90": 90, "365": 365, "never": None}  # days

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


async def _keys_page(
    request: Request,
    staff: StaffContext,
    session: AsyncSession,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    school_of(staff)
    service.refuse_while_impersonating(staff.principal)
    now = clock.now()
    rows = [
        {
            "key": k,
            "masked": keys.masked(k.prefix),
            "created": day_of(request, staff, k.created_at),
            "expires": day_of(request, staff, k.expires_at),
            "active": k.revoked_at is None and (k.expires_at is None or k.expires_at > now),
        }
        for k in await repository.keys_of_user(session, staff.user.id)
    ]
    return settings_page(
        request,
        staff,
        "dashboard/settings_api_keys.html",
        {
            "rows": rows,
            "lifetimes": LIFETIMES,
            "errors": {},
            "created": None,
            **context,
        },
        status_code=status_code,
        shows_a_secret=True,
    )


@router.get(API_KEYS, response_class=HTMLResponse)
async def api_keys(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    return await _keys_page(request, staff, session)


@router.post(API_KEYS)
async def create_api_key(request: Request, staff: Staff, session: Session) -> Response:
    form = await checked_form(request)
    school_of(staff)
    service.refuse_while_impersonating(staff.principal)
    note = str(form.get("note") or "").strip()
    lifetime = str(form.get("lifetime") or "")
    if lifetime not in LIFETIMES:
        return await _keys_page(
            request, staff, session, status_code=400, errors={"lifetime": "invalid"}
        )
    days = LIFETIMES[lifetime]
    try:
        body = ApiKeyCreate.model_validate(
            {
                "note": note or None,
                "expires_at": clock.now() + timedelta(days=days) if days else None,
            }
        )
    except ValidationError:
        return await _keys_page(
            request, staff, session, status_code=400, errors={"note": "invalid"}
        )
    _, raw = await service.issue_key(session, staff.user, body.note, body.expires_at)
    return await _keys_page(request, staff, session, status_code=201, created=raw)


@router.post(API_KEYS + "/{keyId}/revoke")
async def revoke_api_key(
    keyId: ResourceId,  # noqa: N803
    request: Request,
    staff: Staff,
    session: Session,
) -> Response:
    await checked_form(request)
    school_of(staff)
    service.refuse_while_impersonating(staff.principal)
    await service.revoke_key(session, staff.principal, keyId)
    return RedirectResponse(f"{API_KEYS}?done=revoked", status_code=303)
