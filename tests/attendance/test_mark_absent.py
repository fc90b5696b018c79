"""Marking who did not come: host and school only, once the session started, on every seat
of a seated session; BOOKING_NO_SHOW_UPDATED reaches a real subscriber."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.kit import clock
from tests import dates
from tests.bookings.helpers import (
    MONDAY,
    book,
    booking_state,
    manage_token,
    one_booking,
    seating,
    student,
    teacher_hours,
    workshop,
)
from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data
from tests.jobs import run_jobs
from tests.webhooks.receiver import Receiver

START = dates.instant(MONDAY, "10:00")


async def test_host_and_attendees_marked_on_every_seat_and_webhook_sent(
    client: httpx.AsyncClient, tenant: Tenant, hooks: Receiver, database_url: str
) -> None:
    data(
        await client.post(
            f"/v2/organizations/{tenant.id}/webhooks",
            headers=tenant.headers,
            json={"subscriberUrl": hooks.base + "/ns", "triggers": ["BOOKING_NO_SHOW_UPDATED"]},
        ),
        201,
    )
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, seats=seating(3))
    seats = [
        data(
            await book(client, et["id"], dates.at(MONDAY), attendee=student(f"a{n}@example.com")),
            201,
        )
        for n in range(2)
    ]
    assert seats[0]["absentHost"] is False and seats[0]["attendees"][0]["absent"] is False
    body = {"host": True, "attendees": [{"email": "A1@example.com", "absent": True}]}
    with clock.frozen(START - timedelta(minutes=1)):
        assert_error(
            await client.post(
                f"/v2/bookings/{seats[0]['uid']}/mark-absent", json=body, headers=tenant.headers
            ),
            400,
            "session_not_started",
        )
    with clock.frozen(START + timedelta(minutes=15)):
        marked = data(
            await client.post(
                f"/v2/bookings/{seats[0]['uid']}/mark-absent", json=body, headers=tenant.headers
            )
        )
        await run_jobs(database_url)
    assert marked["absentHost"] is True
    other = await booking_state(client, tenant, seats[1]["uid"])
    assert other["absentHost"] is True  # the host missed the whole session
    assert other["attendees"][0]["absent"] is True
    first = await booking_state(client, tenant, seats[0]["uid"])
    assert first["attendees"][0]["absent"] is False
    [delivery] = hooks.at("/ns")
    sent = json.loads(delivery.body)
    assert sent["triggerEvent"] == "BOOKING_NO_SHOW_UPDATED"
    assert sent["payload"]["bookingUid"] == seats[0]["uid"]
    assert sent["payload"]["attendees"] == [{"email": "a1@example.com", "noShow": True}]
    assert sent["payload"]["noShowHost"] is True
    # Marking present again is a change too; repeating the same marks is not.
    with clock.frozen(START + timedelta(hours=2)):
        again = {"attendees": [{"email": "a1@example.com", "absent": False}]}
        data(
            await client.post(
                f"/v2/bookings/{seats[1]['uid']}/mark-absent", json=again, headers=tenant.headers
            )
        )
        data(
            await client.post(
                f"/v2/bookings/{seats[1]['uid']}/mark-absent", json=again, headers=tenant.headers
            )
        )
        await run_jobs(database_url)
    assert [json.loads(r.body)["payload"]["attendees"] for r in hooks.at("/ns")][1:] == [
        [{"email": "a1@example.com", "noShow": False}]
    ]
    assert (await booking_state(client, tenant, seats[1]["uid"]))["attendees"][0]["absent"] is False


async def test_who_may_mark_and_what_is_refused(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    _, booking = await one_booking(client, tenant, dates.at(MONDAY))
    uid = booking["uid"]
    url = f"/v2/bookings/{uid}/mark-absent"
    email = booking["attendees"][0]["email"]
    body = {"attendees": [{"email": email, "absent": True}]}
    colleague = await make_member(sessionmaker, tenant)
    with clock.frozen(START + timedelta(minutes=5)):
        # The student's manage token is not an API key: no marking attendance with it.
        assert_error(
            await client.post(url, json=body, headers=manage_token(booking)),
            401,
            "missing_api_key",
        )
        assert_error(
            await client.post(url, json=body, headers=other_tenant.headers), 404, "not_found"
        )
        assert_error(
            await client.post(url, json=body, headers=colleague.headers), 403, "not_your_booking"
        )
        assert_error(
            await client.post(url, json={}, headers=tenant.headers), 400, "nothing_to_mark"
        )
        unknown = {"attendees": [{"email": "nobody@example.com", "absent": True}]}
        refused = assert_error(
            await client.post(url, json=unknown, headers=tenant.headers), 400, "attendee_not_found"
        )
        assert "nobody@example.com" in refused["error"]["message"]
        extra = await client.post(url, json={**body, "everyone": True}, headers=tenant.headers)
        assert extra.status_code == 400, extra.text
        assert "everyone" in extra.text
        data(await client.post(f"/v2/bookings/{uid}/cancel", json={}, headers=tenant.headers))
        assert_error(
            await client.post(url, json=body, headers=tenant.headers), 400, "booking_not_accepted"
        )
    assert (await booking_state(client, tenant, uid))["attendees"][0]["absent"] is False
