"""Platform fields belong to the platform: a school cannot write them, checkout trusts none."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.models import Team
from tests.factories import Tenant, auth
from tests.helpers import assert_error, data
from tests.payments.test_plan_billing import platform

PLATFORM_WRITES: list[dict[str, Any]] = [
    {"isPlatform": True},
    {"orgSeats": 500},
    {"orgPricePerSeat": 0},
    {"billingPeriod": "ANNUALLY"},
    {"subscriptionId": "sub_free"},
    {"subscriptionItemId": "si_free"},
    {"stripeCustomerId": "cus_someone_else"},
    {"stripe_customer_id": "cus_someone_else"},
    {"billing": {"contact": "cus_someone_else"}},  # a customer id under any name
]


async def _checkout(
    client: httpx.AsyncClient, school: Tenant, localstripe: str, plan: str
) -> dict[str, Any]:
    card = await platform(localstripe).v1.payment_methods.create_async(
        {
            "type": "card",
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
        }
    )
    return data(  # type: ignore[no-any-return]
        await client.post(
            f"/v2/organizations/{school.id}/subscription/checkout",
            headers=school.headers,
            json={"planType": plan, "paymentMethodId": card.id},
        ),
        201,
    )


@pytest.mark.parametrize("metadata", PLATFORM_WRITES)
async def test_a_school_cannot_write_platform_metadata(
    client: httpx.AsyncClient, tenant: Tenant, metadata: dict[str, Any]
) -> None:
    org_url = f"/v2/organizations/{tenant.id}"
    assert_error(
        await client.patch(org_url, headers=tenant.headers, json={"metadata": metadata}),
        403,
        "platform_metadata_key",
    )
    assert_error(
        await client.post(
            f"{org_url}/teams", headers=tenant.headers, json={"name": "T", "metadata": metadata}
        ),
        403,
        "platform_metadata_key",
    )
    team = data(
        await client.post(f"{org_url}/teams", headers=tenant.headers, json={"name": "U"}), 201
    )
    assert_error(
        await client.patch(
            f"{org_url}/teams/{team['id']}", headers=tenant.headers, json={"metadata": metadata}
        ),
        403,
        "platform_metadata_key",
    )
    shown = data(await client.get(org_url, headers=tenant.headers))
    assert not set(metadata) & set(shown["metadata"])
    assert shown["isPlatform"] is False


async def test_the_platform_writes_them_and_a_school_may_send_them_back_unchanged(
    client: httpx.AsyncClient, tenant: Tenant, platform_admin_key: str
) -> None:
    org_url = f"/v2/organizations/{tenant.id}"
    written = data(
        await client.patch(
            org_url,
            headers=auth(platform_admin_key),
            json={"metadata": {"orgSeats": 12, "billingPeriod": "MONTHLY"}},
        )
    )
    assert written["metadata"]["orgSeats"] == 12
    # a read-modify-write client sends the whole metadata back with its own change
    back = {**written["metadata"], "favouriteColour": "teal"}
    kept = data(await client.patch(org_url, headers=tenant.headers, json={"metadata": back}))
    assert (kept["metadata"]["orgSeats"], kept["metadata"]["favouriteColour"]) == (12, "teal")
    assert_error(
        await client.patch(
            org_url, headers=tenant.headers, json={"metadata": {**back, "orgSeats": 13}}
        ),
        403,
        "platform_metadata_key",
    )


async def test_checkout_never_bills_another_schools_customer(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    localstripe: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    victim = await _checkout(client, other_tenant, localstripe, "starter")
    victims_customer = victim["customerId"]
    # the school cannot point its metadata at the other school's customer...
    assert_error(
        await client.patch(
            f"/v2/organizations/{tenant.id}",
            headers=tenant.headers,
            json={"metadata": {"stripeCustomerId": victims_customer}},
        ),
        403,
        "platform_metadata_key",
    )
    # ...and a value already there (written before this rule) is not trusted by checkout
    async with transaction(sessionmaker) as session:
        org = await session.get(Team, tenant.id)
        assert org is not None
        org.metadata_ = {**org.metadata_, "stripeCustomerId": victims_customer}
    mine = await _checkout(client, tenant, localstripe, "starter")
    assert mine["customerId"] != victims_customer
    stripe_side = platform(localstripe)
    customer = await stripe_side.v1.customers.retrieve_async(mine["customerId"])
    assert customer.metadata["organization_id"] == str(tenant.id)
    subscription = await stripe_side.v1.subscriptions.retrieve_async(mine["subscriptionId"])
    assert subscription.customer == mine["customerId"]
    shown = data(await client.get(f"/v2/organizations/{tenant.id}", headers=tenant.headers))
    assert shown["metadata"]["stripeCustomerId"] == mine["customerId"]
    # the school's own customer is reused on the next checkout
    again = await _checkout(client, tenant, localstripe, "growth")
    assert again["customerId"] == mine["customerId"]
