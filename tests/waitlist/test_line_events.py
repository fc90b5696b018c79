"""The line's own moves reach subscribers and the next student: joining is announced
(WAITLIST_JOINED), and leaving while holding an offer passes the seat on at once."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.kit import clock
from immersio_booking.models import WebhookDelivery
from immersio_booking.models.waitlist import WaitlistStatus
from immersio_booking.waitlist import leaving
from tests.bookings.helpers import cancel_as_school, student
from tests.factories import Tenant
from tests.helpers import data
from tests.waitlist.helpers import email, join
from tests.waitlist.offer_helpers import entries, full_session, line_up, seat_count, statuses


async def test_joining_is_announced_to_subscribers(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    full = await full_session(client, tenant, seats=1)
    data(
        await client.post(
            "/v2/webhooks",
            headers=tenant.headers,
            json={"subscriberUrl": "http://127.0.0.1:9/cal", "triggers": ["WAITLIST_JOINED"]},
        ),
        201,
    )
    joined = data(await join(client, full.et["id"], attendee=student(email("joiner"))), 201)
    async with sessionmaker() as session:
        deliveries = (
            await session.execute(
                select(WebhookDelivery).where(
                    WebhookDelivery.organization_id == tenant.id,
                    WebhookDelivery.trigger == "WAITLIST_JOINED",
                )
            )
        ).scalars()
        (delivery,) = list(deliveries)
    assert delivery.body["triggerEvent"] == "WAITLIST_JOINED"
    assert delivery.body["payload"]["uid"] == joined["uid"]


async def test_leaving_with_an_offer_passes_the_seat_to_the_next(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    full = await full_session(client, tenant, seats=1)
    line = await line_up(sessionmaker, full.et, 2)
    await cancel_as_school(client, tenant, full.seats[0])
    assert await statuses(sessionmaker, line) == [WaitlistStatus.OFFERED, WaitlistStatus.WAITING]
    (first,) = await entries(sessionmaker, line[:1])
    async with sessionmaker() as session, session.begin():
        await leaving.leave(session, first, clock.now())
    assert await statuses(sessionmaker, line) == [WaitlistStatus.LEFT, WaitlistStatus.OFFERED]
    assert await seat_count(sessionmaker, full.et["id"]) == (0, 1)  # the next one's hold only
