"""A collective team workshop with two co-hosting teachers and one session booked, next to a
colleague's own session and a teacher of the same team who hosts none of it (set up through
the API, as a school does)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests import dates
from tests.bookings.helpers import MONDAY, book, student
from tests.dashboard.bookings_setup import seated_session
from tests.factories import Member, Tenant, make_member, unique
from tests.helpers import data
from tests.out_of_office.helpers import hours, team_workshop


@dataclass(frozen=True)
class CoHosted:
    lead: Member  # the booking's assigned host (the first of the workshop's hosts)
    cohost: Member  # the other host: an attendee of the booking, not its ``user_id``
    bystander: Member  # on the workshop's team, hosting none of it
    workshop: dict[str, Any]
    booking: dict[str, Any]
    colleagues: list[dict[str, Any]]  # the owner's own session: none of the teachers' business


async def cohosted(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: Tenant,
    bystander_role: str = "MEMBER",
) -> CoHosted:
    lead, cohost, bystander = [await make_member(sessionmaker, tenant) for _ in range(3)]
    for teacher in (lead, cohost):
        await hours(client, teacher, "09:00", "17:00")
    et = await team_workshop(client, tenant, "COLLECTIVE", [lead, cohost])
    data(
        await client.post(
            f"/v2/organizations/{tenant.id}/teams/{et['teamId']}/memberships",
            headers=tenant.headers,
            json={"userId": bystander.id, "accepted": True, "role": bystander_role},
        ),
        201,
    )
    attendee = student(f"{unique('co')}@example.com", name="Coco Student")
    booking = data(await book(client, et["id"], dates.at(MONDAY, "11:00"), attendee=attendee), 201)
    _, colleagues = await seated_session(client, tenant)
    return CoHosted(lead, cohost, bystander, et, booking, colleagues)
