"""Schedules: Cal.com 2024-06-11 shapes, grouping, overrides, default schedule, ownership."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import Availability
from tests import dates
from tests.dates import DAY
from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data

HEADERS = {"cal-api-version": "2024-06-11"}


async def test_create_groups_days_and_keeps_overrides(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    body = {
        "name": "Teaching hours",
        "timeZone": "Europe/Madrid",
        "isDefault": True,
        "availability": [
            {"days": ["Monday"], "startTime": "16:00", "endTime": "20:00"},
            {"days": ["Wednesday"], "startTime": "16:00", "endTime": "20:00"},
            {"days": ["Saturday"], "startTime": "10:00", "endTime": "24:00"},
        ],
        "overrides": [
            {"date": str(dates.monday() - DAY), "startTime": "10:00", "endTime": "12:00"},
            {"date": str(dates.monday()), "startTime": "00:00", "endTime": "00:00"},
        ],
    }
    created = data(
        await client.post("/v2/schedules", headers={**tenant.headers, **HEADERS}, json=body), 201
    )
    assert created["ownerId"] == tenant.owner_id
    assert created["isDefault"] is True
    assert created["availability"] == [
        {"days": ["Monday", "Wednesday"], "startTime": "16:00", "endTime": "20:00"},
        {"days": ["Saturday"], "startTime": "10:00", "endTime": "24:00"},
    ]
    assert created["overrides"] == body["overrides"]
    async with sessionmaker() as session:
        rows = (
            (
                await session.execute(
                    select(Availability).where(Availability.schedule_id == created["id"])
                )
            )
            .scalars()
            .all()
        )
        masks = sorted(r.days for r in rows if r.date is None)
        assert masks == [0b0000010, 0b0001000, 0b1000000]  # Mon, Wed, Sat (Sunday = bit 0)
        assert all(r.organization_id == tenant.id for r in rows)

    default = data(await client.get("/v2/schedules/default", headers=tenant.headers))
    assert default["id"] == created["id"]
    me = data(await client.get("/v2/me", headers=tenant.headers))
    assert me["defaultScheduleId"] == created["id"]


async def test_default_availability_patch_replaces_and_delete(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    created = data(
        await client.post(
            "/v2/schedules",
            headers=tenant.headers,
            json={"name": "Plain", "timeZone": "Asia/Kolkata", "isDefault": False},
        ),
        201,
    )
    assert created["availability"] == [
        {
            "days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
            "startTime": "09:00",
            "endTime": "17:00",
        }
    ]
    url = f"/v2/schedules/{created['id']}"
    patched = data(
        await client.patch(
            url,
            headers=tenant.headers,
            json={
                "availability": [{"days": ["Sunday"], "startTime": "08:00", "endTime": "12:00"}],
                "timeZone": "Asia/Kathmandu",
                "isDefault": True,
            },
        )
    )
    assert patched["availability"] == [
        {"days": ["Sunday"], "startTime": "08:00", "endTime": "12:00"}
    ]
    assert (patched["timeZone"], patched["isDefault"]) == ("Asia/Kathmandu", True)
    listed = data(await client.get("/v2/schedules", headers=tenant.headers))
    assert created["id"] in {s["id"] for s in listed}
    r = await client.delete(url, headers=tenant.headers)
    assert r.status_code == 200 and r.json() == {"status": "success"}
    assert data(await client.get("/v2/schedules/default", headers=tenant.headers)) is None
    assert_error(await client.get(url, headers=tenant.headers), 404, "not_found")


async def test_schedule_validation(client: httpx.AsyncClient, tenant: Tenant) -> None:
    base = {"name": "x", "timeZone": "Europe/Berlin", "isDefault": False}
    no_such_day, wednesday = f"{dates.today().year + 1}-02-30", str(dates.monday() + 2 * DAY)
    for bad in (
        {**base, "timeZone": "Europe/Atlantis"},
        {**base, "availability": [{"days": ["Funday"], "startTime": "09:00", "endTime": "10:00"}]},
        {**base, "availability": [{"days": ["Monday"], "startTime": "9am", "endTime": "10:00"}]},
        {**base, "availability": [{"days": ["Monday"], "startTime": "11:00", "endTime": "10:00"}]},
        {**base, "availability": [{"days": [], "startTime": "09:00", "endTime": "10:00"}]},
        {**base, "overrides": [{"date": no_such_day, "startTime": "09:00", "endTime": "10:00"}]},
        {**base, "overrides": [{"date": wednesday, "startTime": "25:00", "endTime": "26:00"}]},
        {"name": "missing zone", "isDefault": False},
    ):
        assert_error(
            await client.post("/v2/schedules", headers=tenant.headers, json=bad),
            400,
            "validation_failed",
        )


async def test_members_cannot_touch_each_others_schedules_admins_can(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    alice = await make_member(sessionmaker, tenant)
    bob = await make_member(sessionmaker, tenant)
    created = data(
        await client.post(
            "/v2/schedules",
            headers=alice.headers,
            json={"name": "Alice", "timeZone": "UTC", "isDefault": True},
        ),
        201,
    )
    url = f"/v2/schedules/{created['id']}"
    assert_error(await client.get(url, headers=bob.headers), 403, "not_schedule_owner")
    assert_error(
        await client.patch(url, headers=bob.headers, json={"name": "Mine"}),
        403,
        "not_schedule_owner",
    )
    assert data(await client.get(url, headers=tenant.headers))["name"] == "Alice"


async def test_the_list_pages_with_take_and_skip(client: httpx.AsyncClient, tenant: Tenant) -> None:
    """MCP clients send ``take``; it pages the caller's schedules (oldest first)."""
    made = [
        data(
            await client.post(
                "/v2/schedules",
                headers={**tenant.headers, **HEADERS},
                json={"name": name, "timeZone": "UTC", "isDefault": False},
            ),
            201,
        )
        for name in ("Mornings", "Evenings", "Weekends")
    ]
    url = "/v2/schedules"
    every = data(await client.get(url, headers={**tenant.headers, **HEADERS}))
    assert [s["id"] for s in every] == [s["id"] for s in made]
    paged = data(await client.get(f"{url}?take=2&skip=1", headers={**tenant.headers, **HEADERS}))
    assert [s["name"] for s in paged] == ["Evenings", "Weekends"]
    assert_error(
        await client.get(f"{url}?take=0", headers={**tenant.headers, **HEADERS}),
        400,
        "validation_failed",
    )
