"""Schools that share one Stripe account each get their payments; refunds start at once."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests import dates
from tests.bookings.helpers import teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs
from tests.payments.helpers import (
    book_paid,
    event,
    jobs,  # noqa: F401  (fixture)
    pay,
    pay_and_notify,
    signed,
    stripe_client,
    stripe_workshop,
)


async def _connect(client: httpx.AsyncClient, tenant: Tenant, secret_key: str, hook: str) -> None:
    data(
        await client.put(
            f"/v2/organizations/{tenant.id}/payments/stripe",
            headers=tenant.headers,
            json={
                "secretKey": secret_key,
                "publishableKey": "pk_test_shared",
                "webhookSecret": hook,
            },
        )
    )


async def _paid_booking(
    client: httpx.AsyncClient, tenant: Tenant, localstripe: str
) -> tuple[dict[str, Any], str]:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, price=1800, currency="eur")
    booking, intent_id = await book_paid(client, et, dates.at(dates.monday(), "10:00"))
    assert await pay(localstripe, intent_id) == "succeeded"
    return booking, intent_id


@pytest.mark.usefixtures("jobs")
async def test_each_school_keeps_its_copy_of_a_shared_accounts_event(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    localstripe: str,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    shared_key = f"sk_test_shared{secrets.token_hex(6)}"  # one Stripe account, two schools
    hooks = {
        tenant.id: f"whsec_{secrets.token_hex(8)}",
        other_tenant.id: f"whsec_{secrets.token_hex(8)}",
    }
    for school in (tenant, other_tenant):
        await _connect(client, school, shared_key, hooks[school.id])
    first, first_intent = await _paid_booking(client, tenant, localstripe)
    second, second_intent = await _paid_booking(client, other_tenant, localstripe)
    # Stripe sends every event of the account to both schools' endpoints; the school the event
    # is not about happens to receive it first.
    deliveries = [
        (event(first_intent), (other_tenant, tenant)),
        (event(second_intent), (tenant, other_tenant)),
    ]
    for evt, order in deliveries:
        for school in order:
            r = await client.post(f"/webhooks/stripe/{school.id}", **signed(evt, hooks[school.id]))
            assert r.status_code == 200 and r.json()["duplicate"] is False
        # a real duplicate is still dropped
        again = await client.post(f"/webhooks/stripe/{tenant.id}", **signed(evt, hooks[tenant.id]))
        assert again.json()["duplicate"] is True
    await run_jobs(database_url)
    for school, booking in ((tenant, first), (other_tenant, second)):
        done = data(await client.get(f"/v2/bookings/{booking['uid']}", headers=school.headers))
        assert (done["status"], done["paid"]) == ("accepted", True)
    async with sessionmaker() as session:
        stored = (
            await session.execute(
                text(
                    "SELECT external_id, organization_id, processed_at IS NOT NULL"
                    " FROM inbox_events WHERE external_id = ANY(:ids) ORDER BY id"
                ),
                {"ids": [evt["id"] for evt, _ in deliveries]},
            )
        ).all()
    assert sorted(stored) == sorted(
        [
            (deliveries[0][0]["id"], other_tenant.id, True),
            (deliveries[0][0]["id"], tenant.id, True),
            (deliveries[1][0]["id"], tenant.id, True),
            (deliveries[1][0]["id"], other_tenant.id, True),
        ]
    )


@pytest.mark.usefixtures("jobs")
async def test_a_cancellation_that_owes_a_refund_queues_it_at_once(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await stripe_workshop(client, tenant, price=4200, currency="eur")
    booking, intent_id = await book_paid(client, et, dates.at(dates.monday(), "10:00"))
    await pay_and_notify(client, tenant, localstripe, database_url, intent_id)
    url = f"/v2/bookings/{booking['uid']}"
    data(await client.post(f"{url}/cancel", headers=tenant.headers, json={}))
    [row] = data(await client.get(f"{url}/cancellation-history", headers=tenant.headers))
    assert row["refundStatus"] == "pending"
    # the refund job was queued by the cancellation's own transaction: no worker (and so no
    # periodic sweep) has run since
    async with sessionmaker() as session:
        [(job_id, status)] = (
            await session.execute(
                text(
                    "SELECT id, status FROM procrastinate_jobs WHERE task_name = 'execute_refund'"
                    " AND (args->>'history_id')::bigint = :id"
                ),
                {"id": row["id"]},
            )
        ).all()
    assert status == "todo"
    await run_jobs(database_url)
    [row] = data(await client.get(f"{url}/cancellation-history", headers=tenant.headers))
    assert row["refundStatus"] == "completed"
    refund = await stripe_client(localstripe).v1.refunds.retrieve_async(row["refundTransactionId"])
    assert (refund.amount, refund.payment_intent) == (4200, intent_id)
    async with sessionmaker() as session:
        done = (
            await session.execute(
                text("SELECT status FROM procrastinate_jobs WHERE id = :id"), {"id": job_id}
            )
        ).scalar_one()
    assert done == "succeeded"
