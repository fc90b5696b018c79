"""Creating bookings: the seed's flow and each refusal with its reason."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import Attendee, Booking
from tests import dates
from tests.bookings.helpers import (
    MONDAY,
    book,
    book_paid_offline,
    payment_of,
    seating,
    student,
    teacher_hours,
    workshop,
)
from tests.dates import DAY
from tests.factories import Tenant, auth, make_tenant
from tests.helpers import assert_error, data


async def test_free_workshop_is_accepted_and_leaves_the_slots(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(
        client,
        tenant,
        bookingFields=[
            {
                "type": "select",
                "slug": "level",
                "label": "Level",
                "required": True,
                "options": ["A1", "B2"],
            }
        ],
    )
    created = data(
        await book(
            client,
            et["id"],
            dates.at(MONDAY, "10:00"),
            attendee=student("  Ada@Example.COM ", language="fr"),
            bookingFieldsResponses={"level": "B2", "notes": "Hello"},
            metadata={
                "registration_source": "immersio",
                "booking_context": {"referrer": "course_page"},
            },
        ),
        201,
    )
    assert created["status"] == "accepted" and created["paid"] is False
    assert created["start"] == dates.at(MONDAY, "10:00") and created["duration"] == 60
    assert created["eventType"] == {"id": et["id"], "slug": et["slug"]}
    assert created["attendees"][0]["email"] == "ada@example.com"
    assert created["attendees"][0]["language"] == "fr"
    assert created["bookingFieldsResponses"]["level"] == "B2"
    assert created["metadata"]["registration_source"] == "immersio"
    assert created["hosts"][0]["id"] == tenant.owner_id
    assert created["manageUrl"].startswith("http://testserver/booking/")
    slots = data(
        await client.get(
            "/v2/slots",
            params={"eventTypeId": et["id"], "start": str(MONDAY), "end": str(MONDAY)},
        )
    )
    starts = [s["start"] for s in slots[str(MONDAY)]]
    assert f"{MONDAY}T10:00:00.000Z" not in starts and f"{MONDAY}T11:00:00.000Z" in starts
    async with sessionmaker() as session:
        row = (
            await session.execute(select(Booking).where(Booking.uid == created["uid"]))
        ).scalar_one()
        assert row.organization_id == tenant.id
        people = (
            (await session.execute(select(Attendee).where(Attendee.booking_id == row.id)))
            .scalars()
            .all()
        )
        assert [(p.email, p.organization_id) for p in people] == [("ada@example.com", tenant.id)]


async def test_off_grid_and_taken_starts(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    for start in (
        dates.at(MONDAY, "10:15"),
        dates.at(MONDAY + 5 * DAY, "10:00"),
        dates.at(MONDAY, "18:00"),
        "2020-02-03T10:00:00Z",
    ):
        assert_error(await book(client, et["id"], start), 400, "slot_unavailable")
    data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    assert_error(await book(client, et["id"], dates.at(MONDAY, "10:00")), 409, "slot_unavailable")
    other = await workshop(client, tenant)  # the same teacher's other workshop overlaps
    assert_error(
        await book(client, other["id"], dates.at(MONDAY, "10:00")), 409, "slot_unavailable"
    )


async def test_input_errors(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(
        client,
        tenant,
        bookingFields=[{"type": "number", "slug": "age", "label": "Age", "required": True}],
    )
    start = dates.at(MONDAY, "10:00")
    assert_error(await book(client, et["id"], start), 400, "invalid_booking_field")
    assert_error(
        await book(client, et["id"], start, bookingFieldsResponses={"age": "ten"}),
        400,
        "invalid_booking_field",
    )
    assert_error(
        await book(client, et["id"], start, bookingFieldsResponses={"age": 9, "x": 1}),
        400,
        "invalid_booking_field",
    )
    assert_error(await book(client, et["id"], start, unknownKey=1), 400, "unsupported_field")
    assert_error(await book(client, et["id"], f"{MONDAY}T10:00:00"), 400, "validation_failed")
    assert_error(
        await book(
            client, et["id"], start, attendee={"name": "x", "email": "nope", "timeZone": "UTC"}
        ),
        400,
        "validation_failed",
    )
    assert_error(await book(client, 99999999, start), 404, "not_found")
    r = await client.post("/v2/bookings", json={"start": start, "attendee": student()})
    assert_error(r, 400, "validation_failed")


async def test_whitelist_workshop(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, metadata={"registration_mode": "whitelist"})
    data(
        await client.post(
            f"/v2/event-types/{et['id']}/whitelist",
            headers=tenant.headers,
            json={"email": " Listed@Example.com ", "name": "Listed"},
        ),
        201,
    )
    assert_error(
        await client.post(
            f"/v2/event-types/{et['id']}/whitelist",
            headers=tenant.headers,
            json={"email": "listed@example.com"},
        ),
        409,
        "already_whitelisted",
    )
    refused = await book(
        client, et["id"], dates.at(MONDAY, "10:00"), attendee=student("stranger@example.com")
    )
    body = assert_error(refused, 403, "not_whitelisted")
    assert "not on its list" in body["error"]["message"]
    data(
        await book(
            client, et["id"], dates.at(MONDAY, "10:00"), attendee=student("LISTED@example.com ")
        ),
        201,
    )
    entries = data(
        await client.get(f"/v2/event-types/{et['id']}/whitelist", headers=tenant.headers)
    )
    assert [(e["email"], e["addedBy"]) for e in entries] == [
        ("listed@example.com", tenant.owner_id)
    ]
    data(
        await client.delete(
            f"/v2/event-types/{et['id']}/whitelist/{entries[0]['id']}", headers=tenant.headers
        )
    )
    assert_error(
        await book(
            client,
            et["id"],
            dates.at(MONDAY + DAY, "10:00"),
            attendee=student("listed@example.com"),
        ),
        403,
        "not_whitelisted",
    )


async def test_seats_and_already_booked(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(
        client,
        tenant,
        seats=seating(2),
    )
    start = dates.at(MONDAY, "10:00")
    first = data(await book(client, et["id"], start, attendee=student("one@example.com")), 201)
    assert first["seatUid"] == first["uid"]
    assert_error(
        await book(client, et["id"], start, attendee=student("one@example.com")),
        409,
        "already_booked",
    )
    data(await book(client, et["id"], start, attendee=student("two@example.com")), 201)
    assert_error(
        await book(client, et["id"], start, attendee=student("three@example.com")),
        409,
        "seats_full",
    )


async def test_plan_limits_and_inactive_subscription(
    client: httpx.AsyncClient,
    platform_admin_key: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    school = await make_tenant(sessionmaker)
    await teacher_hours(client, school)
    et = await workshop(client, school)
    url = f"/v2/organizations/{school.id}/subscription"
    data(
        await client.put(
            url,
            headers=auth(platform_admin_key),
            json={"planType": "starter", "maxBookingsPerMonth": 1},
        )
    )
    data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    assert_error(
        await book(client, et["id"], dates.at(MONDAY + DAY, "10:00")), 403, "plan_limit_reached"
    )
    next_month = dates.first_monday_of_next_month(MONDAY)
    data(await book(client, et["id"], dates.at(next_month, "10:00")), 201)  # another month
    data(
        await client.put(
            url,
            headers=auth(platform_admin_key),
            json={"planType": "starter", "status": "past_due"},
        )
    )
    thursday = dates.first_monday_of_next_month(next_month) + 3 * DAY  # the month after
    assert_error(
        await book(client, et["id"], dates.at(thursday, "10:00")), 402, "subscription_inactive"
    )


async def test_requests_and_priced_holds(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    request_et = await workshop(client, tenant, confirmationPolicy={"type": "always"})
    pending = data(await book(client, request_et["id"], dates.at(MONDAY, "10:00")), 201)
    assert pending["status"] == "pending" and pending["holdExpiresAt"] is None
    confirmed = data(
        await client.post(f"/v2/bookings/{pending['uid']}/confirm", headers=tenant.headers)
    )
    assert confirmed["status"] == "accepted"
    other = data(await book(client, request_et["id"], dates.at(MONDAY + DAY, "10:00")), 201)
    declined = data(
        await client.post(
            f"/v2/bookings/{other['uid']}/decline",
            headers=tenant.headers,
            json={"reason": "Teacher away"},
        )
    )
    assert (declined["status"], declined["rejectionReason"]) == ("rejected", "Teacher away")
    assert_error(
        await client.post(f"/v2/bookings/{other['uid']}/confirm", headers=tenant.headers),
        400,
        "not_pending",
    )

    priced = await workshop(client, tenant, price=2500, currency="eur")
    held = data(await book(client, priced["id"], dates.at(MONDAY + 2 * DAY, "10:00")), 201)
    assert held["status"] == "pending" and held["paid"] is False and held["holdExpiresAt"]
    assert_error(
        await client.post(f"/v2/bookings/{held['uid']}/confirm", headers=tenant.headers),
        409,
        "payment_pending",
    )
    assert_error(
        await book(client, priced["id"], dates.at(MONDAY + 2 * DAY, "10:00")),
        409,
        "slot_unavailable",
    )
    offline = await book_paid_offline(client, tenant, priced, dates.at(MONDAY + 3 * DAY, "10:00"))
    assert offline["status"] == "accepted" and offline["paid"] is True
    assert_error(
        await book(client, priced["id"], dates.at(MONDAY + 4 * DAY, "10:00"), paidOffline=True),
        403,
        "staff_only",
    )
    payment = await payment_of(sessionmaker, offline["uid"])
    assert (payment.amount, payment.currency, payment.success) == (2500, "eur", True)
