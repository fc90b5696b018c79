"""Connecting Immersio, course mappings and the live course list."""

from __future__ import annotations

import httpx
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.db.session import transaction
from immersio_booking.immersio.service import rotate_secrets
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.models import ImmersioIntegration
from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data
from tests.immersio.conftest import API_KEY, IMMERSIO_ORG, FakeImmersio
from tests.immersio.helpers import base, connect, mapped_workshop


async def test_connect_stores_the_key_sealed_and_never_shows_it(
    client: httpx.AsyncClient,
    tenant: Tenant,
    fake_immersio: FakeImmersio,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    created = await connect(client, tenant, fake_immersio)
    assert created["hasApiKey"] is True
    assert created["webhookSecret"].startswith("whsec_")
    assert created["webhookUrl"].endswith(f"/webhooks/immersio/{tenant.id}")
    assert API_KEY not in str(created)
    async with sessionmaker() as session:
        row = (
            await session.execute(
                select(ImmersioIntegration).where(ImmersioIntegration.tenant_id == tenant.id)
            )
        ).scalar_one()
    assert row.api_key_encrypted and API_KEY not in row.api_key_encrypted
    assert row.webhook_secret and created["webhookSecret"] not in row.webhook_secret

    # An update without apiKey keeps the key and does not show the secret again.
    updated = data(
        await client.put(
            f"{base(tenant)}/integration",
            headers=tenant.headers,
            json={
                "immersioOrgId": IMMERSIO_ORG,
                "baseUrl": fake_immersio.url,
                "syncEnabled": True,
                "syncIntervalMinutes": 15,
            },
        )
    )
    assert updated["syncEnabled"] is True and updated["syncIntervalMinutes"] == 15
    assert updated["webhookSecret"] is None and updated["hasApiKey"] is True
    check = data(await client.post(f"{base(tenant)}/integration/test", headers=tenant.headers))
    assert check["ok"] is True

    rotated = data(
        await client.post(f"{base(tenant)}/integration/webhook-secret", headers=tenant.headers)
    )
    assert rotated["webhookSecret"] not in (None, created["webhookSecret"])

    gone = data(await client.delete(f"{base(tenant)}/integration", headers=tenant.headers))
    assert gone["id"] == created["id"]
    assert_error(
        await client.get(f"{base(tenant)}/integration", headers=tenant.headers),
        404,
        "immersio_not_connected",
    )


async def test_connection_check_says_what_is_wrong(
    client: httpx.AsyncClient, tenant: Tenant, fake_immersio: FakeImmersio
) -> None:
    body = {"immersioOrgId": "someone-else", "baseUrl": fake_immersio.url, "apiKey": API_KEY}
    data(await client.put(f"{base(tenant)}/integration", headers=tenant.headers, json=body))
    check = data(await client.post(f"{base(tenant)}/integration/test", headers=tenant.headers))
    assert check["ok"] is False and check["reason"] == "immersio_forbidden"
    assert "someone-else" in check["message"]


async def test_bad_connection_input_is_refused_with_codes(
    client: httpx.AsyncClient, tenant: Tenant, fake_immersio: FakeImmersio
) -> None:
    url = f"{base(tenant)}/integration"
    first = {"immersioOrgId": IMMERSIO_ORG, "baseUrl": fake_immersio.url}
    assert_error(
        await client.put(url, headers=tenant.headers, json=first), 400, "immersio_key_missing"
    )
    for wrong in (
        {**first, "apiKey": "k", "baseUrl": "ftp://example.com"},
        {**first, "apiKey": "k", "immersioOrgId": "has spaces"},
        {**first, "apiKey": "k", "syncIntervalMinutes": 1},
    ):
        r = await client.put(url, headers=tenant.headers, json=wrong)
        assert r.status_code in (400, 422), r.text
        assert r.json()["status"] == "error"
    assert_error(
        await client.post(f"{base(tenant)}/sync", headers=tenant.headers, json={}),
        404,
        "immersio_not_connected",
    )
    r = await client.post(
        f"{base(tenant)}/sync", headers=tenant.headers, json={"types": ["everything"]}
    )
    assert r.status_code in (400, 422)


async def test_members_who_are_not_admins_may_not_manage_the_integration(
    client: httpx.AsyncClient,
    tenant: Tenant,
    fake_immersio: FakeImmersio,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await connect(client, tenant, fake_immersio)
    member = await make_member(sessionmaker, tenant)
    assert_error(
        await client.get(f"{base(tenant)}/integration", headers=member.headers),
        403,
        "role_required",
    )


async def test_mappings_crud_and_the_live_course_list(
    client: httpx.AsyncClient, tenant: Tenant, fake_immersio: FakeImmersio
) -> None:
    await connect(client, tenant, fake_immersio)
    workshop = await mapped_workshop(client, tenant, "crs_2")
    mappings = data(await client.get(f"{base(tenant)}/course-mappings", headers=tenant.headers))
    assert [(m["eventTypeId"], m["immersioCourseId"]) for m in mappings] == [
        (workshop["id"], "crs_2")
    ]
    mapping_id = mappings[0]["id"]

    courses = data(await client.get(f"{base(tenant)}/courses", headers=tenant.headers))
    assert len(courses) == 5
    assert {c["id"]: c["mapped"] for c in courses}["crs_2"] is True
    assert sum(c["mapped"] for c in courses) == 1
    assert next(c for c in courses if c["id"] == "crs_2")["eventTypeId"] == workshop["id"]

    # eventTypeId and immersioCourseId are each unique
    again = {"eventTypeId": workshop["id"], "immersioCourseId": "crs_3"}
    assert_error(
        await client.post(f"{base(tenant)}/course-mappings", headers=tenant.headers, json=again),
        409,
        "course_mapping_exists",
    )
    other = await mapped_workshop(client, tenant, "crs_3")
    clash = {"eventTypeId": other["id"], "immersioCourseId": "crs_2"}
    assert_error(
        await client.post(f"{base(tenant)}/course-mappings", headers=tenant.headers, json=clash),
        409,
        "course_mapping_exists",
    )
    missing = {"eventTypeId": 987654321, "immersioCourseId": "crs_4"}
    assert_error(
        await client.post(f"{base(tenant)}/course-mappings", headers=tenant.headers, json=missing),
        404,
        "not_found",
    )

    patched = data(
        await client.patch(
            f"{base(tenant)}/course-mappings/{mapping_id}",
            headers=tenant.headers,
            json={"syncStudents": False, "immersioCourseName": "Renamed"},
        )
    )
    assert patched["syncStudents"] is False and patched["immersioCourseName"] == "Renamed"
    data(
        await client.delete(f"{base(tenant)}/course-mappings/{mapping_id}", headers=tenant.headers)
    )
    assert_error(
        await client.get(f"{base(tenant)}/course-mappings/{mapping_id}", headers=tenant.headers),
        404,
        "not_found",
    )


async def test_the_live_course_list_reports_an_unreachable_immersio(
    client: httpx.AsyncClient, tenant: Tenant, fake_immersio: FakeImmersio
) -> None:
    await connect(client, tenant, fake_immersio)
    fake_immersio.faults(serverErrorNext=50)
    assert_error(
        await client.get(f"{base(tenant)}/courses", headers=tenant.headers),
        502,
        "immersio_unavailable",
    )


async def test_rotate_keys_re_encrypts_the_key_and_the_webhook_secret(
    client: httpx.AsyncClient,
    tenant: Tenant,
    fake_immersio: FakeImmersio,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    shown = (await connect(client, tenant, fake_immersio))["webhookSecret"]
    new_key = Fernet.generate_key().decode()
    keys = ",".join([new_key, *settings.resolved_encryption_keys()])
    async with transaction(sessionmaker) as session:
        assert (
            await rotate_secrets(session, settings.model_copy(update={"encryption_keys": keys}))
            >= 2
        )
    async with sessionmaker() as session:
        row = (
            await session.execute(
                select(ImmersioIntegration).where(ImmersioIntegration.tenant_id == tenant.id)
            )
        ).scalar_one()
    only_new = SecretBox([new_key])
    assert row.api_key_encrypted and only_new.open(row.api_key_encrypted) == API_KEY
    assert row.webhook_secret and only_new.open(row.webhook_secret) == shown
