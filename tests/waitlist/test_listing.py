"""The staff's lists: per session and per workshop, for the school's OWNER/ADMIN and the
workshop's hosts only; another school's workshop does not exist."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests import dates
from tests.bookings.helpers import MONDAY, book, student
from tests.factories import Tenant, auth, make_member
from tests.helpers import assert_error, data
from tests.waitlist.helpers import START, email, full_session, join


async def test_strangers_and_other_schools_see_no_line(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await full_session(client, tenant)
    data(await join(client, et["id"]), 201)
    params = {"eventTypeId": et["id"], "start": START}
    per_workshop = f"/v2/event-types/{et['id']}/waitlist"
    assert_error(await client.get("/v2/waitlist", params=params), 401, "missing_api_key")
    assert_error(await client.get(per_workshop), 401, "missing_api_key")
    other = other_tenant.headers
    assert_error(await client.get("/v2/waitlist", params=params, headers=other), 404, "not_found")
    assert_error(await client.get(per_workshop, headers=other), 404, "not_found")
    member = await make_member(sessionmaker, tenant)
    assert_error(await client.get(per_workshop, headers=auth(member.key)), 403, "not_workshop_host")
    unknown = {**params, "sort": "name"}
    assert_error(
        await client.get("/v2/waitlist", params=unknown, headers=tenant.headers),
        400,
        "unsupported_field",
    )


async def test_lines_per_session_and_per_workshop_in_order_with_pages(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et = await full_session(client, tenant)
    later = dates.at(MONDAY, "14:00")
    data(await book(client, et["id"], later, attendee=student(email())), 201)
    first = [email("a"), email("b"), email("c")]
    for address in first:
        data(await join(client, et["id"], attendee=student(address)), 201)
    data(await join(client, et["id"], later, attendee=student(email("d"))), 201)
    page = await client.get(
        "/v2/waitlist",
        params={"eventTypeId": et["id"], "start": START, "take": 2, "skip": 1},
        headers=tenant.headers,
    )
    body = page.json()
    assert [(e["email"], e["position"]) for e in body["data"]] == [(first[1], 2), (first[2], 3)]
    assert body["pagination"]["totalItems"] == 3 and body["pagination"]["hasPreviousPage"]
    sessions = data(
        await client.get(f"/v2/event-types/{et['id']}/waitlist", headers=tenant.headers)
    )
    assert [(s["waitingCount"], len(s["entries"])) for s in sessions] == [(3, 3), (1, 1)]
    assert sessions[0]["start"] < sessions[1]["start"]
