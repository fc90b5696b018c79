"""Organization settings and API keys pages: an owner changes the school's name, contact
email and rules; creates a key shown once, revokes it; a teacher and another school find
nothing; CSRF on every change."""

from __future__ import annotations

import re

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.dashboard.staff import (
    Staff,
    assert_forgeries_refused,
    assert_nothing_found,
    csrf_at,
    csrf_of,
)
from tests.factories import Tenant, auth, make_member, make_tenant
from tests.helpers import data

ORGANIZATION = "/dashboard/settings/organization"
API_KEYS = "/dashboard/settings/api-keys"


async def test_owner_changes_the_organization_and_its_rules(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    org_url = f"/v2/organizations/{tenant.id}"
    async with staff.signed_in(tenant.owner_id) as owner:
        shown = await owner.get(ORGANIZATION)
        assert shown.status_code == 200 and f'value="School {tenant.slug}"' in shown.text
        csrf = csrf_of(shown.text)
        form = {
            "csrf": csrf,
            "name": "École Lumière",
            "contact_email": "hello@lumiere.example",
            "bio": "French <b>for</b> adults",
            "org_auto_accept_email": "lumiere.example",
            "lock_event_type_creation": "1",
        }
        saved = await owner.post(ORGANIZATION, data=form)
        assert saved.status_code == 303
        again = await owner.get(saved.headers["location"])
        assert (
            "École Lumière" in again.text and "French &lt;b&gt;for&lt;/b&gt; adults" in again.text
        )
        bad = await owner.post(
            ORGANIZATION,
            data={
                **form,
                "name": "Other",
                "contact_email": "nope",
                "org_auto_accept_email": "not a domain",
            },
        )
        assert bad.status_code == 400
        assert (
            'id="o-contact_email-error"' in bad.text
            and 'id="o-org_auto_accept_email-error"' in bad.text
        )
        assert 'value="nope"' in bad.text
    org = data(await client.get(org_url, headers=tenant.headers))
    assert (org["name"], org["contactEmail"], org["bio"]) == (
        "École Lumière",
        "hello@lumiere.example",
        "French <b>for</b> adults",
    )
    rules = data(await client.get(f"{org_url}/settings", headers=tenant.headers))
    assert rules["orgAutoAcceptEmail"] == "lumiere.example"
    assert rules["lockEventTypeCreation"] is True and rules["allowSeoIndexing"] is False


async def test_owner_creates_a_key_seen_once_and_revokes_it(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        shown = await owner.get(API_KEYS)
        csrf = csrf_of(shown.text)
        created = await owner.post(
            API_KEYS, data={"csrf": csrf, "note": "Zapier", "lifetime": "30"}
        )
        assert created.status_code == 201 and created.headers["cache-control"] == "no-store"
        found = re.search(r"data-new-key>([^<]+)</code>", created.text)
        assert found
        key = found.group(1)
        assert data(await client.get("/v2/me", headers=auth(key)))["id"] == tenant.owner_id
        listed = await owner.get(API_KEYS)
        assert key not in listed.text and "Zapier" in listed.text
        assert (
            await owner.post(API_KEYS, data={"csrf": csrf, "lifetime": "forever"})
        ).status_code == 400
        assert (
            await owner.post(API_KEYS, data={"csrf": csrf, "note": "x" * 300, "lifetime": "30"})
        ).status_code == 400
        key_id = max(k["id"] for k in data(await client.get("/v2/api-keys", headers=auth(key))))
        revoked = await owner.post(f"{API_KEYS}/{key_id}/revoke", data={"csrf": csrf})
        assert revoked.status_code == 303
    assert (await client.get("/v2/me", headers=auth(key))).status_code == 401
    keys = data(await client.get("/v2/api-keys", headers=tenant.headers))
    assert [k["note"] for k in keys][1:] == ["Zapier"]  # nothing made by the refusals


async def test_a_teacher_and_another_school_find_nothing(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
) -> None:
    owner_key_id = data(await client.get("/v2/api-keys", headers=tenant.headers))[0]["id"]
    teacher = await make_member(sessionmaker, tenant)
    other = await make_tenant(sessionmaker)
    async with staff.signed_in(teacher.id) as page:
        await assert_nothing_found(
            page,
            gets=(ORGANIZATION, API_KEYS),
            posts=(
                (ORGANIZATION, {"name": "Taken over"}),
                (API_KEYS, {"lifetime": "30"}),
                (f"{API_KEYS}/{owner_key_id}/revoke", {}),
            ),
        )
    async with staff.signed_in(other.owner_id) as page:
        csrf = await csrf_at(page, API_KEYS)
        revoke = await page.post(f"{API_KEYS}/{owner_key_id}/revoke", data={"csrf": csrf})
        assert revoke.status_code == 404
    assert data(await client.get("/v2/me", headers=tenant.headers))["id"] == tenant.owner_id
    org = data(await client.get(f"/v2/organizations/{tenant.id}", headers=tenant.headers))
    assert org["name"] == f"School {tenant.slug}"
    assert len(data(await client.get("/v2/api-keys", headers=teacher.headers))) == 1


async def test_every_change_needs_the_pages_csrf_token(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    key_id = data(await client.get("/v2/api-keys", headers=tenant.headers))[0]["id"]
    async with staff.signed_in(tenant.owner_id) as owner:
        await owner.get(API_KEYS)
        await assert_forgeries_refused(
            owner,
            (
                (ORGANIZATION, {"name": "Forged"}),
                (API_KEYS, {"lifetime": "30"}),
                (f"{API_KEYS}/{key_id}/revoke", {}),
            ),
        )
    assert (
        data(await client.get(f"/v2/organizations/{tenant.id}", headers=tenant.headers))["name"]
        != "Forged"
    )
    assert len(data(await client.get("/v2/api-keys", headers=tenant.headers))) == 1
