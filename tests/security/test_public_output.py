"""Public output is minimal (issue 12, item 6): unauthenticated event-type reads show only
public locations and no user metadata; a stranger cannot block another school's teacher by
booking elsewhere with the teacher's email; a public slots query is bounded."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.models import User
from tests import dates
from tests.bookings.helpers import book, student, teacher_hours, workshop
from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data

LOCATIONS = [
    {"type": "address", "address": "Back office, Room 12", "public": False},
    {"type": "phone", "phone": "+4915112345678", "public": False},
    {"type": "link", "link": "https://meet.example.com/open-class", "public": True},
    {"type": "integration", "integration": "cal-video"},
]


async def _public_read(
    client: httpx.AsyncClient, tenant: Tenant, headers: dict[str, str] | None = None
) -> httpx.Response:
    return await client.get(
        "/v2/event-types",
        params={"username": "owner", "orgSlug": tenant.slug},
        headers=headers or {},
    )


async def test_public_event_type_reads_show_public_locations_and_no_user_metadata(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await workshop(client, tenant, title="Open Class", locations=LOCATIONS)
    async with transaction(sessionmaker) as session:
        await session.execute(
            update(User)
            .where(User.id == tenant.owner_id)
            .values(metadata_={"payrollId": "PR-99817", "homePhone": "+33611111111"})
        )
    for headers in (None, other_tenant.headers):  # a visitor, and a key of another school
        reply = await _public_read(client, tenant, headers)
        (shown,) = [e for e in data(reply) if e["id"] == et["id"]]
        for secret in ("Room 12", "+4915112345678", "PR-99817", "+33611111111"):
            assert secret not in reply.text, secret
        assert shown["locations"] == LOCATIONS[2:]
        assert all(user["metadata"] == {} for user in shown["users"])
    # The school's own staff read everything.
    (full,) = [
        e for e in data(await _public_read(client, tenant, tenant.headers)) if e["id"] == et["id"]
    ]
    assert [loc["type"] for loc in full["locations"]] == [loc["type"] for loc in LOCATIONS]
    assert full["users"][0]["metadata"]["payrollId"] == "PR-99817"


async def _first_slots(client: httpx.AsyncClient, et: dict[str, Any]) -> list[str]:
    day = dates.monday()
    reply = await client.get(
        "/v2/slots",
        params={"eventTypeId": et["id"], "start": day.isoformat(), "end": day.isoformat()},
    )
    return [s["start"][11:16] for s in data(reply).get(day.isoformat(), [])]


async def test_a_stranger_cannot_block_another_schools_teacher_by_booking_elsewhere(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """School A's teacher is tenant's owner. A stranger books a workshop of school B with the
    teacher's email as attendee: A's slots must not change."""
    await teacher_hours(client, tenant)
    school_a = await workshop(client, tenant)
    await teacher_hours(client, other_tenant)
    school_b = await workshop(client, other_tenant)
    before = await _first_slots(client, school_a)
    assert "10:00" in before
    at_ten = dates.at(dates.monday(), "10:00")
    data(await book(client, school_b["id"], at_ten, attendee=student(tenant.owner_email)), 201)
    assert await _first_slots(client, school_a) == before
    # And A can still book the teacher then.
    data(await book(client, school_a["id"], at_ten), 201)

    # Where the teacher really attends, in their own school, the time is still theirs.
    member = await make_member(sessionmaker, tenant)
    colleague = replace(tenant, owner_id=member.id, owner_email=member.email, owner_key=member.key)
    await teacher_hours(client, colleague)
    colleagues_class = await workshop(client, colleague)
    at_eleven = dates.at(dates.monday(), "11:00")
    data(
        await book(client, colleagues_class["id"], at_eleven, attendee=student(tenant.owner_email)),
        201,
    )
    assert "11:00" not in await _first_slots(client, school_a)


async def test_a_public_slots_query_is_bounded_and_the_answer_names_the_limit(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    # Every minute a five-minute class: 476 starts a working day, 4760 in two weeks.
    fine = await workshop(client, tenant, lengthInMinutes=5, slotInterval=1)
    day = dates.monday()
    params = {
        "eventTypeId": fine["id"],
        "start": day.isoformat(),
        "end": (day + timedelta(days=11)).isoformat(),
    }
    body = assert_error(await client.get("/v2/slots", params=params), 400, "too_many_slots")
    assert "2500" in body["error"]["message"]
    assert body["error"]["details"]["max"] == 2500
    # The school's own staff are not bounded by the public count.
    staff = data(await client.get("/v2/slots", params=params, headers=tenant.headers))
    assert sum(len(v) for v in staff.values()) == 10 * (8 * 60 - 4)
    # A short range is answered.
    short = {**params, "end": day.isoformat()}
    assert len(data(await client.get("/v2/slots", params=short))[day.isoformat()]) == 8 * 60 - 4
    # The range itself is bounded too, for everyone, and the answer says by how much.
    far = {**params, "end": (day + timedelta(days=120)).isoformat()}
    body = assert_error(await client.get("/v2/slots", params=far), 400, "time_range_too_long")
    assert "93 days" in body["error"]["message"]
    assert body["error"]["details"]["max"] == 93
