"""``cal-api-version``: each versioned path answers its versions, no header picks Cal.com's
default for the path, a known version the path lacks picks the default, any other is a 400."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.bookings.helpers import MONDAY, teacher_hours
from tests.factories import Tenant, unique
from tests.helpers import assert_error, data

LEGACY_BOOKINGS = ["2024-04-15", "2024-06-11", "2024-06-14"]
UNKNOWN = "2025-01-01"


def is_legacy_event_types(body: Any) -> bool:
    return isinstance(body, dict) and set(body) == {"eventTypeGroups", "profiles"}


def is_legacy_bookings(body: Any) -> bool:
    return isinstance(body, dict) and set(body) == {"bookings", "recurringInfo", "nextCursor"}


def _headers(tenant: Tenant, version: str | None) -> dict[str, str]:
    return {**tenant.headers, **({"cal-api-version": version} if version else {})}


@pytest.mark.parametrize(
    ("version", "legacy"),
    [
        (None, True),
        ("2024-04-15", True),
        ("2024-06-11", True),
        ("2024-06-14", False),
        ("2024-08-13", True),  # known to Cal.com, no such handler here: the default
        ("2024-09-04", True),
    ],
)
async def test_event_type_list_by_version(
    bare: httpx.AsyncClient, tenant: Tenant, version: str | None, legacy: bool
) -> None:
    body = data(await bare.get("/v2/event-types", headers=_headers(tenant, version)))
    assert is_legacy_event_types(body) is legacy
    if not legacy:
        assert isinstance(body, list)


@pytest.mark.parametrize(
    ("version", "legacy"),
    [
        (None, True),
        *[(v, True) for v in LEGACY_BOOKINGS],
        ("2024-08-13", False),
        ("2024-09-04", True),
    ],
)
async def test_booking_list_by_version(
    bare: httpx.AsyncClient, tenant: Tenant, version: str | None, legacy: bool
) -> None:
    response = await bare.get("/v2/bookings", headers=_headers(tenant, version))
    assert is_legacy_bookings(data(response)) is legacy
    assert ("pagination" in response.json()) is not legacy


@pytest.mark.parametrize(
    ("path", "supported"),
    [
        ("/v2/event-types", ["2024-04-15", "2024-06-11", "2024-06-14"]),
        ("/v2/bookings", [*LEGACY_BOOKINGS, "2024-08-13"]),
        ("/v2/slots", ["2024-09-04"]),
        ("/v2/slots/available", ["2024-04-15", "2024-06-11", "2024-06-14", "2024-08-13"]),
        ("/v2/schedules", ["2024-06-11", "2024-06-14"]),
    ],
)
async def test_unknown_version_is_refused_naming_the_supported_ones(
    bare: httpx.AsyncClient, tenant: Tenant, path: str, supported: list[str]
) -> None:
    body = assert_error(
        await bare.get(path, headers=_headers(tenant, UNKNOWN)), 400, "unsupported_api_version"
    )
    assert body["error"]["details"]["supportedVersions"] == supported
    assert UNKNOWN in body["error"]["message"]
    for version in supported:
        assert version in body["error"]["message"]


async def test_paths_of_one_newer_version_answer_without_the_header(
    bare: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(bare, tenant)  # /v2/schedules: 2024-06-11 without a header
    legacy = {"length": 60, "title": "Legacy", "slug": unique("w"), "minimumBookingNotice": 0}
    et = data(await bare.post("/v2/event-types", headers=tenant.headers, json=legacy), 201)
    assert et["length"] == 60 and "lengthInMinutes" not in et  # no header: the legacy shape
    window = {"eventTypeId": et["id"], "start": str(MONDAY), "end": str(MONDAY)}
    for version in (None, "2024-09-04", "2024-04-15", "2024-08-13"):
        slots = data(await bare.get("/v2/slots", params=window, headers=_headers(tenant, version)))
        assert slots[str(MONDAY)][0]["start"] == f"{MONDAY}T09:00:00.000Z"
    for version in (None, "2024-06-14", "2024-04-15"):
        assert data(await bare.get("/v2/schedules", headers=_headers(tenant, version)))
    confirm = await bare.post("/v2/bookings/no-such-uid/confirm", headers=tenant.headers)
    assert_error(confirm, 404, "not_found")  # 2024-08-13's handler, reached without a header


async def test_routes_of_every_version_ignore_the_header(
    bare: httpx.AsyncClient, tenant: Tenant
) -> None:
    for version in (None, UNKNOWN, "2024-04-15"):
        data(await bare.get("/v2/webhooks", headers=_headers(tenant, version)))
        data(await bare.get(f"/v2/organizations/{tenant.id}", headers=_headers(tenant, version)))
