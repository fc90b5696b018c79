"""``/payment/{paymentUid}``: the Stripe Payment Element with the school's publishable key.

The page never decides that a booking is paid: ``/payment/{uid}/status`` asks Stripe (with the
school's secret key) and settles the payment from Stripe's answer, exactly as the webhook and
the reconciliation job do, so the student sees the confirmation as soon as Stripe has it.
"""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import access
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock, when
from immersio_booking.kit.dependencies import AppSettings, app_settings
from immersio_booking.kit.errors import NotFound
from immersio_booking.models import Booking, BookingStatus, Payment
from immersio_booking.payments import settlement
from immersio_booking.payments.service import provider_for
from immersio_booking.web import booking_view, security
from immersio_booking.web.carried import Carried, EmbedParam, OriginParam, address
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


def _hold(booking: Booking, payment: Payment, shown: booking_view.Shown) -> dict[str, Any]:
    """The seat hold as the page shows it: its end (absolute, for pages without scripts, and
    as a timestamp payment.js counts down to), and whether it has run out."""
    ends = booking.hold_expires_at
    ended = not payment.success and (
        booking.status == BookingStatus.CANCELLED
        or (booking.awaits_payment and ends is not None and ends <= clock.now())
    )
    return {
        "expired": ended,
        "hold_ends": ends if booking.awaits_payment and not ended else None,
        "hold_ends_text": (
            f"{when.time_of(ends.astimezone(ZoneInfo(shown.zone)), shown.locale)}"
            f" ({shown.zone_label(ends)})"
            if ends
            else None
        ),
    }


def _rebook_url(shown: booking_view.Shown, carried: Carried) -> str | None:
    """The workshop's booking page, to choose another time, in the same zone, language and
    frame."""
    if shown.et is None:
        return None
    return carried.booking_page(f"/{shown.org.slug}/{shown.et.slug}", shown.booking)


@router.get("/payment/{uid}")
async def payment_page(
    uid: str,
    request: Request,
    session: Session,
    settings: AppSettings,
    tz: Annotated[str | None, Query(max_length=200)] = None,
    embed: EmbedParam = None,
    origin: OriginParam = None,
) -> HTMLResponse:
    payment, client_secret = await refreshed(session, request, uid)
    booking = await session.get(Booking, payment.booking_id)
    assert booking is not None
    # The payment's uid is what the student was given: it shows this booking, and the way on
    # carries the booking's manage token, signed here.
    shown = await booking_view.shown(session, request, booking, tz)
    token = access.manage_token(settings.resolved_secret_key(), booking)
    carried = Carried.of(shown.lang, shown.zone, embed, origin)
    connected = await provider_for(session, payment.organization_id, settings)
    stripe_js = settings.stripe_js_url
    return render(
        request,
        "payment.html",
        {
            **shown.context(token),
            **_hold(booking, payment, shown),
            "payment": payment,
            "stripe_js": stripe_js,
            "publishable_key": connected.publishable_key if connected else None,
            "client_secret": client_secret,
            # After paying: the confirmation with the manage token, in the same frame.
            "done_url": address(f"/booking/{booking.uid}", token=token, **carried.framed()),
            "rebook_url": _rebook_url(shown, carried),
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
