"""``POST /v2/api-keys/refresh`` (Cal.com): the calling key is swapped for a new one."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.kit import clock
from tests.factories import Tenant, auth, make_member
from tests.helpers import assert_error, data

REFRESH = "/v2/api-keys/refresh"


async def _expiry_of(client: httpx.AsyncClient, key: str) -> str | None:
    keys = data(await client.get("/v2/api-keys", headers=auth(key)))
    live = [k for k in keys if k["revokedAt"] is None]
    assert len(live) == 1
    return live[0]["expiresAt"]


async def test_refresh_returns_a_new_key_and_the_old_one_stops_working(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    new_key = data(await client.post(REFRESH, headers=tenant.headers))["apiKey"]
    assert new_key.startswith("cal_live_") and new_key != tenant.owner_key
    assert_error(await client.get("/v2/me", headers=tenant.headers), 401, "api_key_revoked")
    assert data(await client.get("/v2/me", headers=auth(new_key)))["id"] == tenant.owner_id
    expires = datetime.fromisoformat(str(await _expiry_of(client, new_key)))
    assert abs(expires - (clock.now() + timedelta(days=30))) < timedelta(minutes=5)


async def test_refresh_honours_days_valid_and_never_expires(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    key = data(await client.post(REFRESH, headers=tenant.headers, json={"apiKeyDaysValid": 2}))
    expires = datetime.fromisoformat(str(await _expiry_of(client, key["apiKey"])))
    assert abs(expires - (clock.now() + timedelta(days=2))) < timedelta(minutes=5)
    forever = data(
        await client.post(REFRESH, headers=auth(key["apiKey"]), json={"apiKeyNeverExpires": True})
    )
    assert await _expiry_of(client, forever["apiKey"]) is None


async def test_refresh_refuses_bad_and_unknown_input(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    for body in ({"apiKeyDaysValid": 0}, {"apiKeyDaysValid": "x"}):
        assert_error(
            await client.post(REFRESH, headers=tenant.headers, json=body), 400, "validation_failed"
        )
    unknown = assert_error(
        await client.post(REFRESH, headers=tenant.headers, json={"note": "mine"}),
        400,
        "unsupported_field",
    )
    assert unknown["error"]["details"]["fields"] == ["note"]
    both = {"apiKeyDaysValid": 3, "apiKeyNeverExpires": True}
    assert_error(
        await client.post(REFRESH, headers=tenant.headers, json=both), 400, "conflicting_fields"
    )
    # Nothing was rotated by the refused requests.
    assert data(await client.get("/v2/me", headers=tenant.headers))["id"] == tenant.owner_id


async def test_refresh_needs_a_live_key_and_not_an_impersonation(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert_error(await client.post(REFRESH), 401, "missing_api_key")
    assert_error(await client.post(REFRESH, headers=auth("cal_live_nope")), 401, "invalid_api_key")
    member = await make_member(sessionmaker, tenant)
    acting = {**tenant.headers, "X-Act-As-User": str(member.id)}
    assert_error(await client.post(REFRESH, headers=acting), 403, "api_keys_while_impersonating")
    assert data(await client.get("/v2/me", headers=member.headers))["id"] == member.id
