"""Booking limits, the booker's active-bookings limit, offsetStart, first-slot-only and the
interface language: ``/v2/slots`` and ``POST /v2/bookings`` agree."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
import pytest

from tests import dates
from tests.bookings.helpers import (
    MONDAY,
    book,
    seating,
    student,
    teacher_hours,
    token_of,
    workshop,
)
from tests.dates import DAY
from tests.factories import Tenant
from tests.helpers import assert_error, data


async def _starts(
    client: httpx.AsyncClient, et: dict[str, Any], day: Any, **params: Any
) -> list[str]:
    found = data(
        await client.get(
            "/v2/slots",
            params={"eventTypeId": et["id"], "start": str(day), "end": str(day), **params},
        )
    )
    return [s["start"] for s in found.get(str(day), [])]


async def test_count_limit_per_day_in_slots_and_bookings(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, bookingLimitsCount={"day": 2})
    assert len(await _starts(client, et, MONDAY)) == 8
    data(await book(client, et["id"], dates.at(MONDAY, "09:00")), 201)
    data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    assert await _starts(client, et, MONDAY) == []
    assert len(await _starts(client, et, MONDAY + DAY)) == 8  # the next day is another period
    assert_error(
        await book(client, et["id"], dates.at(MONDAY, "11:00")), 403, "booking_limit_reached"
    )


async def test_duration_limit_per_week(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(
        client, tenant, lengthInMinutesOptions=[60, 90], bookingLimitsDuration={"week": 120}
    )
    data(await book(client, et["id"], dates.at(MONDAY, "09:00")), 201)
    # 60 booked: another 60 fits, 90 does not
    assert len(await _starts(client, et, MONDAY + DAY)) == 8
    assert await _starts(client, et, MONDAY + DAY, duration=90) == []
    assert_error(
        await book(client, et["id"], dates.at(MONDAY + DAY, "09:00"), lengthInMinutes=90),
        403,
        "duration_limit_reached",
    )
    data(await book(client, et["id"], dates.at(MONDAY + DAY, "09:00")), 201)
    assert await _starts(client, et, MONDAY + 2 * DAY) == []
    assert len(await _starts(client, et, MONDAY + 7 * DAY)) == 8  # next week


async def test_a_seated_session_counts_once_and_keeps_its_free_seats(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, seats=seating(3), bookingLimitsCount={"day": 1})
    ten = dates.at(MONDAY, "10:00")
    data(await book(client, et["id"], ten), 201)
    assert await _starts(client, et, MONDAY) == [f"{MONDAY}T10:00:00.000Z"]
    data(await book(client, et["id"], ten), 201)  # joins the session: no new session
    assert_error(
        await book(client, et["id"], dates.at(MONDAY, "11:00")), 403, "booking_limit_reached"
    )


@pytest.mark.race
async def test_two_parallel_bookings_against_a_limit_of_one(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    # round robin would put them on two teachers; the workshop's own lock still holds
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, bookingLimitsCount={"day": 1})
    for round_ in range(3):
        day = MONDAY + round_ * DAY
        responses = await asyncio.gather(
            book(client, et["id"], dates.at(day, "09:00")),
            book(client, et["id"], dates.at(day, "14:00")),
        )
        codes = Counter(r.status_code for r in responses)
        assert codes == {201: 1, 403: 1}, [r.text for r in responses]


async def test_booker_active_bookings_limit(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(
        client,
        tenant,
        bookerActiveBookingsLimit={"maximumActiveBookings": 1, "offerReschedule": True},
    )
    ada = student("ada@example.com")
    first = data(await book(client, et["id"], dates.at(MONDAY, "09:00"), attendee=ada), 201)
    refused = assert_error(
        await book(client, et["id"], dates.at(MONDAY, "11:00"), attendee=ada),
        400,
        "booker_limit_exceeded",
    )
    assert first["uid"] not in str(refused)  # an email does not reveal its bookings
    data(await book(client, et["id"], dates.at(MONDAY, "11:00"), attendee=student()), 201)
    # moving the one booking is not a second one
    moved = await client.post(
        f"/v2/bookings/{first['uid']}/reschedule",
        params={"token": token_of(first)},
        json={"start": dates.at(MONDAY, "13:00")},
    )
    assert moved.status_code == 201, moved.text


@pytest.mark.race
async def test_same_booker_racing_against_an_active_limit_of_one(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(
        client, tenant, seats=seating(5), bookerActiveBookingsLimit={"maximumActiveBookings": 1}
    )
    ada = student("racer@example.com")
    responses = await asyncio.gather(
        *(
            book(client, et["id"], dates.at(MONDAY + i * DAY, "10:00"), attendee=ada)
            for i in range(4)
        )
    )
    assert Counter(r.status_code for r in responses) == {201: 1, 400: 3}


async def test_offset_start_shifts_the_grid(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, offsetStart=15)
    starts = await _starts(client, et, MONDAY)
    assert starts[0] == f"{MONDAY}T09:15:00.000Z" and len(starts) == 7
    assert_error(await book(client, et["id"], dates.at(MONDAY, "09:00")), 400, "slot_unavailable")
    data(await book(client, et["id"], dates.at(MONDAY, "09:15")), 201)


async def test_only_the_first_free_slot_of_each_day(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, onlyShowFirstAvailableSlot=True)
    assert await _starts(client, et, MONDAY) == [f"{MONDAY}T09:00:00.000Z"]
    assert_error(
        await book(client, et["id"], dates.at(MONDAY, "11:00"), attendee=student(timeZone="UTC")),
        409,
        "slot_unavailable",
    )
    data(
        await book(client, et["id"], dates.at(MONDAY, "09:00"), attendee=student(timeZone="UTC")),
        201,
    )
    assert await _starts(client, et, MONDAY) == [f"{MONDAY}T10:00:00.000Z"]
    data(
        await book(client, et["id"], dates.at(MONDAY, "10:00"), attendee=student(timeZone="UTC")),
        201,
    )


async def test_interface_language_for_pages_and_attendees(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, interfaceLanguage="fr")
    chosen = data(
        await book(client, et["id"], dates.at(MONDAY, "09:00"), attendee=student(language="en")),
        201,
    )
    default = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    assert chosen["attendees"][0]["language"] == "en"
    assert default["attendees"][0]["language"] == "fr"
    page = await client.get(f"/{tenant.slug}/{et['slug']}", headers={"Accept-Language": "en"})
    assert 'lang="fr"' in page.text
    asked = await client.get(f"/{tenant.slug}/{et['slug']}", params={"lang": "en"})
    assert 'lang="en"' in asked.text
