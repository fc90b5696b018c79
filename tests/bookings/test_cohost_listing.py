"""``GET /v2/bookings`` lists for a member exactly the bookings the API lets them act on as
staff (``bookings.hosting``, the rule of ``access.actor_for``) or attend: a team workshop's
hosts and the team's admins see its bookings, a teacher of the team hosting none of it does
not, and cannot open one either."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests import dates
from tests.bookings.helpers import MONDAY, book, student
from tests.dashboard.cohost_setup import cohosted
from tests.factories import Member, Tenant, make_member
from tests.helpers import assert_error, data
from tests.out_of_office.helpers import hours, team_workshop


async def listed(client: httpx.AsyncClient, who: Member) -> set[str]:
    items: list[dict[str, Any]] = data(await client.get("/v2/bookings", headers=who.headers))
    return {b["uid"] for b in items}


async def test_hosts_and_team_admins_list_what_they_may_open_and_no_one_else(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    co = await cohosted(client, sessionmaker, tenant)
    uid = co.booking["uid"]
    for host in (co.lead, co.cohost):
        assert await listed(client, host) == {uid}
        assert (await client.get(f"/v2/bookings/{uid}", headers=host.headers)).status_code == 200
    assert await listed(client, co.bystander) == set()
    refused = await client.get(f"/v2/bookings/{uid}", headers=co.bystander.headers)
    assert_error(refused, 403, "not_your_booking")
    admin = await cohosted(client, sessionmaker, other_tenant, bystander_role="ADMIN")
    assert await listed(client, admin.bystander) == {admin.booking["uid"]}


async def test_a_round_robin_host_neither_lists_nor_opens_a_colleague_s_session(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], tenant: Tenant
) -> None:
    """A round robin gives each session to one host: only that host lists and opens it (a
    colleague who hosts the same workshop gets 403), as in Cal.com."""
    first, second, outsider = [await make_member(sessionmaker, tenant) for _ in range(3)]
    for teacher in (first, second):
        await hours(client, teacher, "09:00", "17:00")
    et = await team_workshop(client, tenant, "roundRobin", [first, second])
    booking = data(await book(client, et["id"], dates.at(MONDAY, "11:00"), attendee=student()), 201)
    assigned = first if booking["hosts"][0]["id"] == first.id else second
    colleague = second if assigned is first else first
    assert booking["uid"] in await listed(client, assigned)
    for other in (colleague, outsider):
        assert await listed(client, other) == set()
        opened = await client.get(f"/v2/bookings/{booking['uid']}", headers=other.headers)
        assert_error(opened, 403, "not_your_booking")
