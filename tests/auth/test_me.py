from __future__ import annotations

import httpx

from tests.factories import Tenant


async def test_me(client: httpx.AsyncClient, tenant: Tenant) -> None:
    r = await client.get("/v2/me", headers=tenant.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "success"
    assert body["data"]["organizationId"] == tenant.id
    assert body["data"]["memberships"] == [
        {"teamId": tenant.id, "role": "OWNER", "accepted": True, "isOrganization": True}
    ]
