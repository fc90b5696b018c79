"""Payment jobs: process inbox events, release expired holds, ask Stripe about late ones."""

from __future__ import annotations

from datetime import UTC, datetime

from immersio_booking.config import get_settings
from immersio_booking.jobs.app import job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.models import InboxEvent
from immersio_booking.payments import refunds, settlement
from immersio_booking.payments.service import provider_for
from immersio_booking.payments.stripe_provider import PaymentProviderError

HANDLED = frozenset(
    {
        "payment_intent.succeeded",
        "payment_intent.payment_failed",
        "payment_intent.canceled",
        "payment_intent.processing",
    }
)


@job_app.task(name="process_payment_event", retry=10)
async def process_payment_event(inbox_id: int) -> str:
    """Re-read the PaymentIntent from Stripe with the school's key, then settle from that."""
    settings = get_settings()
    async with job_session() as session:
        event = await session.get(InboxEvent, inbox_id, with_for_update=True)
        if event is None or event.processed_at is not None:
            return "already processed"
        outcome = "ignored"
        if event.type in HANDLED and event.organization_id is not None:
            intent_id = str(event.payload.get("data", {}).get("object", {}).get("id", ""))
            connected = await provider_for(session, event.organization_id, settings)
            payment = await settlement.payment_by_external_id(
                session, event.organization_id, intent_id
            )
            if connected is not None and payment is not None:
                charge = await connected.provider.fetch(intent_id)  # trust Stripe, not the payload
                outcome = await settlement.settle(session, payment, charge, datetime.now(UTC))
        event.processed_at = datetime.now(UTC)
        return outcome


@job_app.periodic(cron="* * * * *")
@job_app.task(name="expire_payment_holds", queueing_lock="expire_payment_holds")
async def expire_payment_holds(timestamp: int) -> int:
    """Release the seats of unpaid bookings whose hold has passed."""
    del timestamp
    settings = get_settings()
    async with job_session() as session:
        expired = await settlement.expire_holds(session)
        for booking in expired:  # the PaymentIntent cannot be paid any more either
            payment = await settlement.payment_of_booking(session, booking.id)
            connected = await provider_for(session, booking.organization_id, settings)
            if payment is not None and payment.external_id and connected is not None:
                try:
                    await connected.provider.cancel(payment.external_id)
                except PaymentProviderError:
                    continue  # already paid or cancelled: reconciliation settles it
        return len(expired)


@job_app.periodic(cron="* * * * *")
@job_app.task(name="execute_refunds", queueing_lock="execute_refunds")
async def execute_refunds(timestamp: int) -> int:
    """Queue a refund job per pending cancellation-history row."""
    del timestamp
    async with job_session() as session:
        ids = await refunds.due(session)
    for history_id in ids:
        await execute_refund.configure(queueing_lock=f"refund-{history_id}").defer_async(
            history_id=history_id
        )
    return len(ids)


@job_app.task(name="execute_refund", retry=8)
async def execute_refund(history_id: int) -> str:
    """One refund at the provider; a failure raises and the queue retries with backoff."""
    async with job_session() as session:
        return await refunds.execute(session, history_id, get_settings())


@job_app.periodic(cron="* * * * *")
@job_app.task(name="reconcile_payments", queueing_lock="reconcile_payments")
async def reconcile_payments(timestamp: int) -> int:
    """Ask Stripe about every payment still open near its hold's end: a lost webhook never
    leaves a paid student unconfirmed."""
    del timestamp
    settings = get_settings()
    settled = 0
    async with job_session() as session:
        for payment in await settlement.open_payments_near_expiry(session):
            connected = await provider_for(session, payment.organization_id, settings)
            if connected is None or payment.external_id is None:
                continue
            charge = await connected.provider.fetch(payment.external_id)
            if await settlement.settle(session, payment, charge, datetime.now(UTC)) != "unchanged":
                settled += 1
    return settled


PLATFORM_HANDLED = frozenset(
    {
        "invoice.payment_succeeded",
        "invoice.paid",
        "invoice.payment_failed",
        "customer.subscription.updated",
        "customer.subscription.deleted",
    }
)


@job_app.task(name="process_platform_event", retry=10)
async def process_platform_event(inbox_id: int) -> str:
    """Re-read the school's plan subscription from Stripe, then bring its row in step."""
    from immersio_booking.subscriptions import billing

    settings = get_settings()
    async with job_session() as session:
        event = await session.get(InboxEvent, inbox_id, with_for_update=True)
        if event is None or event.processed_at is not None:
            return "already processed"
        outcome = "ignored"
        if event.type in PLATFORM_HANDLED:
            obj = event.payload.get("data", {}).get("object", {})
            subscription_id = (
                obj.get("subscription") if obj.get("object") == "invoice" else obj.get("id")
            )
            if subscription_id:
                client = billing.platform_client(settings)
                subscription = await client.v1.subscriptions.retrieve_async(str(subscription_id))
                row = await billing.apply_stripe_subscription(session, subscription, event.type)
                outcome = row.status if row is not None else "unknown school"
        event.processed_at = datetime.now(UTC)
        return outcome
