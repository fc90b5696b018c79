"""Starting and settling payments for bookings, through the tenant's payment provider."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import Settings
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.models import Booking, EventType, Payment
from immersio_booking.payments import credentials
from immersio_booking.payments.provider import PaymentProvider
from immersio_booking.payments.stripe_provider import StripeProvider
from immersio_booking.subscriptions import service as subscriptions
from immersio_booking.subscriptions.plans import PLANS


@dataclass(frozen=True)
class Connected:
    provider: PaymentProvider
    publishable_key: str | None
    webhook_secret: str | None


async def provider_for(
    session: AsyncSession, organization_id: int, settings: Settings
) -> Connected | None:
    """The school's Stripe account, when one is connected and valid."""
    credential = await credentials.stripe_credential(session, organization_id)
    if credential is None or credential.invalid:
        return None
    keys = credentials.opened(SecretBox.of(settings), credential)
    return Connected(
        StripeProvider(keys["secret_key"], settings.stripe_api_base),
        keys["publishable_key"],
        keys["webhook_secret"],
    )


async def platform_fee(session: AsyncSession, organization_id: int, amount: int) -> int:
    row, _ = await subscriptions.effective(session, organization_id)
    plan = PLANS.get(row.plan_type)
    return amount * plan.platform_fee_bps // 10_000 if plan else 0


async def start_payment(
    session: AsyncSession, booking: Booking, et: EventType, settings: Settings
) -> tuple[Payment, str | None, str | None]:
    """A Payment row for a priced booking, and at Stripe a PaymentIntent for it.

    Returns the payment, the client secret and the publishable key (both None for schools
    without Stripe: their staff mark bookings paid). A Stripe failure raises, and the booking
    is rolled back with it: no seat is held without a way to pay for it.
    """
    connected = await provider_for(session, et.organization_id, settings)
    payment = Payment(
        organization_id=et.organization_id,
        uid=secrets.token_urlsafe(16),
        booking_id=booking.id,
        app_id=connected.provider.app_slug if connected else "manual-payment",
        amount=et.price,
        fee=await platform_fee(session, et.organization_id, et.price),
        currency=et.currency,
        success=False,
        data={},
    )
    session.add(payment)
    await session.flush()
    if connected is None:
        return payment, None, None
    charge = await connected.provider.start(
        payment_uid=payment.uid,
        amount=et.price,
        currency=et.currency,
        metadata={
            "booking_uid": booking.uid,
            "payment_uid": payment.uid,
            "organization_id": str(et.organization_id),
        },
    )
    payment.external_id = charge.external_id
    payment.data = {"status": charge.status}
    await session.flush()
    return payment, charge.client_secret, connected.publishable_key
