"""Tenant isolation over every route that takes an id.

For each operation of the app whose path names an object, tenant B's key is sent at tenant A's
object with a valid body. The answer must be 404 (or 403 for a role check), never success, and
A's objects must be unchanged afterwards. Routes are read from the app itself, so new routes are
covered as soon as they exist; a path parameter with no known object fails the test until one
is added to ``objects_of_tenant_a``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import WaitlistEntry
from tests import dates
from tests.api_catalog import PUBLIC_CAPABILITIES, SIGNED_BY_PROVIDER, example, operations
from tests.bookings.helpers import MONDAY
from tests.factories import Tenant, make_member
from tests.helpers import data


async def objects_of_tenant_a(
    client: httpx.AsyncClient, a: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> dict[str, Any]:
    member = await make_member(sessionmaker, a)
    team = data(
        await client.post(
            f"/v2/organizations/{a.id}/teams", headers=a.headers, json={"name": "Isolated"}
        ),
        201,
    )
    memberships = data(await client.get(f"/v2/organizations/{a.id}/memberships", headers=a.headers))
    key = data(await client.post("/v2/api-keys", headers=a.headers, json={"note": "a"}), 201)
    schedule = data(
        await client.post(
            "/v2/schedules",
            headers=a.headers,
            json={"name": "A hours", "timeZone": "Europe/Paris", "isDefault": True},
        ),
        201,
    )
    workshop = data(
        await client.post(
            f"/v2/organizations/{a.id}/teams/{team['id']}/event-types",
            headers=a.headers,
            json={
                "lengthInMinutes": 30,
                "title": "A class",
                "slug": "a-class",
                "schedulingType": "collective",
                "assignAllTeamMembers": True,
            },
        ),
        201,
    )
    personal = data(
        await client.post(
            "/v2/event-types",
            headers=a.headers,
            json={
                "lengthInMinutes": 60,
                "title": "Solo",
                "slug": "solo",
                "minimumBookingNotice": 0,
            },
        ),
        201,
    )
    hook = data(
        await client.post(
            "/v2/webhooks",
            headers=a.headers,
            json={"subscriberUrl": "http://127.0.0.1:9/a", "triggers": ["BOOKING_CREATED"]},
        ),
        201,
    )
    booking = data(
        await client.post(
            "/v2/bookings",
            json={
                "eventTypeId": personal["id"],
                "start": dates.at(MONDAY, "08:00"),
                "attendee": {"name": "Stu", "email": "stu@example.com", "timeZone": "Europe/Paris"},
            },
        ),
        201,
    )
    entry = data(
        await client.post(
            f"/v2/event-types/{personal['id']}/whitelist",
            headers=a.headers,
            json={"email": "listed@example.com"},
        ),
        201,
    )
    deliveries = data(await client.get(f"/v2/webhooks/{hook['id']}/deliveries", headers=a.headers))
    workflow = data(
        await client.post(
            f"/v2/organizations/{a.id}/workflows",
            headers=a.headers,
            json={
                "name": "A reminder",
                "trigger": "BEFORE_EVENT",
                "time": 24,
                "timeUnit": "HOUR",
                "activeOn": [personal["id"]],
                "steps": [{"stepNumber": 1, "action": "EMAIL_ATTENDEE"}],
            },
        ),
        201,
    )
    immersio = f"/v2/organizations/{a.id}/immersio"
    data(
        await client.put(
            f"{immersio}/integration",
            headers=a.headers,
            json={"immersioOrgId": "a-org", "baseUrl": "http://127.0.0.1:9", "apiKey": "a-key"},
        )
    )
    mapping = data(
        await client.post(
            f"{immersio}/course-mappings",
            headers=a.headers,
            json={"eventTypeId": personal["id"], "immersioCourseId": "a-course"},
        ),
        201,
    )
    absence = data(
        await client.post(
            f"/v2/organizations/{a.id}/users/{member.id}/ooo",
            headers=a.headers,
            json={"start": dates.at(MONDAY, "09:00"), "end": dates.at(MONDAY, "17:00")},
        ),
        201,
    )
    async with sessionmaker() as session, session.begin():
        waiting = WaitlistEntry(
            organization_id=a.id,
            uid=str(uuid.uuid4()),
            event_type_id=personal["id"],
            start_time=datetime.fromisoformat(dates.at(MONDAY, "08:00")),
            email="waiting@example.com",
            name="Wait",
            time_zone="UTC",
        )
        session.add(waiting)
    return {
        "waitlistUid": waiting.uid,
        "oooId": absence["id"],
        "webhookId": hook["id"],
        "deliveryId": deliveries[0]["id"],
        "orgId": a.id,
        "bookingUid": booking["uid"],
        "seatUid": booking["uid"],  # a seat's uid is its booking's uid
        "entryId": entry["id"],
        "eventTypeId": workshop["id"],
        "userId": member.id,
        "teamId": team["id"],
        "membershipId": next(m["id"] for m in memberships if m["userId"] == member.id),
        "keyId": key["id"],
        "scheduleId": schedule["id"],
        "workflowId": workflow["id"],
        "mappingId": mapping["id"],
        "calendar": "ics-feed",  # a calendar kind (the credential's id is in the body)
    }


async def test_another_tenant_gets_not_found_on_every_route_with_an_id(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    app: FastAPI = client._transport.app  # type: ignore[attr-defined]
    ids = await objects_of_tenant_a(client, tenant, sessionmaker)
    before = await snapshot(client, tenant, ids)
    checked = 0
    for op in operations(app):
        if not op.params or op.path in PUBLIC_CAPABILITIES:
            continue
        missing = [p for p in op.params if p not in ids]
        if missing:
            pytest.fail(f"{op}: add an object of tenant A for {missing} to objects_of_tenant_a")
        body = example(op.body_schema) if op.body_schema else None
        r = await client.request(op.method, op.url(ids), headers=other_tenant.headers, json=body)
        refusals = (401, 403, 404) if op.path in SIGNED_BY_PROVIDER else (403, 404)
        assert r.status_code in refusals, f"{op} answered {r.status_code}: {r.text}"
        assert r.json()["status"] == "error"
        checked += 1
    assert checked >= 20
    assert await snapshot(client, tenant, ids) == before


async def snapshot(client: httpx.AsyncClient, a: Tenant, ids: dict[str, Any]) -> list[Any]:
    """What tenant A sees of its objects; must not change under tenant B's requests."""
    base = f"/v2/organizations/{a.id}"
    urls = [
        base,
        f"{base}/settings",
        f"{base}/subscription",
        f"{base}/users",
        f"{base}/teams",
        f"{base}/teams/{ids['teamId']}/memberships",
        f"{base}/memberships",
        "/v2/api-keys",
        f"/v2/schedules/{ids['scheduleId']}",
        f"/v2/event-types/{ids['eventTypeId']}",
        f"/v2/bookings/{ids['bookingUid']}",
        f"/v2/bookings/{ids['bookingUid']}/cancellation-history",
        "/v2/webhooks",
        f"{base}/workflows",
        f"{base}/immersio/integration",
        f"{base}/immersio/course-mappings",
        f"{base}/users/{ids['userId']}/ooo",
    ]
    out = []
    for url in urls:
        body = data(await client.get(url, headers=a.headers))
        if isinstance(body, list):
            body = sorted(
                ({k: v for k, v in item.items() if k != "lastUsedAt"} for item in body),
                key=lambda item: item.get("id", 0),
            )
        elif isinstance(body, dict):
            body = {k: v for k, v in body.items() if k != "updatedAt"}
        out.append(body)
    return out
