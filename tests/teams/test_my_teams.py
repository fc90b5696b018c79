"""``GET /v2/teams`` (Cal.com): the caller's own teams, in the caller's school only."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data


async def test_the_caller_sees_only_their_teams(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    url = f"/v2/organizations/{tenant.id}/teams"
    made = [
        data(await client.post(url, headers=tenant.headers, json={"name": name}), 201)
        for name in ("Spanish", "German", "Italian")
    ]
    data(
        await client.post(
            f"/v2/organizations/{other_tenant.id}/teams",
            headers=other_tenant.headers,
            json={"name": "Elsewhere"},
        ),
        201,
    )
    mine = data(await client.get("/v2/teams", headers=tenant.headers))
    assert [(t["id"], t["role"], t["accepted"]) for t in mine] == [
        (t["id"], "OWNER", True) for t in made
    ]
    paged = data(await client.get("/v2/teams?take=1&skip=1", headers=tenant.headers))
    assert [t["id"] for t in paged] == [made[1]["id"]]
    # A student of the school (a member of no team), another school's owner, a stranger.
    student = await make_member(sessionmaker, tenant)
    assert data(await client.get("/v2/teams", headers=student.headers)) == []
    assert [
        t["name"] for t in data(await client.get("/v2/teams", headers=other_tenant.headers))
    ] == ["Elsewhere"]
    assert_error(await client.get("/v2/teams"), 401, "missing_api_key")
    assert_error(
        await client.get("/v2/teams?teamId=1", headers=tenant.headers), 400, "unsupported_field"
    )
