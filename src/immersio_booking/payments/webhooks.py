"""``POST /webhooks/stripe/{orgId}``: verify, store once in the inbox, process in a job."""

from __future__ import annotations

import json
from typing import Any

import stripe
from fastapi import APIRouter, Request
from sqlalchemy.dialects.postgresql import insert

from immersio_booking.db.dependencies import Session
from immersio_booking.jobs.app import defer_in_transaction
from immersio_booking.kit.dependencies import AppSettings
from immersio_booking.kit.errors import BadRequest, NotFound
from immersio_booking.models import InboxEvent
from immersio_booking.payments.service import provider_for
from immersio_booking.payments.tasks import process_payment_event, process_platform_event

router = APIRouter(tags=["Payments"])
TOLERANCE_SECONDS = 300


def _verified(payload: bytes, signature: str, secret: str) -> dict[str, Any]:
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, secret, TOLERANCE_SECONDS
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise BadRequest("Invalid Stripe signature", reason="invalid_signature") from exc
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise BadRequest("Not a Stripe event", reason="invalid_event")
    return event


async def _store(
    session: Session, org_id: int | None, source: str, event: dict[str, Any]
) -> int | None:
    """The event's inbox row id, or None when this event was stored before."""
    inserted: int | None = (
        await session.execute(
            insert(InboxEvent)
            .values(
                organization_id=org_id,
                source=source,
                external_id=str(event["id"]),
                type=str(event["type"]),
                payload=event,
            )
            .on_conflict_do_nothing(
                # Per tenant: schools sharing one Stripe account each get their copy.
                index_elements=["source", "organization_id", "external_id"]
                if org_id is not None
                else ["source", "external_id"],
                index_where=InboxEvent.organization_id.is_(None) if org_id is None else None,
            )
            .returning(InboxEvent.id)
        )
    ).scalar_one_or_none()
    return inserted


@router.post("/webhooks/stripe/platform")
async def stripe_platform_webhook(
    request: Request, session: Session, settings: AppSettings
) -> dict[str, Any]:
    """Stripe events of the platform's own account (schools' plan subscriptions)."""
    secret = settings.platform_stripe_webhook_secret
    if not secret:
        raise NotFound("Plan billing is not configured here", reason="billing_not_configured")
    event = _verified(await request.body(), request.headers.get("stripe-signature", ""), secret)
    inserted = await _store(session, None, "stripe-platform", event)
    if inserted is not None:
        await defer_in_transaction(session, process_platform_event, inbox_id=inserted)
    return {"received": True, "duplicate": inserted is None}


@router.post("/webhooks/stripe/{orgId}")
async def stripe_webhook(
    orgId: int,  # noqa: N803
    request: Request,
    session: Session,
    settings: AppSettings,
) -> dict[str, Any]:
    """Stripe events of a school's account. A bad or old signature is refused (400); a
    duplicate is accepted and ignored; the answer comes at once, the work in a job."""
    connected = await provider_for(session, orgId, settings)
    if connected is None or not connected.webhook_secret:
        raise NotFound("No Stripe account is connected here", reason="stripe_not_connected")
    event = _verified(
        await request.body(), request.headers.get("stripe-signature", ""), connected.webhook_secret
    )
    inserted = await _store(session, orgId, "stripe", event)
    if inserted is not None:
        await defer_in_transaction(session, process_payment_event, inbox_id=inserted)
    return {"received": True, "duplicate": inserted is None}
