"""A booking read by its seat, its references (no secrets) and its calendar links."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.kit import clock
from tests import dates
from tests.bookings.helpers import MONDAY, book, manage_token, one_booking, teacher_hours, token_of
from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data
from tests.video.helpers import live_workshop


async def test_by_seat_for_school_and_seat_holder_only(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await live_workshop(client, tenant)
    assert et["seats"]["seatsPerTimeSlot"]
    seat = data(await book(client, et["id"], dates.at(MONDAY)), 201)
    url = f"/v2/bookings/by-seat/{seat['seatUid']}"
    assert data(await client.get(url, headers=tenant.headers))["uid"] == seat["uid"]
    assert (
        data(await client.get(url, params={"token": token_of(seat)}))["seatUid"] == seat["seatUid"]
    )
    assert_error(await client.get(url, headers=other_tenant.headers), 404, "not_found")
    assert_error(await client.get(url), 401, "missing_api_key")
    assert_error(
        await client.get("/v2/bookings/by-seat/nope", headers=tenant.headers), 404, "not_found"
    )
    _, unseated = await one_booking(client, tenant, dates.at(MONDAY, "15:00"))
    assert_error(
        await client.get(f"/v2/bookings/by-seat/{unseated['uid']}", headers=tenant.headers),
        404,
        "not_found",
    )


async def test_references_name_the_meeting_without_secrets(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await teacher_hours(client, tenant)
    et = await live_workshop(client, tenant)
    seat = data(await book(client, et["id"], dates.at(MONDAY)), 201)
    url = f"/v2/bookings/{seat['uid']}/references"
    [ref] = data(await client.get(url, headers=tenant.headers))
    assert set(ref) == {"id", "type", "eventUid", "destinationCalendarId"}
    assert ref["type"] == "jitsi_video" and ref["eventUid"].startswith("immersio-")
    assert data(await client.get(url, headers=tenant.headers, params={"type": "zoom_video"})) == []
    assert_error(await client.get(url, headers=manage_token(seat)), 401, "missing_api_key")
    assert_error(await client.get(url, headers=other_tenant.headers), 404, "not_found")
    colleague = await make_member(sessionmaker, tenant)
    assert_error(await client.get(url, headers=colleague.headers), 403, "not_your_booking")


async def test_calendar_links_as_cal_com(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    _, booking = await one_booking(client, tenant, dates.at(MONDAY))
    url = f"/v2/bookings/{booking['uid']}/calendar-links"
    # Both reads at one instant: the ICS link carries its DTSTAMP (now, to the second), and two
    # reads a second apart (a loaded machine, parallel test processes) differ there.
    with clock.frozen(clock.now()):
        links = data(await client.get(url, params={"token": token_of(booking)}))
        by_school = data(await client.get(url, headers=tenant.headers))
    assert [item["label"] for item in links] == [
        "Google",
        "Microsoft Outlook",
        "Microsoft Office",
        "ICS",
    ]
    google = parse_qs(urlsplit(links[0]["link"]).query)
    start = MONDAY.strftime("%Y%m%d")
    assert google["dates"] == [f"{start}T100000Z/{start}T110000Z"]
    outlook = parse_qs(urlsplit(links[1]["link"]).query)
    assert outlook["startdt"] == [f"{MONDAY.isoformat()}T10:00:00Z"]
    assert links[2]["link"].startswith("https://outlook.office.com/")
    ics = unquote(links[3]["link"].removeprefix("data:text/calendar,"))
    assert "BEGIN:VEVENT" in ics and f"UID:{booking['uid']}@immersio-booking" in ics
    assert by_school == links
    assert_error(await client.get(url, headers=other_tenant.headers), 404, "not_found")
    assert_error(await client.get(url), 401, "missing_api_key")
