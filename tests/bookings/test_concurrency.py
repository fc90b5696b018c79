"""Exactness under real races: many connections, many parallel requests."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import Booking
from tests import dates
from tests.bookings.helpers import MONDAY, book, seating, student, teacher_hours, workshop
from tests.dates import DAY
from tests.factories import Tenant
from tests.helpers import assert_error, data

pytestmark = pytest.mark.race


async def test_200_parallel_requests_for_10_seats(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(
        client,
        tenant,
        seats=seating(10),
    )
    start = dates.at(MONDAY, "10:00")
    responses = await asyncio.gather(
        *(
            book(client, et["id"], start, attendee=student(f"racer{i}@example.com"))
            for i in range(200)
        )
    )
    codes = Counter(r.status_code for r in responses)
    assert codes == {201: 10, 409: 190}, codes
    reasons = Counter(
        r.json()["error"]["details"]["reason"] for r in responses if r.status_code == 409
    )
    assert set(reasons) <= {"seats_full", "busy_try_again"}, reasons
    async with sessionmaker() as session:
        held = (
            await session.execute(
                select(func.count()).select_from(Booking).where(Booking.event_type_id == et["id"])
            )
        ).scalar_one()
        assert held == 10
    slot = data(
        await client.get(
            "/v2/slots",
            params={"eventTypeId": et["id"], "start": str(MONDAY), "end": str(MONDAY)},
        )
    )
    assert f"{MONDAY}T10:00:00.000Z" not in [s["start"] for s in slot.get(str(MONDAY), [])]


async def test_two_workshops_of_one_host_racing_for_overlapping_times(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    hour = await workshop(client, tenant, lengthInMinutes=60)
    half = await workshop(client, tenant, lengthInMinutes=30, slotInterval=30)
    for round_ in range(5):
        day = MONDAY + round_ * DAY
        responses = await asyncio.gather(
            *(book(client, hour["id"], f"{day}T10:00:00Z") for _ in range(10)),
            *(book(client, half["id"], f"{day}T10:30:00Z") for _ in range(10)),
        )
        codes = Counter(r.status_code for r in responses)
        assert codes == {201: 1, 409: 19}, (day, codes)


async def test_same_student_racing_for_one_session_gets_one_seat(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(
        client,
        tenant,
        seats=seating(5),
    )
    same = student("twin@example.com")
    responses = await asyncio.gather(
        *(book(client, et["id"], dates.at(MONDAY, "10:00"), attendee=same) for _ in range(20))
    )
    assert Counter(r.status_code for r in responses) == {201: 1, 409: 19}


async def test_idempotency_key_replays_and_refuses_another_body(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    attendee = student("idem@example.com")
    headers = {"Idempotency-Key": "retry-1"}
    first = await book(
        client, et["id"], dates.at(MONDAY, "10:00"), headers=headers, attendee=attendee
    )
    again = await book(
        client, et["id"], dates.at(MONDAY, "10:00"), headers=headers, attendee=attendee
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    other = await book(
        client, et["id"], dates.at(MONDAY + DAY, "10:00"), headers=headers, attendee=attendee
    )
    assert_error(other, 422, "idempotency_key_reused")
    # parallel retries of one new key: one booking, every answer the same
    parallel = await asyncio.gather(
        *(
            book(
                client,
                et["id"],
                dates.at(MONDAY + 2 * DAY, "10:00"),
                headers={"Idempotency-Key": "retry-2"},
                attendee=attendee,
            )
            for _ in range(15)
        )
    )
    assert {r.status_code for r in parallel} == {201}
    assert len({r.json()["data"]["uid"] for r in parallel}) == 1
    # a refusal is replayed too (same status and body), and nothing was written for it
    taken = {"Idempotency-Key": "retry-3"}
    latecomer = student("late@example.com")
    refused = await book(
        client, et["id"], dates.at(MONDAY + 2 * DAY, "10:00"), headers=taken, attendee=latecomer
    )
    replay = await book(
        client, et["id"], dates.at(MONDAY + 2 * DAY, "10:00"), headers=taken, attendee=latecomer
    )
    assert_error(refused, 409, "slot_unavailable")
    assert replay.status_code == 409 and replay.json() == refused.json()
    assert replay.headers["idempotent-replayed"] == "true"
    async with sessionmaker() as session:
        count = (
            await session.execute(
                select(func.count()).select_from(Booking).where(Booking.event_type_id == et["id"])
            )
        ).scalar_one()
        assert count == 2
    cancel_key = {"Idempotency-Key": "cancel-1", **tenant.headers}
    uid = first.json()["data"]["uid"]
    one = await client.post(f"/v2/bookings/{uid}/cancel", headers=cancel_key, json={})
    two = await client.post(f"/v2/bookings/{uid}/cancel", headers=cancel_key, json={})
    assert one.status_code == two.status_code == 200 and one.json() == two.json()
