"""Schools' plan subscriptions on the platform's Stripe account (localstripe)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import stripe
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests import dates
from tests.bookings.helpers import MONDAY, book, teacher_hours, workshop
from tests.conftest import PLATFORM_STRIPE_KEY, PLATFORM_WEBHOOK_SECRET
from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data
from tests.jobs import job_environment, run_jobs
from tests.payments.helpers import signed, stripe_client


@pytest.fixture
def platform_jobs(database_url: str, data_dir: Path, localstripe: str) -> Iterator[None]:
    with job_environment(
        database_url,
        data_dir,
        IMMERSIO_STRIPE_API_BASE=localstripe,
        IMMERSIO_PLATFORM_STRIPE_SECRET_KEY=PLATFORM_STRIPE_KEY,
    ):
        yield


def platform(localstripe: str) -> stripe.StripeClient:
    """The platform's own Stripe account on localstripe (the schools' plans are billed there)."""
    return stripe_client(localstripe, PLATFORM_STRIPE_KEY)


def platform_event(kind: str, obj: dict[str, object], n: int) -> dict[str, object]:
    return {
        "id": f"evt_platform_{kind}_{n}",
        "type": kind,
        "object": "event",
        "data": {"object": obj},
    }


@pytest.mark.usefixtures("platform_jobs")
async def test_subscription_lifecycle(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    url = f"/v2/organizations/{tenant.id}/subscription"
    member = await make_member(sessionmaker, tenant)
    assert_error(
        await client.post(f"{url}/checkout", headers=member.headers, json={"planType": "pro"}),
        403,
        "role_required",
    )
    assert_error(
        await client.post(
            f"{url}/checkout", headers=tenant.headers, json={"planType": "enterprise"}
        ),
        400,
        "validation_failed",
    )
    card = await platform(localstripe).v1.payment_methods.create_async(
        {
            "type": "card",
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
        }
    )
    started = data(
        await client.post(
            f"{url}/checkout",
            headers=tenant.headers,
            json={"planType": "pro", "billingPeriod": "annually", "paymentMethodId": card.id},
        ),
        201,
    )
    assert started["subscriptionId"].startswith("sub_") and started["customerId"].startswith("cus_")
    # nothing changes until Stripe says the invoice is paid
    assert data(await client.get(url, headers=tenant.headers))["planType"] == "growth"
    sub = {"id": started["subscriptionId"], "object": "subscription"}
    invoice = {"object": "invoice", "subscription": started["subscriptionId"]}
    for _ in range(3):  # duplicates are dropped
        r = await client.post(
            "/webhooks/stripe/platform",
            **signed(
                platform_event("invoice.payment_succeeded", invoice, 1),
                secret=PLATFORM_WEBHOOK_SECRET,
            ),
        )
        assert r.status_code == 200
    await run_jobs(database_url)
    active = data(await client.get(url, headers=tenant.headers))
    assert (active["planType"], active["status"], active["billingPeriod"]) == (
        "pro",
        "active",
        "annually",
    )
    assert (
        active["maxTeachers"] == 50 and active["stripeSubscriptionId"] == started["subscriptionId"]
    )
    assert active["currentPeriodEnd"] is not None

    await platform(localstripe).v1.subscriptions.cancel_async(started["subscriptionId"])
    r = await client.post(
        "/webhooks/stripe/platform",
        **signed(
            platform_event("customer.subscription.deleted", sub, 2), secret=PLATFORM_WEBHOOK_SECRET
        ),
    )
    assert r.status_code == 200
    await run_jobs(database_url)
    assert data(await client.get(url, headers=tenant.headers))["status"] == "cancelled"
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    assert_error(
        await book(client, et["id"], dates.at(MONDAY, "10:00")), 402, "subscription_inactive"
    )
    assert_error(
        await client.post(
            "/webhooks/stripe/platform",
            **signed(platform_event("invoice.paid", invoice, 3), secret="whsec_other"),
        ),
        400,
        "invalid_signature",
    )
    async with sessionmaker() as session:
        stored = (
            await session.execute(
                text(
                    "SELECT count(*) FROM inbox_events WHERE source = 'stripe-platform'"
                    " AND external_id LIKE 'evt_platform_%'"
                )
            )
        ).scalar_one()
        assert stored >= 2
