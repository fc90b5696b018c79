"""Sub-teams: creation under the organization, slugs, private member lists."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data


async def test_team_lifecycle(client: httpx.AsyncClient, tenant: Tenant) -> None:
    url = f"/v2/organizations/{tenant.id}/teams"
    team = data(
        await client.post(url, headers=tenant.headers, json={"name": "Spanish Department"}), 201
    )
    assert (team["slug"], team["parentId"], team["organizationId"]) == (
        "spanish-department",
        tenant.id,
        tenant.id,
    )
    sub = data(
        await client.post(
            url, headers=tenant.headers, json={"name": "Kids", "parentId": team["id"]}
        ),
        201,
    )
    assert sub["parentId"] == team["id"]
    assert_error(
        await client.post(url, headers=tenant.headers, json={"name": "Spanish Department"}),
        409,
        "slug_taken",
    )
    mine = data(await client.get(f"{url}/me", headers=tenant.headers))
    assert {t["id"]: t["role"] for t in mine} == {team["id"]: "OWNER", sub["id"]: "OWNER"}
    patched = data(
        await client.patch(
            f"{url}/{team['id']}", headers=tenant.headers, json={"bio": "Hola", "isPrivate": True}
        )
    )
    assert (patched["bio"], patched["isPrivate"]) == ("Hola", True)
    listed = data(await client.get(url, headers=tenant.headers))
    assert {t["id"] for t in listed} == {team["id"], sub["id"]}
    data(await client.delete(f"{url}/{team['id']}", headers=tenant.headers))
    # the sub-team went with its parent
    assert data(await client.get(url, headers=tenant.headers)) == []


async def test_team_input_errors(client: httpx.AsyncClient, tenant: Tenant) -> None:
    url = f"/v2/organizations/{tenant.id}/teams"
    assert_error(await client.post(url, headers=tenant.headers, json={}), 400, "validation_failed")
    assert_error(
        await client.post(url, headers=tenant.headers, json={"name": "x", "brandColor": "#12"}),
        400,
        "validation_failed",
    )
    assert_error(
        await client.post(url, headers=tenant.headers, json={"name": "!!!"}), 400, "invalid_slug"
    )
    assert_error(
        await client.post(url, headers=tenant.headers, json={"name": "x", "parentId": 999999999}),
        404,
        "not_found",
    )


async def test_private_team_hides_members_from_non_members(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    outsider = await make_member(sessionmaker, tenant)
    insider = await make_member(sessionmaker, tenant)
    url = f"/v2/organizations/{tenant.id}/teams"
    private = data(
        await client.post(url, headers=tenant.headers, json={"name": "Board", "isPrivate": True}),
        201,
    )
    public = data(await client.post(url, headers=tenant.headers, json={"name": "Open"}), 201)
    added = data(
        await client.post(
            f"{url}/{private['id']}/memberships",
            headers=tenant.headers,
            json={"userId": insider.id, "accepted": True},
        ),
        201,
    )
    assert added["role"] == "MEMBER"

    members_url = f"{url}/{private['id']}/memberships"
    assert_error(await client.get(members_url, headers=outsider.headers), 404, "not_found")
    seen = data(await client.get(members_url, headers=insider.headers))
    assert {m["userId"] for m in seen} == {tenant.owner_id, insider.id}
    assert data(await client.get(f"{url}/{public['id']}/memberships", headers=outsider.headers))
    # a plain member of a team cannot add people to it
    assert_error(
        await client.post(members_url, headers=insider.headers, json={"userId": outsider.id}),
        403,
        "role_required",
    )
