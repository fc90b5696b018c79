"""``/v2/organizations/{orgId}/users/{userId}/schedules``: admins manage any member's
schedules, a member their own; strangers and other schools find nothing."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data

BODY = {
    "name": "Evening classes",
    "timeZone": "Europe/Paris",
    "isDefault": True,
    "availability": [{"days": ["Tuesday"], "startTime": "18:00", "endTime": "21:00"}],
}


def _url(tenant: Tenant, user_id: int, schedule_id: int | None = None) -> str:
    url = f"/v2/organizations/{tenant.id}/users/{user_id}/schedules"
    return f"{url}/{schedule_id}" if schedule_id else url


async def test_an_admin_manages_a_members_schedules(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    created = data(
        await client.post(_url(tenant, teacher.id), headers=tenant.headers, json=BODY), 201
    )
    assert created["ownerId"] == teacher.id and created["isDefault"] is True
    # The teacher sees it as their own, and it is their default.
    assert (
        data(await client.get("/v2/schedules/default", headers=teacher.headers))["id"]
        == created["id"]
    )
    listed = data(await client.get(_url(tenant, teacher.id), headers=tenant.headers))
    assert [s["id"] for s in listed] == [created["id"]]
    patched = data(
        await client.patch(
            _url(tenant, teacher.id, created["id"]),
            headers=tenant.headers,
            json={"name": "Late classes", "availability": []},
        )
    )
    assert (patched["name"], patched["availability"]) == ("Late classes", [])
    one = data(await client.get(_url(tenant, teacher.id, created["id"]), headers=tenant.headers))
    assert one == patched
    deleted = await client.delete(_url(tenant, teacher.id, created["id"]), headers=tenant.headers)
    assert deleted.status_code == 200 and deleted.json() == {"status": "success"}
    assert_error(
        await client.get(_url(tenant, teacher.id, created["id"]), headers=tenant.headers),
        404,
        "not_found",
    )


async def test_a_member_manages_only_their_own(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    colleague = await make_member(sessionmaker, tenant)
    own = data(await client.post(_url(tenant, teacher.id), headers=teacher.headers, json=BODY), 201)
    theirs = data(
        await client.post(_url(tenant, colleague.id), headers=colleague.headers, json=BODY), 201
    )
    assert_error(
        await client.post(_url(tenant, colleague.id), headers=teacher.headers, json=BODY),
        403,
        "role_required",
    )
    for method in ("GET", "DELETE"):
        assert_error(
            await client.request(
                method, _url(tenant, colleague.id, theirs["id"]), headers=teacher.headers
            ),
            403,
            "role_required",
        )
    # A schedule reached through the wrong owner is not found, even for an admin.
    assert_error(
        await client.get(_url(tenant, teacher.id, theirs["id"]), headers=tenant.headers),
        404,
        "not_found",
    )
    assert (
        data(await client.get(_url(tenant, teacher.id, own["id"]), headers=teacher.headers))["id"]
        == own["id"]
    )


async def test_strangers_and_other_schools_find_nothing(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    created = data(
        await client.post(_url(tenant, teacher.id), headers=tenant.headers, json=BODY), 201
    )
    # Another school's owner: the organization itself is not found.
    for method, url in (
        ("GET", _url(tenant, teacher.id)),
        ("GET", _url(tenant, teacher.id, created["id"])),
        ("DELETE", _url(tenant, teacher.id, created["id"])),
    ):
        assert_error(
            await client.request(method, url, headers=other_tenant.headers), 404, "not_found"
        )
    assert_error(
        await client.post(_url(tenant, teacher.id), headers=other_tenant.headers, json=BODY),
        404,
        "not_found",
    )
    # Through their own organization, a user of ours is not a member there.
    assert_error(
        await client.get(_url(other_tenant, teacher.id), headers=other_tenant.headers),
        404,
        "not_found",
    )
    assert_error(await client.get(_url(tenant, teacher.id)), 401, "missing_api_key")
    # The schedule survived every refused request.
    assert data(await client.get(_url(tenant, teacher.id, created["id"]), headers=tenant.headers))
