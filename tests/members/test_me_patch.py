"""``PATCH /v2/me`` (Cal.com): what we store changes, what we do not store is refused by name."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data

SCHEDULE = {"name": "Hours", "timeZone": "Europe/Paris", "isDefault": False}


async def test_patch_me_changes_what_we_store(client: httpx.AsyncClient, tenant: Tenant) -> None:
    schedule = data(await client.post("/v2/schedules", headers=tenant.headers, json=SCHEDULE), 201)
    body = {
        "name": "Amélie Roux",
        "timeZone": "Europe/Paris",
        "locale": "fr",
        "defaultScheduleId": schedule["id"],
    }
    me = data(await client.patch("/v2/me", headers=tenant.headers, json=body))
    assert (me["name"], me["timeZone"], me["locale"]) == ("Amélie Roux", "Europe/Paris", "fr")
    assert me["defaultScheduleId"] == schedule["id"]
    assert data(await client.get("/v2/me", headers=tenant.headers)) == me
    again = data(await client.get(f"/v2/schedules/{schedule['id']}", headers=tenant.headers))
    assert again["isDefault"] is True
    cleared = data(
        await client.patch("/v2/me", headers=tenant.headers, json={"defaultScheduleId": None})
    )
    assert cleared["defaultScheduleId"] is None and cleared["name"] == "Amélie Roux"


async def test_patch_me_refuses_unsupported_fields_by_name(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    before = data(await client.get("/v2/me", headers=tenant.headers))
    for field, value in (
        ("email", "new@example.com"),
        ("weekStart", "Monday"),
        ("timeFormat", 24),
        ("avatarUrl", "https://example.com/a.png"),
        ("bio", "Hi"),
        ("metadata", {}),
    ):
        body = {"name": "Changed", field: value}
        reply = assert_error(
            await client.patch("/v2/me", headers=tenant.headers, json=body),
            400,
            "unsupported_field",
        )
        assert reply["error"]["details"]["fields"] == [field]
        assert field in reply["error"]["message"]
    both = {"bio": "Hi", "email": "new@example.com"}
    reply = assert_error(
        await client.patch("/v2/me", headers=tenant.headers, json=both),
        400,
        "unsupported_field",
    )
    assert reply["error"]["details"]["fields"] == ["email", "bio"]
    unknown = assert_error(
        await client.patch("/v2/me", headers=tenant.headers, json={"favouriteColour": "red"}),
        400,
        "unsupported_field",
    )
    assert unknown["error"]["details"]["fields"] == ["favouriteColour"]
    for body in ({"locale": "de"}, {"timeZone": "Mars/Base"}):
        assert_error(
            await client.patch("/v2/me", headers=tenant.headers, json=body),
            400,
            "validation_failed",
        )
    assert_error(
        await client.patch("/v2/me", headers=tenant.headers, json={"name": None}),
        400,
        "invalid_value",
    )
    assert data(await client.get("/v2/me", headers=tenant.headers)) == before


async def test_default_schedule_must_be_the_callers_own(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Another member's schedule, or another school's, is not found."""
    member = await make_member(sessionmaker, tenant)
    theirs = data(await client.post("/v2/schedules", headers=member.headers, json=SCHEDULE), 201)
    elsewhere = data(
        await client.post("/v2/schedules", headers=other_tenant.headers, json=SCHEDULE), 201
    )
    for schedule_id in (theirs["id"], elsewhere["id"]):
        assert_error(
            await client.patch(
                "/v2/me", headers=tenant.headers, json={"defaultScheduleId": schedule_id}
            ),
            404,
            "not_found",
        )
    assert_error(await client.patch("/v2/me", json={"name": "x"}), 401, "missing_api_key")
