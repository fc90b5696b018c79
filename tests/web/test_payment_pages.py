"""The payment page and its status endpoint over HTTP, and the refund the manage page offers."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import Payment
from tests import dates
from tests.bookings.helpers import MONDAY, book, token_of
from tests.dates import WEEK
from tests.factories import Tenant
from tests.helpers import data
from tests.payments.helpers import (
    pay,
    stripe_workshop,
)


async def test_paying_confirms_through_the_status_endpoint_and_manage_offers_the_refund(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await stripe_workshop(
        client, tenant, price=2500, currency="eur", metadata={"refund_window_hours": 24}
    )
    booked = data(await book(client, et["id"], dates.at(MONDAY + 4 * WEEK, "10:00")), 201)
    uid = booked["payment"]["uid"]
    page = await client.get(f"/payment/{uid}")
    assert page.status_code == 200 and 'data-key="pk_test_abc123"' in page.text
    assert "https://js.stripe.com/v3/" in page.text  # the default Stripe.js address
    assert "script-src 'self' https://js.stripe.com;" in page.headers["content-security-policy"]
    unpaid = (await client.get(f"/payment/{uid}/status")).json()
    assert unpaid["paid"] is False and unpaid["bookingStatus"] == "pending"
    async with sessionmaker() as session:
        payment = (await session.execute(select(Payment).where(Payment.uid == uid))).scalar_one()
    assert await pay(localstripe, payment.external_id or "") == "succeeded"
    paid = (await client.get(f"/payment/{uid}/status")).json()
    assert paid == {
        "paid": True,
        "bookingUid": booked["uid"],
        "bookingStatus": "accepted",
        "status": "succeeded",
    }
    again = (await client.get(f"/payment/{uid}/status")).json()  # settling twice changes nothing
    assert again == paid
    manage = await client.get(f"/booking/{booked['uid']}/manage?token={token_of(booked)}")
    assert "full refund of €25.00" in manage.text
    assert "Paid, thank you!" in (await client.get(f"/payment/{uid}")).text


async def test_unknown_payment_is_a_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/payment/no-such-payment")).status_code == 404
