"""Organizations: read, change, settings, subscription, platform-admin creation."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import TenantSubscription
from tests.factories import Tenant, auth, make_member, unique
from tests.helpers import assert_error, data


async def test_get_and_patch_organization(client: httpx.AsyncClient, tenant: Tenant) -> None:
    r = await client.get(f"/v2/organizations/{tenant.id}", headers=tenant.headers)
    assert r.status_code == 200
    assert r.json()["data"]["slug"] == tenant.slug
    assert r.json()["data"]["isOrganization"] is True

    new_slug = unique("renamed")
    r = await client.patch(
        f"/v2/organizations/{tenant.id}",
        headers=tenant.headers,
        json={
            "name": "Ecole Lumière",
            "slug": new_slug,
            "brandColor": "#1A2B3C",
            "bio": "French for grown-ups",
            "logoUrl": "https://cdn.example.com/logo.png",
            "metadata": {"immersio_config": {"auto_sync_enabled": True}},
        },
    )
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["name"] == "Ecole Lumière"
    assert data["slug"] == new_slug
    assert data["brandColor"] == "#1a2b3c"
    # platform-owned keys are not the school's to write (tests/security/test_platform_fields.py)
    assert "orgSeats" not in data["metadata"]
    assert data["metadata"]["immersio_config"]["auto_sync_enabled"] is True
    again = await client.get(f"/v2/organizations/{tenant.id}", headers=tenant.headers)
    assert again.json()["data"]["slug"] == new_slug


async def test_patch_rejects_bad_values_and_taken_slug(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    url = f"/v2/organizations/{tenant.id}"
    for body in (
        {"brandColor": "red"},
        {"slug": "Not A Slug"},
        {"slug": "docs"},
        {"logoUrl": "javascript:alert(1)"},
        {"metadata": {"orgSeats": -1}},
        {"metadata": {"billingPeriod": "WEEKLY"}},
    ):
        r = await client.patch(url, headers=tenant.headers, json=body)
        body_json = assert_error(r, 400, "validation_failed")
        assert body_json["error"]["code"] == "BadRequestException"
    r = await client.patch(url, headers=tenant.headers, json={"slug": other_tenant.slug})
    assert_error(r, 409, "slug_taken")
    # nothing was half-written
    r = await client.get(url, headers=tenant.headers)
    assert r.json()["data"]["slug"] == tenant.slug


async def test_member_reads_but_cannot_change_organization(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    member = await make_member(sessionmaker, tenant)
    r = await client.get(f"/v2/organizations/{tenant.id}", headers=member.headers)
    assert r.status_code == 200
    r = await client.patch(
        f"/v2/organizations/{tenant.id}", headers=member.headers, json={"name": "Mine"}
    )
    assert_error(r, 403, "role_required")


async def test_settings_round_trip_and_platform_only_flags(
    client: httpx.AsyncClient, tenant: Tenant, platform_admin_key: str
) -> None:
    url = f"/v2/organizations/{tenant.id}/settings"
    r = await client.get(url, headers=tenant.headers)
    assert r.status_code == 200
    assert r.json()["data"]["lockEventTypeCreation"] is False
    r = await client.patch(
        url,
        headers=tenant.headers,
        json={
            "lockEventTypeCreation": True,
            "orgAutoAcceptEmail": "@Example.COM",
            "allowSeoIndexing": True,
            "adminGetsNoSlotsNotification": True,
        },
    )
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["orgAutoAcceptEmail"] == "example.com"
    assert data["lockEventTypeCreation"] is True
    assert data["allowSeoIndexing"] is True
    r = await client.patch(url, headers=tenant.headers, json={"isOrganizationVerified": True})
    assert_error(r, 403, "platform_admin_required")
    r = await client.patch(
        url, headers=auth(platform_admin_key), json={"isOrganizationVerified": True}
    )
    assert r.status_code == 200
    assert r.json()["data"]["isOrganizationVerified"] is True
    r = await client.patch(url, headers=tenant.headers, json={"orgAutoAcceptEmail": "not a domain"})
    assert_error(r, 400, "validation_failed")


async def test_subscription_defaults_to_lite_and_platform_admin_sets_it(
    client: httpx.AsyncClient,
    platform_admin_key: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    from tests.factories import make_tenant

    lite = await make_tenant(sessionmaker, plan="lite")
    url = f"/v2/organizations/{lite.id}/subscription"
    r = await client.get(url, headers=lite.headers)
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["planType"] == "lite" and data["isDefault"] is True
    assert data["maxTeachers"] == 1

    r = await client.put(url, headers=lite.headers, json={"planType": "pro"})
    assert_error(r, 403, "platform_admin_required")

    r = await client.put(
        url,
        headers=auth(platform_admin_key),
        json={"planType": "starter", "maxTeachers": 7, "billingPeriod": "annually"},
    )
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert (data["planType"], data["maxTeachers"], data["maxEventTypes"]) == ("starter", 7, 10)
    assert data["isDefault"] is False
    async with sessionmaker() as session:
        row = (
            await session.execute(
                select(TenantSubscription).where(TenantSubscription.tenant_id == lite.id)
            )
        ).scalar_one()
        assert row.billing_period == "annually"

    r = await client.put(url, headers=auth(platform_admin_key), json={"planType": "gold"})
    assert_error(r, 400, "validation_failed")


async def test_platform_admin_creates_and_lists_organizations(
    client: httpx.AsyncClient, platform_admin_key: str, tenant: Tenant
) -> None:
    slug = unique("new")
    body = {"name": "New School", "slug": slug, "ownerEmail": f"Boss@{slug}.example.com"}
    r = await client.post("/v2/organizations", headers=tenant.headers, json=body)
    assert_error(r, 403, "platform_admin_required")
    r = await client.post("/v2/organizations", headers=auth(platform_admin_key), json=body)
    assert r.status_code == 201, r.text
    created = r.json()["data"]
    assert created["organization"]["slug"] == slug
    assert created["owner"]["email"] == f"boss@{slug}.example.com"
    me = await client.get("/v2/me", headers=auth(created["apiKey"]))
    assert me.json()["data"]["memberships"][0]["role"] == "OWNER"
    again = await client.post("/v2/organizations", headers=auth(platform_admin_key), json=body)
    assert_error(again, 409, "slug_taken")
    # Every school, page by page (oldest first): the whole suite has made hundreds by now.
    seen: set[int] = set()
    for skip in range(0, 100_000, 250):
        page = data(
            await client.get(
                "/v2/organizations",
                params={"take": 250, "skip": skip},
                headers=auth(platform_admin_key),
            )
        )
        seen |= {o["id"] for o in page}
        if len(page) < 250:
            break
    assert created["organization"]["id"] in seen
