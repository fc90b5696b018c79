"""Set-up shared by the payment tests: a school on localstripe, signed webhooks, ending holds."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.kit import clock
from immersio_booking.models import Booking
from tests.bookings.helpers import book, teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import job_environment, run_jobs

WEBHOOK_SECRET = "whsec_testsecret123"


@pytest.fixture
def jobs(database_url: str, data_dir: Path, localstripe: str) -> Iterator[None]:
    """The job environment pointing at localstripe (import it where a test uses it)."""
    with job_environment(database_url, data_dir, IMMERSIO_STRIPE_API_BASE=localstripe):
        yield


def signed(
    payload: dict[str, Any], secret: str = WEBHOOK_SECRET, at: int | None = None
) -> dict[str, Any]:
    body = json.dumps(payload).encode()
    stamp = at or int(clock.timestamp())
    signature = hmac.new(secret.encode(), b"%d.%s" % (stamp, body), hashlib.sha256).hexdigest()
    return {
        "content": body,
        "headers": {
            "Stripe-Signature": f"t={stamp},v1={signature}",
            "Content-Type": "application/json",
        },
    }


def event(intent_id: str, kind: str = "payment_intent.succeeded") -> dict[str, Any]:
    return {
        "id": f"evt_{secrets.token_hex(8)}",
        "type": kind,
        "object": "event",
        "data": {"object": {"id": intent_id, "object": "payment_intent", "amount": 1}},
    }


async def connect_stripe(
    client: httpx.AsyncClient, tenant: Tenant, webhook_secret: str = WEBHOOK_SECRET
) -> dict[str, Any]:
    return data(
        await client.put(  # type: ignore[no-any-return]
            f"/v2/organizations/{tenant.id}/payments/stripe",
            headers=tenant.headers,
            json={
                "secretKey": f"sk_test_{secrets.token_hex(8)}",
                "publishableKey": "pk_test_abc123",
                "webhookSecret": webhook_secret,
            },
        )
    )


def stripe_client(localstripe: str, key: str = "sk_test_check") -> stripe.StripeClient:
    """A Stripe client on localstripe, to look at (or act on) what Stripe holds."""
    return stripe.StripeClient(
        key,
        base_addresses={"api": localstripe},
        http_client=stripe.HTTPXClient(allow_sync_methods=True),
    )


async def pay(localstripe: str, intent_id: str, card: str = "4242424242424242") -> str:
    """The student paying at Stripe (what Stripe.js does in the browser)."""
    client = stripe_client(localstripe, "sk_test_student")
    method = await client.v1.payment_methods.create_async(
        {"type": "card", "card": {"number": card, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )
    await client.v1.payment_intents.update_async(intent_id, {"payment_method": method.id})
    try:
        done = await client.v1.payment_intents.confirm_async(intent_id)
    except stripe.CardError:
        return "declined"
    return str(done.status)


async def notify(
    client: httpx.AsyncClient,
    tenant: Tenant,
    intent_id: str,
    kind: str = "payment_intent.succeeded",
) -> None:
    """Stripe sends the school a signed webhook about the intent (the worker has not run)."""
    r = await client.post(f"/webhooks/stripe/{tenant.id}", **signed(event(intent_id, kind)))
    assert r.status_code == 200


async def pay_and_notify(
    client: httpx.AsyncClient, tenant: Tenant, localstripe: str, database_url: str, intent_id: str
) -> None:
    """The student pays, Stripe sends the signed webhook, the worker settles."""
    assert await pay(localstripe, intent_id) == "succeeded"
    await notify(client, tenant, intent_id)
    await run_jobs(database_url)


def intent_of(booking: dict[str, Any]) -> str:
    """The PaymentIntent id inside a booking's client secret."""
    return str(booking["payment"]["clientSecret"]).split("_secret_")[0]


async def stripe_workshop(
    client: httpx.AsyncClient,
    tenant: Tenant,
    webhook_secret: str = WEBHOOK_SECRET,
    **fields: Any,
) -> dict[str, Any]:
    """A school with Stripe connected, a teacher's hours and a paid workshop (``price=``...)."""
    await connect_stripe(client, tenant, webhook_secret)
    await teacher_hours(client, tenant)
    return await workshop(client, tenant, **fields)


async def book_paid(
    client: httpx.AsyncClient, event_type: dict[str, Any], start: str
) -> tuple[dict[str, Any], str]:
    """Book a paid workshop: the pending booking and its PaymentIntent id."""
    booking = data(await book(client, event_type["id"], start), 201)
    return booking, intent_of(booking)


async def end_holds(
    sessionmaker: async_sessionmaker[AsyncSession],
    *uids: str,
    after: timedelta = timedelta(seconds=-1),
) -> None:
    """Move the payment holds of these bookings to end ``after`` from now (default: just gone)."""
    async with transaction(sessionmaker) as session:
        await session.execute(
            update(Booking).where(Booking.uid.in_(uids)).values(hold_expires_at=clock.now() + after)
        )
