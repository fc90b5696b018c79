"""Webhook subscriptions: the three owners, secrets, triggers, and refused targets (SSRF)."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from immersio_booking.kit.http import OutgoingPolicy, is_public, safe_client
from immersio_booking.models import Webhook
from tests.bookings.helpers import workshop
from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data

HOOK = {
    "subscriberUrl": "http://127.0.0.1:9/cal",
    "triggers": ["BOOKING_CREATED"],
    "active": True,
}


async def test_user_webhook_lifecycle_and_secret_shown_once(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    created = data(
        await client.post(
            "/v2/webhooks",
            headers=tenant.headers,
            json={**HOOK, "triggers": ["BOOKING_CREATED", "BOOKING_CANCELLED", "BOOKING_CREATED"]},
        ),
        201,
    )
    assert len(created["id"]) == 36 and created["userId"] == tenant.owner_id
    assert created["triggers"] == ["BOOKING_CREATED", "BOOKING_CANCELLED"]  # duplicates collapsed
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    async with sessionmaker() as session:
        row = (
            await session.execute(select(Webhook).where(Webhook.uid == created["id"]))
        ).scalar_one()
        assert row.secret and created["secret"] not in row.secret  # sealed at rest
    url = f"/v2/webhooks/{created['id']}"
    fetched = data(await client.get(url, headers=tenant.headers))
    assert fetched["secret"] is None
    patched = data(
        await client.patch(
            url, headers=tenant.headers, json={"active": False, "secret": "my-own-secret"}
        )
    )
    assert (patched["active"], patched["secret"]) == (False, "my-own-secret")
    assert [w["id"] for w in data(await client.get("/v2/webhooks", headers=tenant.headers))] == [
        created["id"]
    ]
    data(await client.delete(url, headers=tenant.headers))
    assert_error(await client.get(url, headers=tenant.headers), 404, "not_found")


async def test_event_type_and_organization_webhooks(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    et = await workshop(client, tenant)
    base = f"/v2/event-types/{et['id']}/webhooks"
    one = data(await client.post(base, headers=tenant.headers, json=HOOK), 201)
    data(await client.post(base, headers=tenant.headers, json=HOOK), 201)
    assert one["eventTypeId"] == et["id"]
    assert len(data(await client.get(base, headers=tenant.headers))) == 2
    assert data(await client.delete(base, headers=tenant.headers)) == "2 webhooks deleted"
    org = f"/v2/organizations/{tenant.id}/webhooks"
    tenant_wide = data(await client.post(org, headers=tenant.headers, json=HOOK), 201)
    assert tenant_wide["teamId"] == tenant.id
    member = await make_member(sessionmaker, tenant)
    assert_error(await client.post(org, headers=member.headers, json=HOOK), 403, "role_required")
    assert_error(
        await client.post(base, headers=member.headers, json=HOOK), 403, "not_event_type_owner"
    )
    # a member's own webhooks are theirs alone
    mine = data(await client.post("/v2/webhooks", headers=member.headers, json=HOOK), 201)
    assert_error(
        await client.get(f"/v2/webhooks/{mine['id']}", headers=tenant.headers), 404, "not_found"
    )


async def test_bad_subscriptions_are_refused(client: httpx.AsyncClient, tenant: Tenant) -> None:
    for body in (
        {**HOOK, "triggers": ["BOOKING_EXPLODED"]},
        {**HOOK, "triggers": []},
        {**HOOK, "subscriberUrl": "ftp://example.com/x"},
        {**HOOK, "secret": "short"},
        {"triggers": ["BOOKING_CREATED"]},
    ):
        assert_error(
            await client.post("/v2/webhooks", headers=tenant.headers, json=body),
            400,
            "validation_failed",
        )


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:9/x",
        "http://10.0.0.5/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:8080/x",
        "http://localhost:8000/x",
        "http://192.168.1.10/x",
        "http://[::ffff:127.0.0.1]/x",
        # Not private, not global either (issue 12): CGNAT (cloud metadata on some providers),
        # 6to4 and NAT64 spellings of the link-local metadata address, a public host's odd port.
        "http://100.64.0.1/hook",
        "http://[2002:a9fe:a9fe::]/hook",
        "http://[64:ff9b::a9fe:a9fe]/hook",
        "https://93.184.216.34:6379/hook",
    ],
)
async def test_private_targets_are_refused_without_the_setting(
    target: str, engine: AsyncEngine, settings: Settings, tenant: Tenant
) -> None:
    strict = Settings(**{**settings.model_dump(), "allow_private_network_targets": False})
    app = create_app(strict, engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as strict_client:
        r = await strict_client.post(
            "/v2/webhooks", headers=tenant.headers, json={**HOOK, "subscriberUrl": target}
        )
        assert_error(r, 400, "unsafe_target")


async def test_the_safe_client_checks_the_address_it_connects_to() -> None:
    assert not is_public("127.0.0.1") and not is_public("169.254.169.254") and not is_public("::1")
    assert not is_public("fd00:ec2::254") and is_public("93.184.216.34")
    async with safe_client(OutgoingPolicy()) as client:
        with pytest.raises(Exception) as refused:
            await client.get("http://localhost:1/")
        assert "private" in str(refused.value) or "loopback" in str(refused.value)
    assert json.dumps(HOOK)
