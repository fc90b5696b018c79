"""School settings: payments — the school's Stripe account (connect with its keys, checked
with Stripe and stored sealed; disconnect) through the payments credentials service as
``/v2/organizations/{id}/payments/stripe``, and the school's latest payments and refunds."""

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
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.payments import credentials, ledger
from immersio_booking.payments.credentials import StripeKeysIn

PAYMENTS = SETTINGS + "/payments"
KEYS = ("secret_key", "publishable_key", "webhook_secret")
SHOWN = 50

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


def _school_id(staff: StaffContext) -> int:
    school = school_of(staff)
    staff.principal.require_org_admin(school.id)
    return school.id


async def _payments_page(
    request: Request,
    staff: StaffContext,
    session: AsyncSession,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    entered: dict[str, str] | None = None,
) -> HTMLResponse:
    school_id = _school_id(staff)
    credential = await credentials.stripe_credential(session, school_id)
    connected = (
        credentials.masked_out(SecretBox.of(app_settings(request)), credential)
        if credential is not None
        else None
    )

    def at(moment: datetime) -> str:
        return moment_of(request, staff, moment)

    return settings_page(
        request,
        staff,
        "dashboard/settings_payments.html",
        {
            "connected": connected,
            "payments": [
                {"line": line, "made": at(line.payment.created_at), "session": at(line.start)}
                for line in await ledger.payments(session, school_id, SHOWN)
            ],
            "refunds": [
                {"line": line, "made": at(line.refund.created_at), "session": at(line.start)}
                for line in await ledger.refunds(session, school_id, SHOWN)
            ],
            "errors": errors or {},
            "entered": entered or {"publishable_key": ""},
        },
        status_code=status_code,
    )


@router.get(PAYMENTS, response_class=HTMLResponse)
async def payments(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    return await _payments_page(request, staff, session)


@router.post(PAYMENTS + "/stripe")
async def connect_stripe(request: Request, staff: Staff, session: Session) -> Response:
    form = await checked_form(request)
    school_id = _school_id(staff)
    entered: dict[str, Any] = {k: str(form.get(k) or "").strip() for k in KEYS}
    try:
        body = StripeKeysIn.model_validate(entered)
    except ValidationError as invalid:
        # Secrets are never sent back into the page; the publishable key may be.
        return await _payments_page(
            request,
            staff,
            session,
            status_code=400,
            errors=field_problems(invalid),
            entered={"publishable_key": entered["publishable_key"]},
        )
    shown = await credentials.connect(session, school_id, body, app_settings(request))
    done = "refused" if shown.invalid else "connected"
    return RedirectResponse(f"{PAYMENTS}?done={done}", status_code=303)


@router.post(PAYMENTS + "/stripe/disconnect")
async def disconnect_stripe(request: Request, staff: Staff, session: Session) -> Response:
    await checked_form(request)
    await credentials.disconnect(session, _school_id(staff), app_settings(request))
    return RedirectResponse(f"{PAYMENTS}?done=disconnected", status_code=303)
