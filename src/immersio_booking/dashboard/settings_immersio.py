"""School settings: the Immersio connection — connect (the webhook secret shown once), test,
disconnect, "sync now" and the sync log, through the immersio service and its sync tasks as
``/v2/organizations/{id}/immersio/…``. While a sync runs, the log polls itself every 2 s with
htmx (``/sync-log`` answers the log alone); without JavaScript a reload link does the same."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.dashboard.access import Staff, StaffContext
from immersio_booking.dashboard.dates import moment_of
from immersio_booking.dashboard.forms import checked_form, field_problems
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.dashboard.school_settings import SETTINGS, school_of, settings_page
from immersio_booking.db.dependencies import Session
from immersio_booking.immersio import repository, service
from immersio_booking.immersio.schemas import ALL_SYNC_TYPES, IntegrationIn
from immersio_booking.immersio.tasks import start_and_defer
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import BadRequest
from immersio_booking.kit.http import UnsafeTarget
from immersio_booking.models import SyncLogStatus
from immersio_booking.web.rendering import STATIC, static_url

IMMERSIO = SETTINGS + "/immersio"
SYNC_LOG = IMMERSIO + "/sync-log"
SHOWN_LOGS = 30
FIELDS = ("immersio_org_id", "base_url", "sync_interval_minutes")
HTMX = "vendor/htmx.min.js"

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


def _school_id(staff: StaffContext) -> int:
    school = school_of(staff)
    staff.principal.require_org_admin(school.id)
    return school.id


async def _log(request: Request, staff: StaffContext, session: AsyncSession) -> dict[str, Any]:
    """The sync log's rows, and whether a sync is still running (the page polls while so)."""

    def at(moment: datetime | None) -> str:
        return moment_of(request, staff, moment)

    rows, _ = await repository.sync_logs(session, _school_id(staff), SHOWN_LOGS, 0)
    return {
        "logs": [
            {"log": r, "started": at(r.started_at), "ended": at(r.completed_at)} for r in rows
        ],
        "running": any(r.status == SyncLogStatus.RUNNING for r in rows),
    }


async def _immersio_page(
    request: Request,
    staff: StaffContext,
    session: AsyncSession,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    entered: dict[str, Any] | None = None,
    **context: Any,
) -> HTMLResponse:
    school_id = _school_id(staff)
    settings = app_settings(request)
    integration = await repository.integration(session, school_id)
    shown = service.out(integration, settings) if integration is not None else None
    if entered is None:
        entered = {
            "immersio_org_id": shown.immersio_org_id if shown else "",
            "base_url": shown.base_url if shown else "",
            "sync_interval_minutes": str(shown.sync_interval_minutes if shown else 60),
            "sync_enabled": shown.sync_enabled if shown else False,
        }
    return settings_page(
        request,
        staff,
        "dashboard/settings_immersio.html",
        {
            "integration": shown,
            "last_sync": moment_of(request, staff, shown.last_sync_at) if shown else "",
            "entered": entered,
            "errors": errors or {},
            "htmx": static_url(HTMX) if (STATIC / HTMX).exists() else None,
            **await _log(request, staff, session),
            **context,
        },
        status_code=status_code,
        shows_a_secret=True,
    )


@router.get(IMMERSIO, response_class=HTMLResponse)
async def immersio(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    return await _immersio_page(request, staff, session)


@router.get(SYNC_LOG, response_class=HTMLResponse)
async def sync_log(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    """The sync log alone, for the page's polling while a sync runs."""
    return settings_page(
        request,
        staff,
        "dashboard/_immersio_sync_log.html",
        await _log(request, staff, session),
    )


@router.post(IMMERSIO)
async def connect(request: Request, staff: Staff, session: Session) -> Response:
    form = await checked_form(request)
    school_id = _school_id(staff)
    entered: dict[str, Any] = {f: str(form.get(f) or "").strip() for f in FIELDS}
    entered["sync_enabled"] = form.get("sync_enabled") == "1"
    api_key = str(form.get("api_key") or "").strip()
    errors: dict[str, str] = {}
    try:
        body = IntegrationIn.model_validate(entered | {"api_key": api_key or None})
    except ValidationError as invalid:
        errors = field_problems(invalid)
    else:
        try:
            async with session.begin_nested():
                shown = await service.connect(session, school_id, body, app_settings(request))
        except UnsafeTarget:
            errors = {"base_url": "unsafe"}
        except BadRequest as refused:
            if refused.reason != "immersio_key_missing":
                raise
            errors = {"api_key": "required"}
        else:
            if shown.webhook_secret is None:
                return RedirectResponse(f"{IMMERSIO}?done=saved", status_code=303)
            return await _immersio_page(
                request, staff, session, status_code=201, secret=shown.webhook_secret
            )
    # The API key is never sent back into the page.
    return await _immersio_page(
        request, staff, session, status_code=400, errors=errors, entered=entered
    )


@router.post(IMMERSIO + "/test")
async def test_connection(request: Request, staff: Staff, session: Session) -> Response:
    await checked_form(request)
    check = await service.check_connection(session, _school_id(staff), app_settings(request))
    return await _immersio_page(request, staff, session, check=check)


@router.post(IMMERSIO + "/sync")
async def sync_now(request: Request, staff: Staff, session: Session) -> Response:
    await checked_form(request)
    school_id = _school_id(staff)
    await service.connected(session, school_id)  # not connected: not found, nothing started
    started = await start_and_defer(session, school_id, ALL_SYNC_TYPES)
    done = "running" if started.already_running else "started"
    return RedirectResponse(f"{IMMERSIO}?done={done}#sync-log", status_code=303)


@router.post(IMMERSIO + "/disconnect")
async def disconnect(request: Request, staff: Staff, session: Session) -> Response:
    await checked_form(request)
    await service.disconnect(session, _school_id(staff), app_settings(request))
    return RedirectResponse(f"{IMMERSIO}?done=disconnected", status_code=303)
