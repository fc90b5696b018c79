"""The join link in the API's booking output: ``meetingUrl`` and ``location`` as Cal.com shows
them, for one booking and for lists (a fixed number of queries, however many bookings)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests import dates
from tests.bookings.helpers import MONDAY, book, booking_state, teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import data
from tests.meeting_links.helpers import add_meeting, meeting_made
from tests.video.helpers import ZOOM_LOCATION


@contextmanager
def counted(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def test_location_is_the_join_link_once_it_exists(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, locations=ZOOM_LOCATION)
    booking = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    # Cal.com: before a meeting exists (the Zoom job has not run), the stored value.
    assert booking["location"] == booking["meetingUrl"] == "integrations:zoom"
    url = await add_meeting(sessionmaker, booking["uid"], type="zoom_video", password="7421")
    shown = await booking_state(client, tenant, booking["uid"])
    assert shown["location"] == shown["meetingUrl"] == url
    assert "videoCallUrl" not in shown["metadata"]  # Cal.com keeps it out of the output


async def test_a_jitsi_room_is_the_location_from_the_booking_s_own_answer(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)  # integrations:cal-video: a Jitsi room, made at once
    booking = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    url = await meeting_made(sessionmaker, booking["uid"])
    assert booking["location"] == booking["meetingUrl"] == url
    shown = await booking_state(client, tenant, booking["uid"])
    assert shown["location"] == shown["meetingUrl"] == url


async def test_a_removed_meeting_or_one_of_another_school_is_not_shown(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    booking = data(await book(client, et["id"], dates.at(MONDAY, "11:00")), 201)
    # The Jitsi room made with the booking, marked removed (in place of the live one).
    await add_meeting(sessionmaker, booking["uid"], deleted=True)
    # A row planted under another school's key never becomes this booking's link.
    await add_meeting(
        sessionmaker, booking["uid"], type="zoom_video", organization_id=other_tenant.id
    )
    shown = await booking_state(client, tenant, booking["uid"])
    assert shown["location"] == "integrations:cal-video"
    # And the other school does not reach the booking at all.
    stranger = await client.get(f"/v2/bookings/{booking['uid']}", headers=other_tenant.headers)
    assert stranger.status_code == 404


async def test_a_list_shows_each_link_in_a_fixed_number_of_queries(
    client: httpx.AsyncClient,
    tenant: Tenant,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    links: dict[str, str] = {}

    async def list_all() -> tuple[list[dict[str, object]], int]:
        with counted(engine) as statements:
            found = data(
                await client.get(
                    "/v2/bookings", params={"eventTypeId": et["id"]}, headers=tenant.headers
                )
            )
        return found, len(statements)

    for hour in ("09:00", "10:00"):
        b = data(await book(client, et["id"], dates.at(MONDAY, hour)), 201)
        links[b["uid"]] = await add_meeting(sessionmaker, b["uid"])
    few, queries_for_two = await list_all()
    for hour in ("11:00", "12:00", "13:00", "14:00"):
        b = data(await book(client, et["id"], dates.at(MONDAY, hour)), 201)
        links[b["uid"]] = await add_meeting(sessionmaker, b["uid"], type="zoom_video")
    many, queries_for_six = await list_all()
    assert len(few) == 2 and len(many) == 6
    assert {b["uid"]: b["location"] for b in many} == links  # type: ignore[index]
    assert {b["uid"]: b["meetingUrl"] for b in many} == links  # type: ignore[index]
    assert queries_for_six == queries_for_two
