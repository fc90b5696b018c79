"""Booking edits by the host or the school: guests (told by email), a new location among the
workshop's (a video one makes the meeting), a substitute teacher for a round-robin session."""

from __future__ import annotations

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
from tests.mail import Inbox
from tests.out_of_office.helpers import hours, team_workshop

START = dates.instant(MONDAY, "10:00")


async def test_guests_added_and_told(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    inbox: Inbox,
    database_url: str,
) -> None:
    _, booking = await one_booking(client, tenant, dates.at(MONDAY))
    url = f"/v2/bookings/{booking['uid']}/guests"
    body = {
        "guests": [
            {"email": "Dad@example.com", "name": "Dad", "language": "fr"},
            {"email": "mum@example.com"},
        ]
    }
    assert_error(
        await client.post(url, json=body, headers=manage_token(booking)),
        401,
        "missing_api_key",
    )
    assert_error(await client.post(url, json=body, headers=other_tenant.headers), 404, "not_found")
    added = data(await client.post(url, json=body, headers=tenant.headers))
    assert added["guests"] == ["dad@example.com", "mum@example.com"]
    again = await client.post(
        url, json={"guests": [{"email": "mum@example.com"}]}, headers=tenant.headers
    )
    assert_error(again, 400, "guests_present")
    phone = await client.post(
        url,
        json={"guests": [{"email": "x@example.com", "phoneNumber": "+33612345678"}]},
        headers=tenant.headers,
    )
    assert phone.status_code == 400 and "phoneNumber" in phone.text
    eleven = {"guests": [{"email": f"g{n}@example.com"} for n in range(11)]}
    assert (await client.post(url, json=eleven, headers=tenant.headers)).status_code == 400
    await run_jobs(database_url)
    [to_dad] = inbox.to("dad@example.com")
    assert str(to_dad["Subject"]).startswith("Invitation : Workshop")
    assert "manage?token" not in to_dad.get_body().get_content()  # type: ignore[union-attr]
    [to_mum] = inbox.to("mum@example.com")
    assert "added you as a guest" in to_mum.get_body().get_content()  # type: ignore[union-attr]
    assert inbox.to(booking["attendees"][0]["email"]) and len(inbox.to("dad@example.com")) == 1
    with clock.frozen(START + timedelta(hours=2)):
        late = {"guests": [{"email": "late@example.com"}]}
        assert_error(await client.post(url, json=late, headers=tenant.headers), 400, "booking_over")


async def test_guests_refused_on_a_seat(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, seats=seating(3))
    seat = data(await book(client, et["id"], dates.at(MONDAY)), 201)
    refused = await client.post(
        f"/v2/bookings/{seat['uid']}/guests",
        json={"guests": [{"email": "friend@example.com"}]},
        headers=tenant.headers,
    )
    assert_error(refused, 400, "guests_not_allowed_for_seats")


async def test_location_only_among_the_workshops_and_video_makes_a_meeting(
    client: httpx.AsyncClient, tenant: Tenant, inbox: Inbox, database_url: str
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(
        client,
        tenant,
        seats=seating(3),
        locations=[
            {"type": "address", "address": "12 rue des Écoles", "public": True},
            {"type": "integration", "integration": "cal-video"},
        ],
    )
    seats = [
        data(
            await book(client, et["id"], dates.at(MONDAY), attendee=student(f"l{n}@example.com")),
            201,
        )
        for n in range(2)
    ]
    assert seats[0]["location"] == "12 rue des Écoles"
    url = f"/v2/bookings/{seats[0]['uid']}/location"
    elsewhere = {"location": {"type": "address", "address": "Somewhere else"}}
    assert_error(
        await client.patch(url, json=elsewhere, headers=tenant.headers), 400, "invalid_location"
    )
    video = {"location": {"type": "integration", "integration": "cal-video"}}
    assert_error(
        await client.patch(url, json=video, headers=manage_token(seats[0])),
        401,
        "missing_api_key",
    )
    moved = data(await client.patch(url, json=video, headers=tenant.headers))
    assert moved["location"].startswith("https://meet.jit.si/")
    other = await booking_state(client, tenant, seats[1]["uid"])
    assert other["location"] == moved["location"]  # every seat of the session moved
    [ref] = data(
        await client.get(f"/v2/bookings/{seats[1]['uid']}/references", headers=tenant.headers)
    )
    assert ref["type"] == "jitsi_video"
    await run_jobs(database_url)
    changed = [m for m in inbox.to("l1@example.com") if str(m["Subject"]).startswith("New place")]
    assert len(changed) == 1
    assert moved["location"] in changed[0].get_body().get_content()  # type: ignore[union-attr]


async def test_reassign_a_round_robin_session_to_a_free_host(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    inbox: Inbox,
    database_url: str,
) -> None:
    a, b, idle = [await make_member(sessionmaker, tenant) for _ in range(3)]
    outsider = await make_member(sessionmaker, tenant)
    for who in (a, b):
        await hours(client, who)
    et = await team_workshop(client, tenant, "roundRobin", [a, b, idle])
    booking = data(
        await book(client, et["id"], dates.at(MONDAY), attendee=student("rr@example.com")), 201
    )
    first = booking["hosts"][0]["id"]
    other = b if first == a.id else a
    url = f"/v2/bookings/{booking['uid']}/reassign"
    assert_error(
        await client.post(f"{url}/{outsider.id}", headers=tenant.headers), 400, "not_a_host"
    )
    assert_error(
        await client.post(f"{url}/{idle.id}", headers=tenant.headers), 409, "host_unavailable"
    )
    assert_error(
        await client.post(f"{url}/{other.id}", headers=other_tenant.headers), 404, "not_found"
    )
    assert_error(
        await client.post(f"{url}/{other.id}", headers=manage_token(booking)),
        401,
        "missing_api_key",
    )
    moved = data(
        await client.post(
            f"{url}/{other.id}", json={"reason": "Teacher ill"}, headers=tenant.headers
        )
    )
    assert moved["hosts"][0]["id"] == other.id
    await run_jobs(database_url)
    [told] = [m for m in inbox.to("rr@example.com") if str(m["Subject"]).startswith("New teacher")]
    assert "Teacher ill" in told.get_body().get_content()  # type: ignore[union-attr]
    assert [m for m in inbox.to(other.email) if str(m["Subject"]).startswith("New teacher")]
    back = data(await client.post(url, headers=tenant.headers))  # the first other free host
    assert back["hosts"][0]["id"] == first


async def test_reassign_refused_outside_round_robin(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, booking = await one_booking(client, tenant, dates.at(MONDAY))
    refused = await client.post(f"/v2/bookings/{booking['uid']}/reassign", headers=tenant.headers)
    assert_error(refused, 400, "not_round_robin")
