"""Workflows over the API: shapes, ordered steps, pagination, validation reasons, roles and
tenant isolation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.bookings.helpers import workshop
from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data
from tests.workflows.helpers import body, create_workflow, step


async def test_create_read_update_delete_with_ordered_steps(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et = await workshop(client, tenant)
    created = await create_workflow(
        client,
        tenant,
        name="Day before",
        isActiveOnAll=False,
        activeOn=[et["id"]],
        steps=[
            step("EMAIL_HOST", 2),
            step(
                "EMAIL_ATTENDEE",
                1,
                template="CUSTOM",
                emailSubject="See you {EVENT_DATE}",
                reminderBody="<p>Hi {ATTENDEE_NAME}</p>",
                sender="Academy",
            ),
        ],
    )
    assert created["name"] == "Day before" and created["teamId"] == tenant.id
    assert (created["trigger"], created["time"], created["timeUnit"]) == (
        "BEFORE_EVENT",
        24,
        "HOUR",
    )
    assert created["activeOn"] == [et["id"]] and created["isActiveOnAll"] is False
    assert [s["stepNumber"] for s in created["steps"]] == [1, 2]
    first = created["steps"][0]
    assert (first["action"], first["template"], first["sender"]) == (
        "EMAIL_ATTENDEE",
        "CUSTOM",
        "Academy",
    )
    assert first["reminderBody"] == "<p>Hi {ATTENDEE_NAME}</p>"
    url = f"/v2/organizations/{tenant.id}/workflows/{created['id']}"
    assert data(await client.get(url, headers=tenant.headers)) == created

    patched = data(
        await client.patch(
            url,
            headers=tenant.headers,
            json={
                "name": "Hour before",
                "time": 1,
                "isActiveOnAll": True,
                "steps": [step("EMAIL_ATTENDEE", 1, emailSubject="Soon")],
            },
        )
    )
    assert (patched["name"], patched["time"], patched["isActiveOnAll"]) == ("Hour before", 1, True)
    assert patched["activeOn"] == []
    assert len(patched["steps"]) == 1 and patched["steps"][0]["emailSubject"] == "Soon"
    # the kept step number keeps its row
    assert patched["steps"][0]["id"] == first["id"]

    # an immediate trigger has no offset
    moved = data(await client.patch(url, headers=tenant.headers, json={"trigger": "NEW_EVENT"}))
    assert (moved["time"], moved["timeUnit"]) == (None, None)

    assert data(await client.delete(url, headers=tenant.headers))["id"] == created["id"]
    assert_error(await client.get(url, headers=tenant.headers), 404, "workflow_not_found")


async def test_list_is_paginated(client: httpx.AsyncClient, tenant: Tenant) -> None:
    for trigger in ("NEW_EVENT", "EVENT_CANCELLED", "AFTER_EVENT"):
        await create_workflow(client, tenant, trigger=trigger)
    r = await client.get(
        f"/v2/organizations/{tenant.id}/workflows", headers=tenant.headers, params={"take": 2}
    )
    assert r.status_code == 200, r.text
    page = r.json()
    assert [w["trigger"] for w in page["data"]] == ["NEW_EVENT", "EVENT_CANCELLED"]
    assert page["pagination"]["totalItems"] == 3 and page["pagination"]["hasNextPage"] is True
    rest = (
        await client.get(
            f"/v2/organizations/{tenant.id}/workflows",
            headers=tenant.headers,
            params={"take": 2, "skip": 2},
        )
    ).json()
    assert [w["trigger"] for w in rest["data"]] == ["AFTER_EVENT"]
    assert rest["pagination"]["hasNextPage"] is False


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"time": None}, "offset_required"),
        ({"timeUnit": None}, "offset_required"),
        ({"time": 400, "timeUnit": "DAY"}, "offset_too_long"),
        ({"trigger": "WHEN_I_FEEL_LIKE_IT"}, "validation_failed"),
        ({"timeUnit": "WEEK"}, "validation_failed"),
        ({"steps": []}, "validation_failed"),
        ({"steps": [step("CARRIER_PIGEON")]}, "validation_failed"),
        ({"steps": [step(number=1), step(number=1)]}, "duplicate_step_number"),
        ({"steps": [step("EMAIL_ADDRESS")]}, "recipient_required"),
        ({"steps": [step("EMAIL_ADDRESS", sendTo="not-an-email")]}, "invalid_recipient"),
        ({"steps": [step("SMS_NUMBER")]}, "recipient_required"),
        ({"steps": [step("WHATSAPP_NUMBER", sendTo="0612345678")]}, "invalid_recipient"),
        ({"steps": [step(template="CUSTOM")]}, "reminder_body_required"),
        ({"activeOn": [1]}, "active_on_conflict"),
    ],
)
async def test_invalid_workflows_are_refused_with_a_reason(
    client: httpx.AsyncClient, tenant: Tenant, change: dict[str, Any], reason: str
) -> None:
    r = await client.post(
        f"/v2/organizations/{tenant.id}/workflows",
        headers=tenant.headers,
        json={**body(), **change},
    )
    assert_error(r, 400, reason)


async def test_another_tenants_event_types_and_workflows_are_not_found(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = await workshop(client, other_tenant)
    r = await client.post(
        f"/v2/organizations/{tenant.id}/workflows",
        headers=tenant.headers,
        json=body(isActiveOnAll=False, activeOn=[theirs["id"]]),
    )
    assert_error(r, 404, "event_type_not_found")

    mine = await create_workflow(client, tenant)
    # their key on my organization, and my workflow under their organization
    for url, headers in (
        (f"/v2/organizations/{tenant.id}/workflows/{mine['id']}", other_tenant.headers),
        (f"/v2/organizations/{other_tenant.id}/workflows/{mine['id']}", tenant.headers),
        (f"/v2/organizations/{other_tenant.id}/workflows/{mine['id']}", other_tenant.headers),
    ):
        assert (await client.get(url, headers=headers)).status_code == 404
        assert (await client.patch(url, headers=headers, json={"name": "x"})).status_code == 404
        assert (await client.delete(url, headers=headers)).status_code == 404
    listed = await client.get(
        f"/v2/organizations/{other_tenant.id}/workflows", headers=other_tenant.headers
    )
    assert listed.json()["data"] == []
    still = data(
        await client.get(
            f"/v2/organizations/{tenant.id}/workflows/{mine['id']}", headers=tenant.headers
        )
    )
    assert still == mine


async def test_members_read_and_only_admins_write(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    member = await make_member(sessionmaker, tenant)
    made = await create_workflow(client, tenant)
    base = f"/v2/organizations/{tenant.id}/workflows"
    assert data(await client.get(base, headers=member.headers))[0]["id"] == made["id"]
    assert data(await client.get(f"{base}/{made['id']}", headers=member.headers))["id"]
    assert_error(await client.post(base, headers=member.headers, json=body()), 403, "role_required")
    assert_error(
        await client.patch(f"{base}/{made['id']}", headers=member.headers, json={"name": "x"}),
        403,
        "role_required",
    )
    assert_error(
        await client.delete(f"{base}/{made['id']}", headers=member.headers), 403, "role_required"
    )


async def test_reminder_bodies_keep_simple_html_and_lose_anything_that_runs(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    hostile = (
        '<p onclick="steal()">Hi <strong>{ATTENDEE_NAME}</strong></p><script>alert(1)</script>'
        '<a href="javascript:alert(2)">x</a><a href="{MANAGE_URL}">manage</a>'
        '<img src="https://tracker.example/p.gif"><style>p{}</style>'
    )
    created = await create_workflow(
        client,
        tenant,
        isActiveOnAll=True,
        steps=[step("EMAIL_ATTENDEE", 1, template="CUSTOM", reminderBody=hostile)],
    )
    kept = created["steps"][0]["reminderBody"]
    assert "<p>Hi <strong>{ATTENDEE_NAME}</strong></p>" in kept
    assert '<a href="{MANAGE_URL}" rel="noopener">manage</a>' in kept
    for gone in ("script", "onclick", "javascript:", "<img", "<style", "alert"):
        assert gone not in kept
