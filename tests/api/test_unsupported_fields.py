"""Nothing accepted and ignored: a body key or query parameter we do not read is refused with
400 ``unsupported_field`` naming each one, on every kind of route; pages stay lenient."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests import dates
from tests.bookings.helpers import (
    MONDAY,
    book,
    one_booking,
    student,
    teacher_hours,
    token_of,
    workshop,
)
from tests.factories import Tenant
from tests.helpers import assert_error, data
from tests.web.pages import publish


def _refused(response: httpx.Response, *fields: str) -> dict[str, Any]:
    body = assert_error(response, 400, "unsupported_field")
    assert body["error"]["details"]["fields"] == sorted(fields)
    for field in fields:
        assert field in body["error"]["message"]
    return body


async def test_booking_bodies_refuse_unknown_keys(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et, booking = await one_booking(client, tenant, dates.at(MONDAY, "10:00"))
    start = dates.at(MONDAY, "11:00")
    _refused(
        await book(client, et["id"], start, attendee=student(nickname="Ada"), colour="red"),
        "attendee.nickname",
        "colour",
    )
    _refused(
        await client.post(
            f"/v2/bookings/{booking['uid']}/cancel",
            params={"token": token_of(booking)},
            json={"cancellationReason": "ill", "refundPlease": True},
        ),
        "refundPlease",
    )
    still = data(await client.get(f"/v2/bookings/{booking['uid']}", headers=tenant.headers))
    assert still["status"] == "accepted"  # nothing half-done


async def test_unknown_key_is_named_before_other_errors(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    response = await client.post(
        "/v2/event-types", headers=tenant.headers, json={"title": "", "colour": "red"}
    )
    body = _refused(response, "colour")
    # the other faults are still listed, for a client that wants them all at once
    assert {e["property"] for e in body["error"]["details"]["errors"]} >= {"colour", "title"}


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/v2/event-types", {"title": "T", "slug": "t", "lengthInMinutes": 30}),
        ("post", "/v2/schedules", {"name": "H", "timeZone": "UTC", "isDefault": False}),
        (
            "post",
            "/v2/organizations/{org}/webhooks",
            {"subscriberUrl": "https://example.com/h", "triggers": ["BOOKING_CREATED"]},
        ),
        ("patch", "/v2/organizations/{org}", {"name": "School"}),
        ("post", "/v2/organizations/{org}/teams", {"name": "Team"}),
    ],
)
async def test_management_bodies_refuse_unknown_keys(
    client: httpx.AsyncClient,
    tenant: Tenant,
    method: str,
    url: str,
    body: dict[str, Any],
) -> None:
    response = await client.request(
        method,
        url.format(org=tenant.id),
        headers=tenant.headers,
        json={**body, "surpriseField": 1},
    )
    _refused(response, "surpriseField")


async def test_nested_unknown_keys_are_named_with_their_path(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    response = await client.post(
        "/v2/schedules",
        headers=tenant.headers,
        json={
            "name": "Hours",
            "timeZone": "UTC",
            "isDefault": False,
            "availability": [
                {"days": ["Monday"], "startTime": "09:00", "endTime": "12:00", "x": 1}
            ],
        },
    )
    _refused(response, "availability.0.x")


async def test_free_metadata_keeps_any_key(client: httpx.AsyncClient, tenant: Tenant) -> None:
    """Metadata is the client's own: its keys are stored, not refused."""
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    created = data(
        await book(
            client, et["id"], dates.at(MONDAY, "10:00"), metadata={"crmId": "42", "anyKey": "v"}
        ),
        201,
    )
    assert created["metadata"]["anyKey"] == "v"


@pytest.mark.parametrize(
    "url",
    [
        "/v2/event-types",
        "/v2/schedules",
        "/v2/webhooks",
        "/v2/organizations/{org}/teams",
        "/v2/me",
        "/v2/organizations/{org}/bookings",
    ],
)
async def test_unknown_query_parameters_are_refused(
    client: httpx.AsyncClient, tenant: Tenant, url: str
) -> None:
    response = await client.get(
        url.format(org=tenant.id), headers=tenant.headers, params={"colour": "red"}
    )
    _refused(response, "colour")


async def test_slots_query_refuses_through_the_same_error(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et = await workshop(client, tenant)
    day = MONDAY.isoformat()
    response = await client.get(
        "/v2/slots", params={"eventTypeId": et["id"], "start": day, "end": day, "sortBy": "x"}
    )
    _refused(response, "sortBy")


async def test_declared_parameters_still_work(client: httpx.AsyncClient, tenant: Tenant) -> None:
    assert data(await client.get("/v2/webhooks", headers=tenant.headers, params={"take": 1})) == []


async def test_pages_accept_tracking_parameters(client: httpx.AsyncClient, tenant: Tenant) -> None:
    """A link shared with utm_* or fbclid still opens the school's page."""
    await publish(client, tenant)
    response = await client.get(f"/{tenant.slug}", params={"utm_source": "x", "fbclid": "y"})
    assert response.status_code == 200
