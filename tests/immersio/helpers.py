"""Set-up shared by the Immersio tests: a connected tenant with mapped workshops, and syncs."""

from __future__ import annotations

import secrets
from typing import Any

import httpx

from tests.factories import Tenant
from tests.helpers import data
from tests.immersio.conftest import API_KEY, IMMERSIO_ORG, FakeImmersio
from tests.jobs import run_jobs


def base(tenant: Tenant) -> str:
    return f"/v2/organizations/{tenant.id}/immersio"


async def connect(
    client: httpx.AsyncClient, tenant: Tenant, fake: FakeImmersio, api_key: str = API_KEY
) -> dict[str, Any]:
    body = {"immersioOrgId": IMMERSIO_ORG, "baseUrl": fake.url, "apiKey": api_key}
    return data(await client.put(f"{base(tenant)}/integration", headers=tenant.headers, json=body))  # type: ignore[no-any-return]


async def mapped_workshop(
    client: httpx.AsyncClient, tenant: Tenant, course_id: str, **metadata: Any
) -> dict[str, Any]:
    workshop = data(
        await client.post(
            "/v2/event-types",
            headers=tenant.headers,
            json={
                "lengthInMinutes": 60,
                "title": f"Course {course_id}",
                "slug": f"c-{secrets.token_hex(3)}",
                "minimumBookingNotice": 0,
                **({"metadata": metadata} if metadata else {}),
            },
        ),
        201,
    )
    data(
        await client.post(
            f"{base(tenant)}/course-mappings",
            headers=tenant.headers,
            json={"eventTypeId": workshop["id"], "immersioCourseId": course_id},
        ),
        201,
    )
    return workshop  # type: ignore[no-any-return]


async def sync_now(
    client: httpx.AsyncClient, tenant: Tenant, database_url: str, types: list[str] | None = None
) -> list[dict[str, Any]]:
    """Start a sync through the API, run the worker, return the run's logs."""
    body = {"types": types} if types else {}
    started = data(
        await client.post(f"{base(tenant)}/sync", headers=tenant.headers, json=body), 202
    )
    await run_jobs(database_url)
    return [log for log in await sync_logs(client, tenant) if log["id"] in started["syncLogIds"]]


async def sync_logs(client: httpx.AsyncClient, tenant: Tenant) -> list[dict[str, Any]]:
    return data(await client.get(f"{base(tenant)}/sync-logs", headers=tenant.headers))  # type: ignore[no-any-return]


async def read_integration(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, Any]:
    """The integration as the school's owner reads it."""
    return data(await client.get(f"{base(tenant)}/integration", headers=tenant.headers))  # type: ignore[no-any-return]


async def whitelist(
    client: httpx.AsyncClient, tenant: Tenant, event_type_id: int
) -> list[dict[str, Any]]:
    return data(  # type: ignore[no-any-return]
        await client.get(f"/v2/event-types/{event_type_id}/whitelist", headers=tenant.headers)
    )


def by_type(logs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {log["syncType"]: log for log in logs}
