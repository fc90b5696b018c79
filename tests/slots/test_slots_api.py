"""``GET /v2/slots`` end to end: rules and bookings from the database, Cal.com's wire shape."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.models import Attendee, Booking
from tests.bookings.helpers import MONDAY, seating, teacher_hours, workshop
from tests.dates import DAY
from tests.factories import Tenant, make_member, make_tenant
from tests.helpers import assert_error, data

TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = (MONDAY + n * DAY for n in range(1, 5))
WEEK = {"start": str(MONDAY), "end": str(FRIDAY)}  # Monday to Friday


async def setup_workshop(
    client: httpx.AsyncClient, tenant: Tenant, zone: str = "Europe/Berlin", **event: Any
) -> dict[str, Any]:
    """Weekdays 09:00–12:00 in ``zone`` and a 60-minute workshop without notice."""
    await teacher_hours(client, tenant, zone=zone, end="12:00")
    return await workshop(client, tenant, title="Class", **event)


async def add_booking(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: Tenant,
    start: str,
    minutes: int,
    event_type_id: int | None,
    status: str = "accepted",
    user_id: int | None = None,
    attendee_email: str = "student@example.com",
) -> str:
    begin = datetime.fromisoformat(start).astimezone(UTC)
    uid = secrets.token_urlsafe(12)
    async with transaction(sessionmaker) as session:
        booking = Booking(
            organization_id=tenant.id,
            uid=uid,
            user_id=user_id or tenant.owner_id,
            event_type_id=event_type_id,
            title="x",
            start_time=begin,
            end_time=begin + timedelta(minutes=minutes),
            status=status,
        )
        session.add(booking)
        await session.flush()
        session.add(
            Attendee(
                organization_id=tenant.id,
                booking_id=booking.id,
                email=attendee_email,
                name="S",
                time_zone="UTC",
            )
        )
    return uid


async def slots(
    client: httpx.AsyncClient, headers: dict[str, str] | None = None, **query: Any
) -> Any:
    r = await client.get(
        "/v2/slots",
        params={**WEEK, **query},
        headers={"cal-api-version": "2024-09-04", **(headers or {})},
    )
    return data(r)


async def test_slots_in_host_zone_and_booker_zone(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et = await setup_workshop(client, tenant)
    berlin = await slots(client, eventTypeId=et["id"], timeZone="Europe/Berlin")
    assert list(berlin) == [str(MONDAY), str(TUESDAY), str(WEDNESDAY), str(THURSDAY), str(FRIDAY)]
    assert berlin[str(MONDAY)] == [
        {"start": f"{MONDAY}T09:00:00.000+01:00"},
        {"start": f"{MONDAY}T10:00:00.000+01:00"},
        {"start": f"{MONDAY}T11:00:00.000+01:00"},
    ]
    utc = await slots(client, eventTypeId=et["id"])
    assert utc[str(MONDAY)][0] == {"start": f"{MONDAY}T08:00:00.000Z"}
    kolkata = await slots(client, eventTypeId=et["id"], timeZone="Asia/Kolkata", format="range")
    assert kolkata[str(MONDAY)][0] == {
        "start": f"{MONDAY}T13:30:00.000+05:30",
        "end": f"{MONDAY}T14:30:00.000+05:30",
    }


async def test_bookings_block_and_cancelled_do_not(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    et = await setup_workshop(client, tenant, afterEventBuffer=30)
    other = await setup_workshop(client, tenant)
    await add_booking(sessionmaker, tenant, f"{MONDAY}T09:00:00+01:00", 60, et["id"])
    await add_booking(sessionmaker, tenant, f"{TUESDAY}T10:00:00+01:00", 60, other["id"])
    await add_booking(
        sessionmaker, tenant, f"{WEDNESDAY}T09:00:00+01:00", 60, et["id"], status="cancelled"
    )
    await add_booking(
        sessionmaker, tenant, f"{THURSDAY}T11:00:00+01:00", 60, et["id"], status="pending"
    )
    day = await slots(client, eventTypeId=et["id"], timeZone="Europe/Berlin")
    starts = {d: [s["start"][11:16] for s in v] for d, v in day.items()}
    # 09:00 taken; its 30-minute after-buffer also blocks 10:00 (10:00 - 0 < 10:00 + 30)
    assert starts[str(MONDAY)] == ["11:00"]
    # another workshop of the host blocks 10:00, and this one's after-buffer keeps 09:00 off it
    assert starts[str(TUESDAY)] == ["11:00"]
    assert starts[str(WEDNESDAY)] == ["09:00", "10:00", "11:00"]  # cancelled never blocks
    assert starts[str(THURSDAY)] == ["09:00"]  # pending blocks; 10:00's after-buffer meets 11:00


async def test_seated_workshop_reports_seats_and_hides_full_sessions(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    et = await setup_workshop(
        client,
        tenant,
        seats=seating(2),
    )
    first = await add_booking(sessionmaker, tenant, f"{MONDAY}T09:00:00+01:00", 60, et["id"])
    for _ in range(2):
        await add_booking(sessionmaker, tenant, f"{MONDAY}T10:00:00+01:00", 60, et["id"])
    day = (await slots(client, eventTypeId=et["id"], timeZone="Europe/Berlin"))[str(MONDAY)]
    assert day[0]["start"] == f"{MONDAY}T09:00:00.000+01:00"
    assert (day[0]["seatsBooked"], day[0]["seatsRemaining"], day[0]["seatsTotal"]) == (1, 1, 2)
    assert "bookingUid" not in day[0]  # one student's booking: not for the public
    staff = await slots(client, tenant.headers, eventTypeId=et["id"], timeZone="Europe/Berlin")
    assert staff[str(MONDAY)][0]["bookingUid"] == first
    assert [s["start"][11:16] for s in day] == ["09:00", "11:00"]  # 10:00 is full
    assert (day[1]["seatsBooked"], day[1]["seatsRemaining"]) == (0, 2)


async def test_host_attending_in_their_school_is_busy_but_not_elsewhere(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    et = await setup_workshop(client, tenant)
    elsewhere = await make_tenant(sessionmaker)
    colleague = await make_member(sessionmaker, tenant)
    await add_booking(
        sessionmaker,
        tenant,
        f"{FRIDAY}T10:00:00+01:00",
        30,
        None,
        user_id=colleague.id,
        attendee_email=tenant.owner_email,
    )
    # Another school's booking naming the teacher's email proves nothing: it does not block.
    await add_booking(
        sessionmaker,
        elsewhere,
        f"{FRIDAY}T09:00:00+01:00",
        30,
        None,
        attendee_email=tenant.owner_email,
    )
    day = (await slots(client, eventTypeId=et["id"], timeZone="Europe/Berlin"))[str(FRIDAY)]
    assert [s["start"][11:16] for s in day] == ["09:00", "11:00"]


async def test_lookup_by_slug_and_hidden_workshops(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    et = await setup_workshop(client, tenant)
    me = data(await client.get("/v2/me", headers=tenant.headers))
    by_slug = await slots(
        client, eventTypeSlug=et["slug"], username=me["username"], organizationSlug=tenant.slug
    )
    assert by_slug == await slots(client, eventTypeId=et["id"])
    data(
        await client.patch(
            f"/v2/event-types/{et['id']}", headers=tenant.headers, json={"hidden": True}
        )
    )
    r = await client.get("/v2/slots", params={**WEEK, "eventTypeId": et["id"]})
    assert_error(r, 404, "not_found")
    r = await client.get(
        "/v2/slots", params={**WEEK, "eventTypeId": et["id"]}, headers=other_tenant.headers
    )
    assert_error(r, 404, "not_found")
    assert await slots(client, headers=tenant.headers, eventTypeId=et["id"])


async def test_slot_query_errors(client: httpx.AsyncClient, tenant: Tenant) -> None:
    et = await setup_workshop(client, tenant)
    cases = [
        ({"start": str(FRIDAY), "end": str(MONDAY)}, "invalid_time_range"),
        ({"start": str(MONDAY), "end": str(MONDAY + 140 * DAY)}, "time_range_too_long"),
        ({"start": "yesterday", "end": str(MONDAY + 140 * DAY)}, "invalid_time_range"),
        ({**WEEK, "timeZone": "Mars/Base"}, "invalid_time_zone"),
        ({**WEEK, "slotFormat2": "x"}, "unsupported_field"),
        ({**WEEK, "format": "grid"}, "validation_failed"),
        ({**WEEK, "duration": "45"}, "invalid_duration"),
        ({"end": str(MONDAY)}, "validation_failed"),
    ]
    for query, reason in cases:
        r = await client.get("/v2/slots", params={"eventTypeId": et["id"], **query})
        assert_error(r, 400, reason)
    assert_error(await client.get("/v2/slots", params={**WEEK}), 400, "validation_failed")
    assert_error(
        await client.get("/v2/slots", params={**WEEK, "eventTypeId": 999999999}), 404, "not_found"
    )


async def test_team_workshop_by_team_slug_collective_and_round_robin(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    from tests.factories import make_member

    a = await make_member(sessionmaker, tenant)
    b = await make_member(sessionmaker, tenant)
    for member, start in ((a, "09:00"), (b, "10:00")):
        data(
            await client.post(
                "/v2/schedules",
                headers=member.headers,
                json={
                    "name": "H",
                    "timeZone": "Europe/Berlin",
                    "isDefault": True,
                    "availability": [{"days": ["Monday"], "startTime": start, "endTime": "12:00"}],
                },
            ),
            201,
        )
    team = data(
        await client.post(
            f"/v2/organizations/{tenant.id}/teams", headers=tenant.headers, json={"name": "Duo"}
        ),
        201,
    )
    base = f"/v2/organizations/{tenant.id}/teams/{team['id']}"
    for member in (a, b):
        data(
            await client.post(
                f"{base}/memberships",
                headers=tenant.headers,
                json={"userId": member.id, "accepted": True},
            ),
            201,
        )
    for kind in ("collective", "roundRobin"):
        data(
            await client.post(
                f"{base}/event-types",
                headers=tenant.headers,
                json={
                    "lengthInMinutes": 60,
                    "title": kind,
                    "slug": f"duo-{kind.lower()}",
                    "minimumBookingNotice": 0,
                    "schedulingType": kind,
                    "hosts": [{"userId": a.id}, {"userId": b.id}],
                },
            ),
            201,
        )
    found = {}
    for kind in ("collective", "roundRobin"):
        day = await slots(
            client,
            eventTypeSlug=f"duo-{kind.lower()}",
            teamSlug=team["slug"],
            organizationSlug=tenant.slug,
            timeZone="Europe/Berlin",
        )
        found[kind] = [s["start"][11:16] for s in day.get(str(MONDAY), [])]
    assert found == {"collective": ["10:00", "11:00"], "roundRobin": ["09:00", "10:00", "11:00"]}
