"""Immersio's webhooks: Standard Webhooks signatures, freshness, replays, and their effect."""

from __future__ import annotations

import json
import secrets
from typing import Any

import httpx
from cryptography.fernet import Fernet
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.kit import clock
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.models import ImmersioIntegration
from immersio_booking.webhooks.signing import standard_signature
from tests.factories import Tenant
from tests.helpers import assert_error, data
from tests.immersio.conftest import FakeImmersio
from tests.immersio.helpers import base, connect, mapped_workshop, whitelist


def signed(
    secret: str, event: dict[str, Any], *, message_id: str | None = None, at: int | None = None
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event).encode()
    message_id = message_id or f"msg_{secrets.token_hex(6)}"
    stamp = at if at is not None else int(clock.timestamp())
    return body, {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": standard_signature(secret, message_id, stamp, body),
    }


def enrolled(course: str, student_id: str, email: str) -> dict[str, Any]:
    return {
        "type": "student.enrolled",
        "data": {"course_id": course, "student": {"id": student_id, "email": email, "name": "W"}},
    }


async def test_events_are_applied_at_once(
    client: httpx.AsyncClient, tenant: Tenant, fake_immersio: FakeImmersio
) -> None:
    secret = (await connect(client, tenant, fake_immersio))["webhookSecret"]
    workshop = await mapped_workshop(client, tenant, "crs_1")
    url = f"/webhooks/immersio/{tenant.id}"

    body, headers = signed(secret, enrolled("crs_1", "stu_w", "hooked@example.com"))
    assert (await client.post(url, content=body, headers=headers)).status_code == 200
    entries = await whitelist(client, tenant, workshop["id"])
    assert [(e["email"], e["immersioStudentId"], e["source"]) for e in entries] == [
        ("hooked@example.com", "stu_w", "immersio")
    ]

    dropped = {
        "type": "student.dropped",
        "data": {"course_id": "crs_1", "student": {"id": "stu_w", "email": "hooked@example.com"}},
    }
    body, headers = signed(secret, dropped)
    assert (await client.post(url, content=body, headers=headers)).status_code == 200
    assert await whitelist(client, tenant, workshop["id"]) == []

    renamed = {"type": "course.updated", "data": {"course": {"id": "crs_1", "name": "New name"}}}
    body, headers = signed(secret, renamed)
    assert (await client.post(url, content=body, headers=headers)).status_code == 200
    mappings = data(await client.get(f"{base(tenant)}/course-mappings", headers=tenant.headers))
    assert mappings[0]["immersioCourseName"] == "New name"


async def test_bad_signature_stale_timestamp_and_replays_are_refused(
    client: httpx.AsyncClient, tenant: Tenant, fake_immersio: FakeImmersio
) -> None:
    secret = (await connect(client, tenant, fake_immersio))["webhookSecret"]
    workshop = await mapped_workshop(client, tenant, "crs_1")
    url = f"/webhooks/immersio/{tenant.id}"
    event = enrolled("crs_1", "stu_x", "x@example.com")

    body, headers = signed("whsec_" + "A" * 44, event)
    assert_error(await client.post(url, content=body, headers=headers), 401, "invalid_signature")
    body, headers = signed(secret, event)
    tampered = body.replace(b"x@example.com", b"y@example.com")
    assert_error(
        await client.post(url, content=tampered, headers=headers), 401, "invalid_signature"
    )
    assert_error(await client.post(url, content=body), 401, "invalid_signature")
    old_body, old_headers = signed(secret, event, at=int(clock.timestamp()) - 3600)
    assert_error(
        await client.post(url, content=old_body, headers=old_headers), 401, "stale_timestamp"
    )
    assert await whitelist(client, tenant, workshop["id"]) == []

    assert (await client.post(url, content=body, headers=headers)).status_code == 200
    assert_error(await client.post(url, content=body, headers=headers), 409, "webhook_replayed")
    assert len(await whitelist(client, tenant, workshop["id"])) == 1

    body, headers = signed(secret, {"type": "student.enrolled", "data": {"course_id": "crs_1"}})
    assert_error(await client.post(url, content=body, headers=headers), 400, "invalid_event")


async def test_a_tenant_without_immersio_has_no_webhook(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    body, headers = signed("whsec_" + "A" * 44, enrolled("crs_1", "s", "s@example.com"))
    assert_error(
        await client.post(f"/webhooks/immersio/{tenant.id}", content=body, headers=headers),
        404,
        "immersio_not_connected",
    )


async def test_a_secret_sealed_under_a_key_we_no_longer_hold_is_a_clear_503(
    client: httpx.AsyncClient,
    tenant: Tenant,
    fake_immersio: FakeImmersio,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Keys rotated elsewhere and this process not told: the webhook cannot be verified, and
    says so (503 with a reason), instead of failing with a server error."""
    secret = (await connect(client, tenant, fake_immersio))["webhookSecret"]
    elsewhere = SecretBox([Fernet.generate_key().decode()])  # a key the app does not hold
    async with transaction(sessionmaker) as session:
        await session.execute(
            update(ImmersioIntegration)
            .where(ImmersioIntegration.tenant_id == tenant.id)
            .values(webhook_secret=elsewhere.seal(secret))
        )
    body, headers = signed(secret, enrolled("crs_1", "stu_1", "s@example.com"))
    assert_error(
        await client.post(f"/webhooks/immersio/{tenant.id}", content=body, headers=headers),
        503,
        "immersio_secret_unreadable",
    )
