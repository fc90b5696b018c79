"""``/payment/{paymentUid}``: the Stripe Payment Element with the school's publishable key.

The page never decides that a booking is paid: ``/payment/{uid}/status`` asks Stripe (with the
school's secret key) and settles the payment from Stripe's answer, exactly as the webhook and
the reconciliation job do, so the student sees the confirmation as soon as Stripe has it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import access
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import AppSettings, app_settings
from immersio_booking.kit.errors import NotFound
from immersio_booking.landing import service as landing
from immersio_booking.models import Booking, BookingStatus, EventType, Payment, Team
from immersio_booking.payments import settlement
from immersio_booking.payments.service import provider_for
from immersio_booking.web import security
from immersio_booking.web.rendering import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


async def _payment(session: AsyncSession, uid: str, lock: bool = False) -> Payment:
    statement = select(Payment).where(Payment.uid == uid)
    if lock:
        statement = statement.with_for_update()
    payment = (await session.execute(statement)).scalar_one_or_none()
    if payment is None:
        raise NotFound("This payment does not exist")
    return payment


async def refreshed(
    session: AsyncSession, request: Request, uid: str
) -> tuple[Payment, str | None]:
    """The payment after asking Stripe about it; and the client secret Stripe gave."""
    payment = await _payment(session, uid, lock=True)
    connected = await provider_for(session, payment.organization_id, app_settings(request))
    if connected is None or payment.external_id is None:
        return payment, None
    charge = await connected.provider.fetch(payment.external_id)
    await settlement.settle(
        session, payment, charge, clock.now(), app_settings(request).lock_timeout_ms
    )
    return payment, charge.client_secret


@router.get("/payment/{uid}")
async def payment_page(
    uid: str, request: Request, session: Session, settings: AppSettings
) -> HTMLResponse:
    payment, client_secret = await refreshed(session, request, uid)
    booking = await session.get(Booking, payment.booking_id)
    assert booking is not None
    et = await session.get(EventType, booking.event_type_id) if booking.event_type_id else None
    org = await session.get(Team, payment.organization_id)
    assert org is not None
    connected = await provider_for(session, org.id, settings)
    stripe_js = settings.stripe_js_url
    return render(
        request,
        "payment.html",
        {
            "payment": payment,
            "booking": booking,
            "title": et.title if et else booking.title,
            "org": org,
            "palette": landing.palette(await landing.settings_of(session, org.id), org.brand_color),
            "stripe_js": stripe_js,
            "publishable_key": connected.publishable_key if connected else None,
            "client_secret": client_secret,
            "expired": booking.status == BookingStatus.CANCELLED and not payment.success,
            # The booking's pages open only with its manage token; the payment's uid is what
            # the student was given, so the way on carries the token.
            "token": access.manage_token(settings.resolved_secret_key(), booking),
        },
        stripe_origin=security.origin_of(stripe_js),
        robots="noindex",
        framable=True,
    )


@router.get("/payment/{uid}/status")
async def payment_status(uid: str, request: Request, session: Session) -> JSONResponse:
    payment, _ = await refreshed(session, request, uid)
    booking = await session.get(Booking, payment.booking_id)
    assert booking is not None
    return JSONResponse(
        {
            "paid": payment.success,
            "bookingUid": booking.uid,
            "bookingStatus": booking.status,
            "status": str((payment.data or {}).get("status", "requires_payment")),
        },
        headers={"Cache-Control": "no-store"},
    )
