"""API keys: 401s, hashing, masking, revocation, expiry."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.auth.keys import hash_key
from immersio_booking.kit import clock
from immersio_booking.models import ApiKey
from tests import dates
from tests.factories import Tenant, auth
from tests.helpers import assert_error, data


async def test_missing_and_bad_credentials_are_401(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/v2/me"), 401, "missing_api_key")
    assert_error(await client.get("/v2/me", headers=auth("cal_live_nope")), 401, "invalid_api_key")
    assert_error(
        await client.get("/v2/me", headers={"Authorization": "Basic abc"}),
        401,
        "invalid_authorization",
    )
    body = assert_error(await client.get("/v2/organizations/1"), 401, "missing_api_key")
    assert body["error"]["code"] == "UnauthorizedException"


async def test_keys_are_stored_hashed_listed_masked_and_revocable(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    created = data(
        await client.post("/v2/api-keys", headers=tenant.headers, json={"note": "zapier"}), 201
    )
    raw = created["apiKey"]
    assert raw.startswith("cal_live_")
    async with sessionmaker() as session:
        row = (await session.execute(select(ApiKey).where(ApiKey.id == created["id"]))).scalar_one()
        assert row.hashed_key == hash_key(raw)
        assert raw not in (row.prefix, row.hashed_key)
    listed = data(await client.get("/v2/api-keys", headers=tenant.headers))
    assert all("apiKey" not in k for k in listed)
    mine = next(k for k in listed if k["id"] == created["id"])
    assert mine["maskedKey"].startswith("cal_live_") and len(mine["maskedKey"]) < 20
    assert data(await client.get("/v2/me", headers=auth(raw)))["id"] == tenant.owner_id

    revoked = data(await client.delete(f"/v2/api-keys/{created['id']}", headers=tenant.headers))
    assert revoked["revokedAt"] is not None
    assert_error(await client.get("/v2/me", headers=auth(raw)), 401, "api_key_revoked")
    # the key used for the call still works
    assert data(await client.get("/v2/me", headers=tenant.headers))["id"] == tenant.owner_id


async def test_expired_key_and_bad_expiry(client: httpx.AsyncClient, tenant: Tenant) -> None:
    past = (clock.now() - timedelta(days=1)).isoformat()
    assert_error(
        await client.post("/v2/api-keys", headers=tenant.headers, json={"expiresAt": past}),
        400,
        "invalid_expiry",
    )
    assert_error(
        await client.post(
            "/v2/api-keys", headers=tenant.headers, json={"expiresAt": f"{dates.monday()}T00:00:00"}
        ),
        400,
        "validation_failed",
    )
    soon = (clock.now() + timedelta(seconds=1)).isoformat()
    created = data(
        await client.post("/v2/api-keys", headers=tenant.headers, json={"expiresAt": soon}), 201
    )
    assert data(await client.get("/v2/me", headers=auth(created["apiKey"])))
    import asyncio

    await asyncio.sleep(1.2)
    assert_error(
        await client.get("/v2/me", headers=auth(created["apiKey"])), 401, "api_key_expired"
    )
