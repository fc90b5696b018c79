"""Set-up shared by the page tests: a school with a published page and workshops."""

from __future__ import annotations

from typing import Any

import httpx

from tests.bookings.helpers import seating, teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import data


async def publish(client: httpx.AsyncClient, tenant: Tenant, **fields: Any) -> dict[str, Any]:
    body = {"templateId": "education", "pageTitle": "Learn with us", "isPublished": True}
    return data(  # type: ignore[no-any-return]
        await client.put(
            f"/v2/organizations/{tenant.id}/landing-page",
            headers=tenant.headers,
            json={**body, **fields},
        )
    )


async def school(
    client: httpx.AsyncClient, tenant: Tenant, **page: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A published page and one free workshop with seats; returns (page, workshop)."""
    await teacher_hours(client, tenant)
    et = await workshop(
        client,
        tenant,
        title="Conversation Club",
        seats=seating(5),
    )
    return await publish(client, tenant, **page), et
