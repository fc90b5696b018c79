"""Event types (workshops): Cal.com 2024-06-14 shapes mapped onto the ERD, rules and limits."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import EventType
from tests import dates
from tests.dates import DAY
from tests.factories import Tenant, make_member, make_tenant
from tests.helpers import assert_error, data

HEADERS = {"cal-api-version": "2024-06-14"}


def workshop(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "lengthInMinutes": 60,
        "title": "Spanish conversation workshop",
        "slug": "spanish-workshop",
        "description": "Small-group speaking practice",
        "locations": [{"type": "integration", "integration": "cal-video"}],
        "bookingFields": [
            {
                "type": "select",
                "slug": "level",
                "label": "Your level",
                "required": True,
                "options": ["A2", "B1", "B2"],
            }
        ],
        "minimumBookingNotice": 120,
        "afterEventBuffer": 10,
        "bookingWindow": {"type": "calendarDays", "value": 60, "rolling": False},
        "seats": {"seatsPerTimeSlot": 6, "showAttendeeInfo": False, "showAvailabilityCount": True},
        "price": 2500,
        "currency": "EUR",
        "metadata": {
            "topic_category": "Conversation",
            "refund_window_hours": 12,
            "registration_mode": "whitelist",
            "whitelist_enabled": True,
        },
    }
    body.update(overrides)
    return body


async def test_create_maps_cal_com_inputs_onto_erd_columns(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    schedule = data(
        await client.post(
            "/v2/schedules",
            headers=tenant.headers,
            json={"name": "Hours", "timeZone": "Europe/Madrid", "isDefault": True},
        ),
        201,
    )
    created = data(
        await client.post(
            "/v2/event-types",
            headers={**tenant.headers, **HEADERS},
            json=workshop(
                scheduleId=schedule["id"],
                confirmationPolicy={"type": "always"},
                recurrence={"frequency": "weekly", "interval": 1, "occurrences": 8},
            ),
        ),
        201,
    )
    assert created["ownerId"] == tenant.owner_id
    assert created["lengthInMinutes"] == 60
    assert created["bookingWindow"] == {"type": "calendarDays", "value": 60, "rolling": False}
    assert created["seats"] == {
        "seatsPerTimeSlot": 6,
        "showAttendeeInfo": False,
        "showAvailabilityCount": True,
    }
    assert created["confirmationPolicy"]["type"] == "always"
    assert created["recurrence"] == {"frequency": "weekly", "interval": 1, "occurrences": 8}
    assert (created["price"], created["currency"]) == (2500, "eur")
    assert created["metadata"]["refund_window_hours"] == 12
    assert created["metadata"]["registration_mode"] == "whitelist"
    assert [f["slug"] for f in created["bookingFields"]] == [
        "name",
        "email",
        "notes",
        "guests",
        "level",
    ]
    assert created["bookingFields"][-1]["isDefault"] is False
    assert created["bookingUrl"].endswith(f"/{tenant.slug}/spanish-workshop")
    assert created["users"][0]["id"] == tenant.owner_id
    async with sessionmaker() as session:
        row = await session.get(EventType, created["id"])
        assert row is not None
        assert (row.period_type, row.period_days, row.period_count_calendar_days) == (
            "ROLLING",
            60,
            1,
        )
        assert (row.seats_per_time_slot, row.requires_confirmation) == (6, True)
        assert row.recurring_event == {"freq": "weekly", "interval": 1, "count": 8}
        assert row.organization_id == tenant.id and row.schedule_id == schedule["id"]

    url = f"/v2/event-types/{created['id']}"
    thursday = dates.monday() + 3 * DAY
    window = [str(thursday), str(thursday + 4 * DAY)]  # Thursday to Monday
    patched = data(
        await client.patch(
            url,
            headers=tenant.headers,
            json={
                "bookingWindow": {"type": "range", "value": window},
                "seats": {"disabled": True},
                "confirmationPolicy": {"disabled": True},
                "title": "Renamed",
            },
        )
    )
    assert patched["bookingWindow"] == {"type": "range", "value": window}
    assert patched["seats"] == {"disabled": True}
    assert patched["confirmationPolicy"] == {"disabled": True}
    assert patched["title"] == "Renamed" and patched["lengthInMinutes"] == 60
    fetched = data(await client.get(url, headers=tenant.headers))
    assert fetched == patched
    deleted = data(await client.delete(url, headers=tenant.headers))
    assert deleted == {
        "id": created["id"],
        "lengthInMinutes": 60,
        "slug": "spanish-workshop",
        "title": "Renamed",
    }
    assert_error(await client.get(url, headers=tenant.headers), 404, "not_found")


async def test_validation_of_workshop_fields(client: httpx.AsyncClient, tenant: Tenant) -> None:
    thursday = dates.monday() + 3 * DAY
    bad_bodies = [
        workshop(metadata={"registration_mode": "lottery"}),
        workshop(metadata={"refund_window_hours": -1}),
        workshop(currency="euro"),
        workshop(price=-5),
        workshop(lengthInMinutes=0),
        workshop(slug="Bad Slug"),
        workshop(locations=[]),
        workshop(locations=[{"type": "carrier-pigeon"}]),
        workshop(locations=[{"type": "phone", "phone": "12345"}]),
        workshop(bookingFields=[{"type": "hologram", "slug": "x", "label": "X", "required": True}]),
        workshop(bookingFields=[{"type": "select", "slug": "x", "label": "X", "required": True}]),
        workshop(bookingFields=[{"type": "email", "required": False}]),
        workshop(
            seats={"seatsPerTimeSlot": 0, "showAttendeeInfo": True, "showAvailabilityCount": True}
        ),
        workshop(
            bookingWindow={"type": "range", "value": [str(thursday + 4 * DAY), str(thursday)]}
        ),
        workshop(recurrence={"frequency": "daily", "interval": 1, "occurrences": 3}),
        workshop(recurrence={"frequency": "weekly", "interval": 1, "occurrences": 53}),
        workshop(lengthInMinutesOptions=[30, 45]),
    ]
    for body in bad_bodies:
        r = await client.post("/v2/event-types", headers=tenant.headers, json=body)
        assert_error(r, 400, "validation_failed")
    r = await client.post(
        "/v2/event-types",
        headers=tenant.headers,
        json=workshop(
            bookingFields=[
                {"type": "text", "slug": "a", "label": "A", "required": True},
                {"type": "text", "slug": "a", "label": "A2", "required": False},
            ]
        ),
    )
    assert_error(r, 400, "invalid_booking_fields")


async def test_slug_unique_in_organization_only(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    data(
        await client.post("/v2/event-types", headers=tenant.headers, json=workshop(slug="ielts")),
        201,
    )
    assert_error(
        await client.post("/v2/event-types", headers=tenant.headers, json=workshop(slug="ielts")),
        400,
        "slug_taken",
    )
    data(
        await client.post(
            "/v2/event-types", headers=other_tenant.headers, json=workshop(slug="ielts")
        ),
        201,
    )


async def test_schedule_must_belong_to_owner(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    theirs = data(
        await client.post(
            "/v2/schedules",
            headers=teacher.headers,
            json={"name": "T", "timeZone": "UTC", "isDefault": True},
        ),
        201,
    )
    r = await client.post(
        "/v2/event-types", headers=tenant.headers, json=workshop(scheduleId=theirs["id"])
    )
    assert_error(r, 404, "schedule_not_found")


async def test_lock_event_type_creation_and_member_edits(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    colleague = await make_member(sessionmaker, tenant)
    mine = data(await client.post("/v2/event-types", headers=teacher.headers, json=workshop()), 201)
    url = f"/v2/event-types/{mine['id']}"
    assert_error(
        await client.patch(url, headers=colleague.headers, json={"title": "x"}),
        403,
        "not_event_type_owner",
    )
    assert (
        data(await client.patch(url, headers=teacher.headers, json={"title": "Mine"}))["title"]
        == "Mine"
    )
    await client.patch(
        f"/v2/organizations/{tenant.id}/settings",
        headers=tenant.headers,
        json={"lockEventTypeCreation": True},
    )
    assert_error(
        await client.post("/v2/event-types", headers=teacher.headers, json=workshop(slug="new")),
        403,
        "event_type_creation_locked",
    )
    assert_error(
        await client.patch(url, headers=teacher.headers, json={"title": "x"}),
        403,
        "event_type_creation_locked",
    )
    assert data(await client.patch(url, headers=tenant.headers, json={"title": "By admin"}))


@pytest.mark.race
async def test_plan_limit_on_event_types(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    import asyncio

    lite = await make_tenant(sessionmaker, plan="lite")  # 3 workshops
    responses = await asyncio.gather(
        *(
            client.post("/v2/event-types", headers=lite.headers, json=workshop(slug=f"w{i}"))
            for i in range(6)
        )
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 201, 201, 403, 403, 403], codes
    refused = next(r for r in responses if r.status_code == 403)
    assert refused.json()["error"]["details"]["reason"] == "plan_limit_reached"


async def test_public_listing_by_username(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    data(
        await client.post("/v2/event-types", headers=tenant.headers, json=workshop(slug="open")),
        201,
    )
    data(
        await client.post(
            "/v2/event-types", headers=tenant.headers, json=workshop(slug="secret", hidden=True)
        ),
        201,
    )
    me = data(await client.get("/v2/me", headers=tenant.headers))
    query = f"/v2/event-types?username={me['username']}&orgSlug={tenant.slug}"
    public = data(await client.get(query))
    assert [e["slug"] for e in public] == ["open"]
    own = data(await client.get(query, headers=tenant.headers))
    assert {e["slug"] for e in own} == {"open", "secret"}
    one = data(await client.get(query + "&eventSlug=open"))
    assert len(one) == 1
    assert data(await client.get("/v2/event-types")) == []
    assert data(await client.get(f"/v2/event-types?username=nobody&orgSlug={tenant.slug}")) == []
    # another tenant cannot read it by id
    assert_error(
        await client.get(f"/v2/event-types/{public[0]['id']}", headers=other_tenant.headers),
        404,
        "not_found",
    )


async def test_team_event_types_with_hosts(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    a = await make_member(sessionmaker, tenant)
    b = await make_member(sessionmaker, tenant)
    outsider = await make_member(sessionmaker, tenant)
    team = data(
        await client.post(
            f"/v2/organizations/{tenant.id}/teams", headers=tenant.headers, json={"name": "Exams"}
        ),
        201,
    )
    base = f"/v2/organizations/{tenant.id}/teams/{team['id']}"
    for user in (a, b):
        data(
            await client.post(
                f"{base}/memberships",
                headers=tenant.headers,
                json={"userId": user.id, "accepted": True},
            ),
            201,
        )
    created = data(
        await client.post(
            f"{base}/event-types",
            headers=tenant.headers,
            json=workshop(
                slug="mock-exam",
                schedulingType="collective",
                hosts=[{"userId": a.id, "mandatory": True}, {"userId": b.id}],
            ),
        ),
        201,
    )
    assert created["teamId"] == team["id"] and created["schedulingType"] == "collective"
    assert {h["userId"] for h in created["hosts"]} == {a.id, b.id}
    assert_error(
        await client.post(
            f"{base}/event-types",
            headers=tenant.headers,
            json=workshop(slug="x", schedulingType="roundRobin", hosts=[{"userId": outsider.id}]),
        ),
        400,
        "host_not_in_team",
    )
    rr = data(
        await client.post(
            f"{base}/event-types",
            headers=tenant.headers,
            json=workshop(slug="rr", schedulingType="roundRobin", assignAllTeamMembers=True),
        ),
        201,
    )
    assert {h["userId"] for h in rr["hosts"]} == {a.id, b.id, tenant.owner_id}
    patched = data(
        await client.patch(
            f"{base}/event-types/{rr['id']}",
            headers=tenant.headers,
            json={"hosts": [{"userId": b.id}]},
        )
    )
    assert [h["userId"] for h in patched["hosts"]] == [b.id]
    listed = data(
        await client.get(f"/v2/organizations/{tenant.id}/teams/event-types", headers=tenant.headers)
    )
    assert {e["slug"] for e in listed} == {"mock-exam", "rr"}
    # a plain team member may not change the team's workshop
    assert_error(
        await client.patch(
            f"{base}/event-types/{rr['id']}", headers=a.headers, json={"title": "x"}
        ),
        403,
        "not_event_type_owner",
    )
    data(await client.delete(f"{base}/event-types/{rr['id']}", headers=tenant.headers))
