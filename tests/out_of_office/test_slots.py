"""A teacher out of office has no slots then; a substitute stands in for team workshops; the
booking path follows the same rule (docs/out-of-office.md)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests import dates
from tests.bookings.helpers import book, workshop
from tests.factories import Member, Tenant, make_member, make_tenant
from tests.helpers import assert_error, data
from tests.out_of_office.helpers import away, hours, slot_times, team_workshop

MONDAY = dates.first_monday(2)
TUESDAY = MONDAY + dates.DAY
DAY, NEXT_DAY = str(MONDAY), str(TUESDAY)


async def teachers(
    sessionmaker: async_sessionmaker[AsyncSession], tenant: Tenant, count: int
) -> list[Member]:
    return [await make_member(sessionmaker, tenant) for _ in range(count)]


async def test_an_individual_workshop_has_no_slots_while_its_teacher_is_away(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    (colleague,) = await teachers(sessionmaker, tenant, 1)
    await hours(client, colleague)
    await hours(client, tenant)
    et = await workshop(client, tenant)
    assert await slot_times(client, et["id"], DAY) == ["09:00", "10:00", "11:00"]
    # a substitute named for an individual workshop does not take it over
    await away(
        client, tenant, dates.at(MONDAY, "10:00"), dates.at(MONDAY, "11:00"), toUserId=colleague.id
    )
    assert await slot_times(client, et["id"], DAY) == ["09:00", "11:00"]
    assert await slot_times(client, et["id"], NEXT_DAY) == ["09:00", "10:00", "11:00"]
    # the booking path says what a taken slot says
    assert_error(await book(client, et["id"], dates.at(MONDAY, "10:00")), 409, "slot_unavailable")
    booked = data(await book(client, et["id"], dates.at(MONDAY, "11:00")), 201)
    assert booked["hosts"][0]["id"] == tenant.owner_id


async def test_the_workshops_buffers_count_against_the_absence(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """With 30 minutes before and after each session, the 09:00 session's buffer runs into an
    absence from 10:15 to 10:30; the 11:00 session's buffer starts when the absence ends."""
    await hours(client, tenant)
    et = await workshop(client, tenant, afterEventBuffer=30, beforeEventBuffer=30)
    assert await slot_times(client, et["id"], DAY) == ["09:00", "10:00", "11:00"]
    await away(client, tenant, dates.at(MONDAY, "10:15"), dates.at(MONDAY, "10:30"))
    assert await slot_times(client, et["id"], DAY) == ["11:00"]


async def test_round_robin_hosts_away_drop_out_and_substitutes_stand_in(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    a, b, c = await teachers(sessionmaker, tenant, 3)
    await hours(client, a, "09:00", "12:00")
    await hours(client, b, "11:00", "12:00")
    await hours(client, c, "08:00", "10:00")  # c is not a host: their own hours apply
    et = await team_workshop(client, tenant, "roundRobin", [a, b])
    assert await slot_times(client, et["id"], DAY) == ["09:00", "10:00", "11:00"]

    # a away all Monday without a substitute: only b's hour is left
    entry = await away(client, a, dates.at(MONDAY, "00:00"), dates.at(TUESDAY, "00:00"))
    assert await slot_times(client, et["id"], DAY) == ["11:00"]
    assert await slot_times(client, et["id"], NEXT_DAY) == ["09:00", "10:00", "11:00"]
    assert_error(await book(client, et["id"], dates.at(MONDAY, "09:00")), 409, "slot_unavailable")

    # c stands in: c's hours on Monday, and a Monday booking at 08:00 goes to c
    data(
        await client.patch(f"/v2/me/ooo/{entry['id']}", headers=a.headers, json={"toUserId": c.id})
    )
    assert await slot_times(client, et["id"], DAY) == ["08:00", "09:00", "11:00"]
    booked = data(await book(client, et["id"], dates.at(MONDAY, "08:00")), 201)
    assert booked["hosts"][0]["id"] == c.id
    # c's own bookings apply: c is busy at 08:00 now, nobody else works then
    assert await slot_times(client, et["id"], DAY) == ["09:00", "11:00"]
    assert_error(await book(client, et["id"], dates.at(MONDAY, "08:00")), 409, "slot_unavailable")
    # the booking at 11:00 goes to b, a host, whoever stands in for a
    booked = data(await book(client, et["id"], dates.at(MONDAY, "11:00")), 201)
    assert booked["hosts"][0]["id"] == b.id


async def test_a_substitute_who_is_a_host_is_simply_available(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    a, b = await teachers(sessionmaker, tenant, 2)
    await hours(client, a, "09:00", "12:00")
    await hours(client, b, "11:00", "12:00")
    et = await team_workshop(client, tenant, "roundRobin", [a, b])
    await away(client, a, dates.at(MONDAY, "00:00"), dates.at(TUESDAY, "00:00"), toUserId=b.id)
    # b keeps b's own hours: a's hours do not pass to b
    assert await slot_times(client, et["id"], DAY) == ["11:00"]


async def test_a_collective_workshop_needs_every_host_or_their_substitute(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    a, b, c = await teachers(sessionmaker, tenant, 3)
    await hours(client, a, "09:00", "12:00")
    await hours(client, b, "09:00", "12:00")
    await hours(client, c, "10:00", "12:00")
    et = await team_workshop(client, tenant, "collective", [a, b])
    assert await slot_times(client, et["id"], DAY) == ["09:00", "10:00", "11:00"]

    entry = await away(client, a, dates.at(MONDAY, "10:00"), dates.at(MONDAY, "11:00"))
    assert await slot_times(client, et["id"], DAY) == ["09:00", "11:00"]
    assert_error(await book(client, et["id"], dates.at(MONDAY, "10:00")), 409, "slot_unavailable")

    # with c standing in for a from 10:00 to 11:00, b and c take 10:00; 09:00 stays a and b's
    data(
        await client.patch(f"/v2/me/ooo/{entry['id']}", headers=a.headers, json={"toUserId": c.id})
    )
    assert await slot_times(client, et["id"], DAY) == ["09:00", "10:00", "11:00"]
    booked = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    people = {p["email"] for p in booked["attendees"]} | {h["email"] for h in booked["hosts"]}
    assert c.email in people and b.email in people and a.email not in people

    # a away all day with c standing in: only c's hours shared with b, and c is now busy at 10
    data(
        await client.patch(
            f"/v2/me/ooo/{entry['id']}",
            headers=a.headers,
            json={"start": dates.at(MONDAY, "00:00"), "end": dates.at(TUESDAY, "00:00")},
        )
    )
    assert await slot_times(client, et["id"], DAY) == ["11:00"]
    assert_error(await book(client, et["id"], dates.at(MONDAY, "09:00")), 409, "slot_unavailable")


async def test_an_absence_given_with_offsets_across_the_spring_change(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """Paris hours 09:00-12:00; away from Friday 10:00 (+01:00) to Monday 10:00 (+02:00),
    across the night the clocks go forward: Friday keeps 09:00, Monday starts at 10:00."""
    sunday = dates.clocks_go_forward("Europe/Paris", dates.today()).date()
    friday, monday = sunday - timedelta(days=2), sunday + timedelta(days=1)
    data(
        await client.post(
            "/v2/schedules",
            headers=tenant.headers,
            json={
                "name": "Paris",
                "timeZone": "Europe/Paris",
                "isDefault": True,
                "availability": [
                    {"days": ["Monday", "Friday"], "startTime": "09:00", "endTime": "12:00"}
                ],
            },
        ),
        201,
    )
    et = await workshop(client, tenant)
    entry = await away(client, tenant, f"{friday}T10:00:00+01:00", f"{monday}T10:00:00+02:00")
    assert entry["start"].startswith(f"{friday}T09:00:00")
    assert entry["end"].startswith(f"{monday}T08:00:00")
    assert await slot_times(client, et["id"], str(friday), "Europe/Paris") == ["09:00"]
    assert await slot_times(client, et["id"], str(monday), "Europe/Paris") == ["10:00", "11:00"]


@pytest.mark.race
async def test_a_substitute_is_booked_once_when_both_their_workshops_are_booked_at_once(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """c stands in for a in a round-robin workshop at 08:00, when c alone can serve it, and c
    also runs a workshop of their own at 08:00: eight students try both at once, one gets in.
    (A plan without a monthly booking cap, whose lock would serialise the school's bookings.)"""
    tenant = await make_tenant(sessionmaker, plan="enterprise")
    a, b, c = await teachers(sessionmaker, tenant, 3)
    await hours(client, a, "09:00", "12:00")
    await hours(client, b, "11:00", "12:00")
    await hours(client, c, "08:00", "10:00")
    team = await team_workshop(client, tenant, "roundRobin", [a, b])
    own = await workshop(client, c)
    await away(client, a, dates.at(MONDAY, "00:00"), dates.at(TUESDAY, "00:00"), toUserId=c.id)
    assert "08:00" in await slot_times(client, team["id"], DAY)
    responses = await asyncio.gather(
        *(book(client, et["id"], dates.at(MONDAY, "08:00")) for et in [team, own] * 4)
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 7, codes
