"""Payment jobs: process inbox events, release expired holds, ask Stripe about late ones."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import payment_holds
from immersio_booking.jobs import context
from immersio_booking.jobs.app import job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import clock
from immersio_booking.kit.stripe_api import PaymentProviderError
from immersio_booking.models import InboxEvent
from immersio_booking.payments import refunds, settlement
from immersio_booking.payments.service import provider_for
from immersio_booking.subscriptions import billing

log = logging.getLogger(__name__)

HANDLED = frozenset(
    {
        "payment_intent.succeeded",
        "payment_intent.payment_failed",
        "payment_intent.canceled",
        "payment_intent.processing",
    }
)


Handler = Callable[[AsyncSession, InboxEvent], Awaitable[str]]


async def handle_once(inbox_id: int, handler: Handler) -> str:
    """Run ``handler`` on an inbox event exactly once (row-locked, then marked processed)."""
    async with job_session() as session:
        event = await session.get(InboxEvent, inbox_id, with_for_update=True)
        if event is None or event.processed_at is not None:
            return "already processed"
        outcome = await handler(session, event)
        event.processed_at = clock.now()
        return outcome


async def _settle_payment_event(session: AsyncSession, event: InboxEvent) -> str:
    if event.type not in HANDLED or event.organization_id is None:
        return "ignored"
    intent_id = str(event.payload.get("data", {}).get("object", {}).get("id", ""))
    connected = await provider_for(session, event.organization_id, context.settings())
    payment = await settlement.payment_by_external_id(session, event.organization_id, intent_id)
    if connected is None or payment is None:
        return "ignored"
    charge = await connected.provider.fetch(intent_id)  # trust Stripe, not the payload
    timeout = context.settings().lock_timeout_ms
    return await settlement.settle(session, payment, charge, clock.now(), timeout)


@job_app.task(name="process_payment_event", retry=10)
async def process_payment_event(inbox_id: int) -> str:
    """Re-read the PaymentIntent from Stripe with the school's key, then settle from that."""
    return await handle_once(inbox_id, _settle_payment_event)


@job_app.periodic(cron="* * * * *")
@job_app.task(name="expire_payment_holds", queueing_lock="expire_payment_holds")
async def expire_payment_holds(timestamp: int) -> int:
    """Release the seats of unpaid bookings whose hold has passed."""
    del timestamp
    settings = context.settings()
    async with job_session() as session:
        expired = await payment_holds.release_expired(session, clock.now())
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
    """Queue a refund job per pending cancellation-history row: the safety net behind the job
    that each cancellation queues itself (``refunds.start_soon``)."""
    del timestamp
    async with job_session() as session:
        ids = await refunds.due(session)
    for history_id in ids:
        try:
            await execute_refund.configure(
                queueing_lock=refunds.queueing_lock(history_id)
            ).defer_async(history_id=history_id)
        except AlreadyEnqueued:  # queued by the cancellation itself and not started yet
            continue
    return len(ids)


@job_app.task(name="execute_refund", retry=8)
async def execute_refund(history_id: int) -> str:
    """One refund at the provider; a failure raises and the queue retries with backoff."""
    async with job_session() as session:
        return await refunds.execute(session, history_id, context.settings())


@job_app.periodic(cron="* * * * *")
@job_app.task(name="reconcile_payments", queueing_lock="reconcile_payments")
async def reconcile_payments(timestamp: int) -> int:
    """Ask Stripe about every payment still open near its hold's end: a lost webhook never
    leaves a paid student unconfirmed."""
    del timestamp
    settings = context.settings()
    settled = 0
    async with job_session() as session:
        for payment in await settlement.open_payments_near_expiry(session):
            connected = await provider_for(session, payment.organization_id, settings)
            if connected is None or payment.external_id is None:
                continue
            try:
                charge = await connected.provider.fetch(payment.external_id)
            except PaymentProviderError as exc:  # one payment Stripe cannot tell about must
                log.warning("reconciliation skipped payment %s: %s", payment.uid, exc)
                continue  # not keep the others unconfirmed
            outcome = await settlement.settle(
                session, payment, charge, clock.now(), settings.lock_timeout_ms
            )
            if outcome != "unchanged":
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


async def _apply_platform_event(session: AsyncSession, event: InboxEvent) -> str:
    if event.type not in PLATFORM_HANDLED:
        return "ignored"
    obj = event.payload.get("data", {}).get("object", {})
    is_invoice = obj.get("object") == "invoice"
    subscription_id = obj.get("subscription") if is_invoice else obj.get("id")
    if not subscription_id:
        return "ignored"
    client = billing.platform_client(context.settings())
    subscription = await client.v1.subscriptions.retrieve_async(str(subscription_id))
    row = await billing.apply_stripe_subscription(session, subscription, event.type)
    return row.status if row is not None else "unknown school"


@job_app.task(name="process_platform_event", retry=10)
async def process_platform_event(inbox_id: int) -> str:
    """Re-read the school's plan subscription from Stripe, then bring its row in step."""
    return await handle_once(inbox_id, _apply_platform_event)
