"""Payments staff record themselves (cash, transfer): ``POST /v2/bookings/{uid}/mark-paid``.

The booking then holds its seat like any paid booking, and its online payment is cancelled at
the provider first, so the student cannot pay a second time; if the student paid online
meanwhile, that payment is the one that counts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.bookings import access, output, repository
from immersio_booking.bookings.access import Actor
from immersio_booking.bookings.schemas import BookingOut
from immersio_booking.config import Settings
from immersio_booking.db.dependencies import Session
from immersio_booking.idempotency.replay import run_once
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import BadRequest, Conflict, RoleRequired
from immersio_booking.kit.schemas import Envelope
from immersio_booking.kit.stripe_api import PaymentProviderError
from immersio_booking.models import Booking, Payment
from immersio_booking.payments.provider import Charge, PaymentProvider
from immersio_booking.payments.service import provider_for
from immersio_booking.payments.settlement import settle

router = APIRouter(prefix="/v2/bookings", tags=["Bookings"])


async def mark_paid(
    session: AsyncSession, booking: Booking, actor: Actor, settings: Settings, now: datetime
) -> Booking:
    """An OWNER/ADMIN records an offline payment of a booking that waits for its payment."""
    if not actor.is_admin:
        raise RoleRequired(
            "Only an OWNER or ADMIN may record a payment",
            details={"requiredRoles": ["ADMIN", "OWNER"]},
        )
    booking = await repository.for_update(session, booking.organization_id, booking.id)
    payment = await repository.payment_of(session, booking.organization_id, booking.id)
    if booking.paid or payment is None:
        raise BadRequest("This booking has no payment waiting", reason="not_awaiting_payment")
    outcome = await record_offline(session, payment, settings, now)
    if outcome == "refund_queued":
        raise Conflict(
            "The seat was released before the payment; nothing was recorded", reason="seat_released"
        )
    if outcome == "amount_mismatch":
        raise Conflict(
            "The student paid online, but not the booking's price; nothing was recorded",
            reason="payment_mismatch",
        )
    await session.refresh(booking)
    return booking


async def _cancel_or_read(provider: PaymentProvider, external_id: str) -> Charge:
    """Cancel the open PaymentIntent; when it cannot be cancelled (paid meanwhile, or cancelled
    already), say what it is now."""
    try:
        return await provider.cancel(external_id)
    except PaymentProviderError:
        return await provider.fetch(external_id)


async def record_offline(
    session: AsyncSession, payment: Payment, settings: Settings, now: datetime
) -> str:
    """Staff received the money themselves (cash, transfer). The online payment is cancelled at
    the provider first, so the student cannot pay a second time; if the student paid online
    meanwhile, that payment is the one that counts."""
    connected = (
        await provider_for(session, payment.organization_id, settings)
        if payment.external_id is not None and payment.app_id != "manual-payment"
        else None
    )
    if connected is not None and payment.external_id is not None:
        charge = await _cancel_or_read(connected.provider, payment.external_id)
        if charge.succeeded:
            return await settle(session, payment, charge, now, settings.lock_timeout_ms)
        if charge.status != "canceled":
            raise PaymentProviderError(
                f"The online payment could not be cancelled (it is {charge.status}); try again"
            )
    payment.app_id = "manual-payment"
    return await settle(
        session,
        payment,
        Charge(payment.external_id or payment.uid, "succeeded", payment.amount, payment.currency),
        now,
        settings.lock_timeout_ms,
    )


@router.post("/{bookingUid}/mark-paid", response_model=Envelope[BookingOut])
async def mark_paid_endpoint(
    bookingUid: str,  # noqa: N803
    principal: AuthSubject,
    session: Session,
    request: Request,
) -> JSONResponse:
    """The school received the money itself (cash, transfer): the booking is paid and holds
    its seat like any paid booking, and its online payment is cancelled (OWNER/ADMIN only)."""
    settings = app_settings(request)

    async def work() -> tuple[int, dict[str, Any]]:
        now = clock.now()
        booking, actor = await access.booking_for(
            session, bookingUid, principal, None, settings.resolved_secret_key(), now
        )
        paid = await mark_paid(session, booking, actor, settings, now)
        return 200, output.envelope(await output.as_json(session, settings, [paid]), False)

    who = f"user-{principal.user_id}"
    return await run_once(session, request, who, work, settings.lock_timeout_ms)
