"""``GET /v2/bookings`` and the organization/team listings: every Cal.com filter and sort is
applied (none is silently dropped), bad values are refused naming the field, and each listing
shows only what its caller may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.kit import clock
from immersio_booking.models import Booking, EventType
from tests import dates
from tests.bookings.helpers import (
    MONDAY,
    book,
    cancel_as_school,
    student,
    teacher_hours,
    workshop,
)
from tests.factories import Member, Tenant, make_member, make_tenant
from tests.helpers import assert_error, data

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class School:
    """Three bookings: ``ada`` and ``bob`` on the French workshop, ``cleo`` on the team's
    Spanish one. Created ada → bob → cleo, last updated cleo → bob → ada."""

    tenant: Tenant
    french: dict[str, Any]
    spanish: dict[str, Any]
    team_id: int
    ada: dict[str, Any]
    bob: dict[str, Any]
    cleo: dict[str, Any]
    created: dict[str, str]
    updated: dict[str, str]


def _iso(moment: Any) -> str:
    return str(moment.isoformat().replace("+00:00", "Z"))


async def _school(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], tenant: Tenant
) -> School:
    await teacher_hours(client, tenant)
    french = await workshop(client, tenant, title="French")
    spanish = await workshop(client, tenant, title="Spanish")
    team = data(
        await client.post(
            f"/v2/organizations/{tenant.id}/teams", headers=tenant.headers, json={"name": "ES"}
        ),
        201,
    )

    async def booked(et: dict[str, Any], day: int, name: str) -> dict[str, Any]:
        start = dates.at(MONDAY + day * dates.DAY, "10:00")
        attendee = student(f"{name.split()[0].lower()}@example.com", name=name)
        return data(await book(client, et["id"], start, attendee=attendee), 201)  # type: ignore[no-any-return]

    ada = await booked(french, 0, "Ada Lovelace")
    bob = await booked(french, 1, "Bob Marley")
    cleo = await booked(spanish, 2, "Cleo Patra")
    base = clock.now() - 48 * HOUR
    created = {ada["uid"]: base, bob["uid"]: base + HOUR, cleo["uid"]: base + 2 * HOUR}
    updated = {ada["uid"]: base + 12 * HOUR, bob["uid"]: base + 11 * HOUR}
    updated[cleo["uid"]] = base + 10 * HOUR
    async with transaction(sessionmaker) as session:
        await session.execute(
            update(EventType).where(EventType.id == spanish["id"]).values(team_id=team["id"])
        )
        for uid, when in created.items():
            await session.execute(
                update(Booking)
                .where(Booking.uid == uid)
                .values(created_at=when, updated_at=updated[uid])
            )
    return School(
        tenant,
        french,
        spanish,
        team["id"],
        ada,
        bob,
        cleo,
        {uid: _iso(when) for uid, when in created.items()},
        {uid: _iso(when) for uid, when in updated.items()},
    )


async def _uids(
    client: httpx.AsyncClient, who: Tenant | Member, params: dict[str, Any], url: str = ""
) -> list[str]:
    response = await client.get(url or "/v2/bookings", headers=who.headers, params=params)
    return [b["uid"] for b in data(response)]


async def test_every_filter_narrows_the_listing(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    s = await _school(client, sessionmaker, tenant)
    ada, bob, cleo = s.ada["uid"], s.bob["uid"], s.cleo["uid"]
    created, updated = s.created, s.updated

    async def uids(**params: Any) -> list[str]:
        return await _uids(client, tenant, params)

    assert await uids() == [ada, bob, cleo]
    assert await uids(attendeeName="bob marley") == [bob]
    assert await uids(attendeeName="Bob") == []  # the whole name, as Cal.com compares it
    assert await uids(bookingUid=cleo) == [cleo]
    assert await uids(eventTypeIds=f"{s.french['id']},{s.spanish['id']}") == [ada, bob, cleo]
    assert await uids(eventTypeIds=str(s.spanish["id"])) == [cleo]
    # Filters combine with AND: a workshop outside the listed ones matches nothing.
    assert await uids(eventTypeIds=str(s.spanish["id"]), eventTypeId=s.french["id"]) == []
    assert await uids(teamId=s.team_id) == [cleo]
    assert await uids(teamsIds=f"{s.team_id}") == [cleo]
    assert await uids(afterCreatedAt=created[bob]) == [bob, cleo]
    assert await uids(beforeCreatedAt=created[bob]) == [ada, bob]
    assert await uids(afterCreatedAt=created[bob], beforeCreatedAt=created[bob]) == [bob]
    # "updated since": what an integration syncing changes asks for
    assert await uids(afterUpdatedAt=updated[bob]) == [ada, bob]
    assert await uids(beforeUpdatedAt=updated[cleo]) == [cleo]
    assert await uids(afterStart=s.bob["start"], beforeEnd=s.bob["end"]) == [bob]
    assert await uids(afterUpdatedAt=updated[bob], eventTypeId=s.french["id"], take=1) == [ada]
    assert await uids(attendeeName="Ada Lovelace", teamId=s.team_id) == []


async def test_every_sort_orders_the_listing(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    s = await _school(client, sessionmaker, tenant)
    ada, bob, cleo = s.ada["uid"], s.bob["uid"], s.cleo["uid"]

    async def uids(**params: Any) -> list[str]:
        return await _uids(client, tenant, params)

    assert await uids(sortStart="desc") == [cleo, bob, ada]
    assert await uids(sortEnd="desc") == [cleo, bob, ada]
    assert await uids(sortEnd="asc") == [ada, bob, cleo]
    assert await uids(sortCreated="desc") == [cleo, bob, ada]
    assert await uids(sortCreated="asc") == [ada, bob, cleo]
    assert await uids(sortUpdatedAt="asc") == [cleo, bob, ada]
    assert await uids(sortUpdatedAt="desc") == [ada, bob, cleo]
    assert await uids(sortUpdatedAt="asc", take=2, skip=1) == [bob, ada]
    response = await client.get(
        "/v2/bookings", headers=tenant.headers, params={"sortCreated": "asc", "take": 2}
    )
    assert response.json()["pagination"]["totalItems"] == 3
    assert response.json()["pagination"]["hasNextPage"] is True


async def test_updated_at_follows_changes(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    s = await _school(client, sessionmaker, tenant)
    before = s.updated[s.bob["uid"]]
    await cancel_as_school(client, tenant, s.bob)
    after = data(await client.get(f"/v2/bookings/{s.bob['uid']}", headers=tenant.headers))
    assert after["updatedAt"] != before
    newest = await _uids(client, tenant, {"sortUpdatedAt": "desc", "take": 1})
    assert newest == [s.bob["uid"]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"eventTypeIds": "1,x"}, "eventTypeIds"),
        ({"eventTypeIds": ""}, "eventTypeIds"),
        ({"teamsIds": "3,,4"}, "teamsIds"),
        ({"teamId": "zero"}, "teamId"),
        ({"sortCreated": "up"}, "sortCreated"),
        ({"sortUpdatedAt": "newest"}, "sortUpdatedAt"),
        ({"sortEnd": "ASC"}, "sortEnd"),
        ({"afterUpdatedAt": "yesterday"}, "afterUpdatedAt"),
        ({"beforeCreatedAt": "2025-03-07T10:00:00"}, "beforeCreatedAt"),  # no zone
        ({"status": "upcoming,soon"}, "status"),
        ({"take": 0}, "take"),
    ],
)
async def test_bad_values_are_refused_naming_the_field(
    client: httpx.AsyncClient, tenant: Tenant, params: dict[str, Any], field: str
) -> None:
    body = assert_error(
        await client.get("/v2/bookings", headers=tenant.headers, params=params),
        400,
        "validation_failed",
    )
    assert field in body["error"]["message"]


@pytest.mark.parametrize(
    "url", ["/v2/bookings", "/v2/organizations/{org}/bookings", "/v2/event-types", "/v2/schedules"]
)
async def test_unknown_query_parameters_are_refused(
    client: httpx.AsyncClient, tenant: Tenant, url: str
) -> None:
    """``filters[status]`` and ``limit`` are 2024-04-15 names: never read here, so refused."""
    response = await client.get(
        url.format(org=tenant.id),
        headers=tenant.headers,
        params={"limit": 5, "filters[status]": "upcoming"},
    )
    body = assert_error(response, 400, "unsupported_field")
    assert body["error"]["details"]["fields"] == ["filters[status]", "limit"]
    assert "filters[status]" in body["error"]["message"] and "limit" in body["error"]["message"]


async def test_organization_listing_is_for_its_admins(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    s = await _school(client, sessionmaker, tenant)
    url = f"/v2/organizations/{tenant.id}/bookings"
    everyone = [s.ada["uid"], s.bob["uid"], s.cleo["uid"]]
    assert await _uids(client, tenant, {}, url) == everyone
    assert await _uids(client, tenant, {"sortStart": "desc", "teamId": s.team_id}, url) == [
        s.cleo["uid"]
    ]
    admin = await make_member(sessionmaker, tenant, role="ADMIN")
    assert await _uids(client, admin, {"attendeeName": "ada lovelace"}, url) == [s.ada["uid"]]
    member = await make_member(sessionmaker, tenant)
    assert_error(await client.get(url, headers=member.headers), 403, "role_required")
    stranger = await make_tenant(sessionmaker)
    assert_error(await client.get(url, headers=stranger.headers), 404, "not_found")
    # the stranger's own organization listing shows none of ours
    own = f"/v2/organizations/{stranger.id}/bookings"
    assert await _uids(client, stranger, {"bookingUid": s.ada["uid"]}, own) == []
    assert_error(await client.get(url), 401, "missing_api_key")


async def test_team_listing_is_for_its_members(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    s = await _school(client, sessionmaker, tenant)
    url = f"/v2/organizations/{tenant.id}/teams/{s.team_id}/bookings"
    assert await _uids(client, tenant, {}, url) == [s.cleo["uid"]]
    teacher = await make_member(sessionmaker, tenant)
    assert_error(await client.get(url, headers=teacher.headers), 403, "role_required")
    data(
        await client.post(
            f"/v2/organizations/{tenant.id}/teams/{s.team_id}/memberships",
            headers=tenant.headers,
            json={"userId": teacher.id, "accepted": True},
        ),
        201,
    )
    assert await _uids(client, teacher, {}, url) == [s.cleo["uid"]]
    # the team listing stays within the team, whatever the filters ask
    assert await _uids(client, teacher, {"eventTypeId": s.french["id"]}, url) == []
    # /v2/bookings still shows a plain member only their own bookings
    assert await _uids(client, teacher, {}) == []
    stranger = await make_tenant(sessionmaker)
    assert_error(await client.get(url, headers=stranger.headers), 404, "not_found")
    theirs = f"/v2/organizations/{stranger.id}/teams/{s.team_id}/bookings"
    assert_error(await client.get(theirs, headers=stranger.headers), 404, "not_found")
