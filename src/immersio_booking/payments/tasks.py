"""Payment jobs: process inbox events, release expired holds, ask Stripe about late ones."""

from __future__ import annotations

from datetime import UTC, datetime

from immersio_booking.config import get_settings
from immersio_booking.jobs.app import job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.models import InboxEvent
from immersio_booking.payments import settlement
from immersio_booking.payments.service import provider_for

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
    async with job_session() as session:
        return len(await settlement.expire_holds(session))
