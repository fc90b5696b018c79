"""Seed flow step 9: booking events pushed to the tenant's Immersio endpoint, signed with the
integration's webhook secret; a delivered event marks the booking synced."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from standardwebhooks import Webhook as StandardWebhook

from immersio_booking.models import Booking, WebhookDelivery
from immersio_booking.webhooks.tasks import deliver_webhook
from tests import dates
from tests.bookings.helpers import (
    MONDAY,
    book,
    cancel_as_school,
    one_booking,
    teacher_hours,
    workshop,
)
from tests.dates import DAY, WEEK
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs
from tests.webhooks.receiver import Receiver


@pytest.fixture
def immersio(hooks: Receiver) -> Receiver:
    """Immersio's end of the push: a loopback receiver the jobs may reach."""
    return hooks


async def connect_immersio(client: httpx.AsyncClient, tenant: Tenant, url: str | None) -> str:
    """Through the API: the integration (its webhook secret is shown once), then the push URL
    in Team.metadata.immersio_config."""
    connected = data(
        await client.put(
            f"/v2/organizations/{tenant.id}/immersio/integration",
            headers=tenant.headers,
            json={"immersioOrgId": "imm-1", "baseUrl": "http://127.0.0.1:9", "apiKey": "k"},
        )
    )
    if url is not None:
        data(
            await client.patch(
                f"/v2/organizations/{tenant.id}",
                headers=tenant.headers,
                json={"metadata": {"immersio_config": {"webhook_url": url}}},
            )
        )
    return str(connected["webhookSecret"])


async def immersio_deliveries(
    sessionmaker: async_sessionmaker[AsyncSession], tenant: Tenant
) -> list[WebhookDelivery]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(WebhookDelivery)
            .where(
                WebhookDelivery.organization_id == tenant.id,
                WebhookDelivery.destination == "immersio",
            )
            .order_by(WebhookDelivery.id)
        )
        return list(rows.scalars())


async def synced(sessionmaker: async_sessionmaker[AsyncSession], uid: str) -> dict[str, object]:
    async with sessionmaker() as session:
        metadata = (
            await session.execute(select(Booking.metadata_).where(Booking.uid == uid))
        ).scalar_one()
        return dict(metadata)


async def test_booking_events_reach_immersio_signed_and_mark_the_booking_synced(
    client: httpx.AsyncClient,
    tenant: Tenant,
    immersio: Receiver,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    secret = await connect_immersio(client, tenant, immersio.base + "/immersio")
    et, booking = await one_booking(client, tenant, dates.at(MONDAY + 4 * WEEK, "10:00"))
    assert (await synced(sessionmaker, booking["uid"])).get("synced_to_immersio") is not True
    await cancel_as_school(client, tenant, booking)
    await run_jobs(database_url)
    got = immersio.at("/immersio")
    assert [json.loads(r.body)["triggerEvent"] for r in got] == [
        "BOOKING_CREATED",
        "BOOKING_CANCELLED",
    ]
    for r in got:  # signed with the integration's secret, Standard Webhooks and Cal.com style
        StandardWebhook(secret).verify(r.body, r.headers)
        assert json.loads(r.body)["payload"]["uid"] == booking["uid"]
    metadata = await synced(sessionmaker, booking["uid"])
    assert metadata["synced_to_immersio"] is True and str(metadata["synced_at"]).endswith("Z")


async def test_failed_push_is_retried_and_only_success_marks_synced(
    client: httpx.AsyncClient,
    tenant: Tenant,
    immersio: Receiver,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await connect_immersio(client, tenant, immersio.base + "/down")
    immersio.answers["/down"] = (503, {"Retry-After": "1"})
    et, booking = await one_booking(client, tenant, dates.at(MONDAY + 4 * WEEK + DAY, "10:00"))
    await run_jobs(database_url)
    [delivery] = await immersio_deliveries(sessionmaker, tenant)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 503)
    assert (await synced(sessionmaker, booking["uid"])).get("synced_to_immersio") is not True
    immersio.answers["/down"] = (200, {})
    assert await deliver_webhook(delivery.id) == "delivered"  # the scheduled retry
    assert (await synced(sessionmaker, booking["uid"]))["synced_to_immersio"] is True
    assert len(immersio.at("/down")) == 2
    [delivery] = await immersio_deliveries(sessionmaker, tenant)
    assert delivery.webhook_id is None and delivery.uid  # same webhook-id on both attempts
    assert len({r.headers["webhook-id"] for r in immersio.at("/down")}) == 1


async def test_no_push_without_an_endpoint_url(
    client: httpx.AsyncClient,
    tenant: Tenant,
    immersio: Receiver,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await connect_immersio(client, tenant, None)
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    data(await book(client, et["id"], dates.at(MONDAY + 4 * WEEK + 2 * DAY, "10:00")), 201)
    await run_jobs(database_url)
    assert await immersio_deliveries(sessionmaker, tenant) == []
    assert immersio.received == []
