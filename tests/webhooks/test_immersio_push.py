"""Seed flow step 9: booking events pushed to the tenant's Immersio endpoint, signed with the
integration's webhook secret; a delivered event marks the booking synced."""

from __future__ import annotations

import asyncio
import json
import secrets
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from standardwebhooks import Webhook as StandardWebhook

from immersio_booking.kit import clock
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


async def test_a_job_that_waited_for_its_delivery_does_not_send_it_a_second_time(
    client: httpx.AsyncClient,
    tenant: Tenant,
    immersio: Receiver,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Another worker's batch holds the delivery and records a failed attempt (its retry is
    queued for later): the delivery's own job, which waited for the row, must not send it again
    at once — only a batch that rolled back leaves it due."""
    path = f"/held-{secrets.token_hex(3)}"
    await connect_immersio(client, tenant, immersio.base + path)
    await one_booking(client, tenant, dates.at(MONDAY + 4 * WEEK + 2 * DAY, "10:00"))
    [delivery] = await immersio_deliveries(sessionmaker, tenant)
    async with sessionmaker() as holder, holder.begin():
        held = (
            await holder.execute(
                select(WebhookDelivery).where(WebhookDelivery.id == delivery.id).with_for_update()
            )
        ).scalar_one()
        held.attempts, held.last_status_code = 1, 503
        held.next_attempt_at = clock.now() + timedelta(minutes=5)
        await holder.flush()
        waiting = asyncio.create_task(deliver_webhook(delivery.id))
        await _until_a_backend_waits_for_a_lock(sessionmaker)
        assert not waiting.done()
    assert await waiting == "done"
    assert immersio.at(path) == []


async def _until_a_backend_waits_for_a_lock(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    for _ in range(200):
        async with sessionmaker() as session:
            waiting = await session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
        if waiting:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the job never waited for the held delivery")
