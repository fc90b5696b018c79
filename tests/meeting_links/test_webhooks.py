"""The join link in webhook payloads, as Cal.com sends it, to a real receiving server."""

from __future__ import annotations

import json

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests import dates
from tests.bookings.helpers import MONDAY, book, cancel_as_school, teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs
from tests.meeting_links.helpers import add_meeting, meeting_made, zoom_on_hold
from tests.video.helpers import ZOOM_LOCATION, FakeZoom
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_deliveries import subscribe


async def test_payloads_carry_the_meeting_also_when_it_came_after_the_event(
    zoom_client_app: httpx.AsyncClient,
    zoom_jobs: FakeZoom,
    tenant: Tenant,
    hooks: Receiver,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    client = zoom_client_app
    await subscribe(client, tenant, hooks.base + "/in", "BOOKING_CREATED", "BOOKING_CANCELLED")
    await teacher_hours(client, tenant)
    # Zoom on hold: the meeting job cannot remove the meeting below while deliveries go.
    await zoom_on_hold(client, tenant, zoom_jobs)
    et = await workshop(client, tenant, locations=ZOOM_LOCATION)
    booking = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    # The event was written at booking time; the Zoom meeting is made just after, before the
    # delivery goes: the delivery carries it.
    url = await add_meeting(sessionmaker, booking["uid"], type="zoom_video", password="0042")
    await cancel_as_school(client, tenant, booking)  # written with the meeting already known
    await run_jobs(database_url)
    bodies = [json.loads(r.body) for r in hooks.at("/in")]
    assert [b["triggerEvent"] for b in bodies] == ["BOOKING_CREATED", "BOOKING_CANCELLED"]
    room = url.rsplit("/", 1)[-1]
    for body in bodies:
        payload = body["payload"]
        assert payload["location"] == url
        assert payload["metadata"]["videoCallUrl"] == url
        assert payload["videoCallData"] == {
            "type": "zoom_video",
            "id": room,
            "password": "0042",
            "url": url,
        }


async def test_a_jitsi_room_made_with_the_booking_is_in_its_payloads(
    client: httpx.AsyncClient,
    tenant: Tenant,
    hooks: Receiver,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await subscribe(client, tenant, hooks.base + "/in", "BOOKING_CREATED", "BOOKING_CANCELLED")
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)  # integrations:cal-video: a Jitsi room, made at once
    booking = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    url = await meeting_made(sessionmaker, booking["uid"])
    await cancel_as_school(client, tenant, booking)
    await run_jobs(database_url)
    bodies = [json.loads(r.body) for r in hooks.at("/in")]
    assert [b["triggerEvent"] for b in bodies] == ["BOOKING_CREATED", "BOOKING_CANCELLED"]
    for body in bodies:
        payload = body["payload"]
        assert payload["location"] == payload["metadata"]["videoCallUrl"] == url
        assert payload["videoCallData"]["type"] == "jitsi_video"
        assert payload["videoCallData"]["url"] == url


async def test_without_a_meeting_the_payload_keeps_cal_com_s_location(
    client: httpx.AsyncClient, tenant: Tenant, hooks: Receiver, database_url: str
) -> None:
    await subscribe(client, tenant, hooks.base + "/plain", "BOOKING_CREATED")
    await teacher_hours(client, tenant)
    # No provider of ours makes Whereby meetings: the booking never has one.
    et = await workshop(
        client, tenant, locations=[{"type": "integration", "integration": "whereby-video"}]
    )
    data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    await run_jobs(database_url)
    [received] = hooks.at("/plain")
    payload = json.loads(received.body)["payload"]
    assert payload["location"] == "integrations:whereby-video"  # machines read Cal.com's key
    assert "videoCallData" not in payload and "videoCallUrl" not in payload["metadata"]
