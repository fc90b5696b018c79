"""disableCancelling, disableRescheduling, allowReschedulingPastBookings and
allowReschedulingCancelledBookings: what the student's link may do, through the API and the
manage page; the school is not bound."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.kit import clock
from immersio_booking.models import Booking
from tests import dates
from tests.bookings.helpers import (
    MONDAY,
    book,
    booking_state,
    cancel_as_school,
    teacher_hours,
    token_of,
    workshop,
)
from tests.dates import DAY
from tests.factories import Tenant
from tests.helpers import assert_error, data


async def _student_reschedule(
    client: httpx.AsyncClient, booking: dict[str, str], start: str
) -> httpx.Response:
    return await client.post(
        f"/v2/bookings/{booking['uid']}/reschedule",
        params={"token": token_of(booking)},
        json={"start": start},
    )


async def test_disabled_cancelling_refuses_the_student_not_the_school(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, disableCancelling=True)
    booking = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    refused = await client.post(
        f"/v2/bookings/{booking['uid']}/cancel", params={"token": token_of(booking)}, json={}
    )
    assert_error(refused, 403, "cancelling_disabled")
    assert (await booking_state(client, tenant, booking["uid"]))["status"] == "accepted"
    page = await client.get(
        f"/booking/{booking['uid']}/manage", params={"token": token_of(booking), "lang": "fr"}
    )
    assert page.status_code == 200
    assert 'id="cancel-button"' not in page.text and 'id="cancelling-off"' in page.text
    assert "annulation en ligne est désactivée pour cet atelier" in page.text
    assert "reschedule=" in page.text  # moving stays possible
    await cancel_as_school(client, tenant, booking)
    assert (await booking_state(client, tenant, booking["uid"]))["status"] == "cancelled"


async def test_disabled_rescheduling_refuses_the_student_and_hides_the_link(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, disableRescheduling=True)
    booking = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    refused = await _student_reschedule(client, booking, dates.at(MONDAY, "11:00"))
    assert_error(refused, 403, "rescheduling_disabled")
    page = await client.get(
        f"/booking/{booking['uid']}/manage", params={"token": token_of(booking)}
    )
    assert 'id="cancel-button"' in page.text and "reschedule=" not in page.text
    moved = await client.post(
        f"/v2/bookings/{booking['uid']}/reschedule",
        headers=tenant.headers,
        json={"start": dates.at(MONDAY, "11:00")},
    )
    assert moved.status_code == 201, moved.text


async def _into_the_past(sessionmaker: async_sessionmaker[AsyncSession], uid: str) -> None:
    ended = clock.now().replace(microsecond=0) - timedelta(days=2)
    async with transaction(sessionmaker) as session:
        await session.execute(
            update(Booking)
            .where(Booking.uid == uid)
            .values(start_time=ended - timedelta(hours=1), end_time=ended)
        )


async def test_past_bookings_move_only_when_the_workshop_allows_it(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    strict = await workshop(client, tenant)
    lenient = await workshop(client, tenant, allowReschedulingPastBookings=True)
    old = data(await book(client, strict["id"], dates.at(MONDAY, "10:00")), 201)
    kept = data(await book(client, lenient["id"], dates.at(MONDAY, "11:00")), 201)
    await _into_the_past(sessionmaker, old["uid"])
    await _into_the_past(sessionmaker, kept["uid"])
    assert_error(
        await _student_reschedule(client, old, dates.at(MONDAY + DAY, "10:00")),
        403,
        "booking_in_past",
    )
    moved = data(await _student_reschedule(client, kept, dates.at(MONDAY + DAY, "11:00")), 201)
    assert moved["rescheduledFromUid"] == kept["uid"]
    # the new booking is the student's to cancel: no window carried over from the past one
    cancelled = await client.post(
        f"/v2/bookings/{moved['uid']}/cancel", params={"token": token_of(moved)}, json={}
    )
    assert cancelled.status_code == 200, cancelled.text


async def test_cancelled_bookings_book_again_once_when_the_workshop_allows_it(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    strict = await workshop(client, tenant)
    lenient = await workshop(client, tenant, allowReschedulingCancelledBookings=True)
    a = data(await book(client, strict["id"], dates.at(MONDAY, "10:00")), 201)
    b = data(await book(client, lenient["id"], dates.at(MONDAY, "11:00")), 201)
    await cancel_as_school(client, tenant, a)
    await cancel_as_school(client, tenant, b)
    assert_error(
        await _student_reschedule(client, a, dates.at(MONDAY + DAY, "10:00")),
        400,
        "not_reschedulable",
    )
    again = data(await _student_reschedule(client, b, dates.at(MONDAY + DAY, "11:00")), 201)
    assert again["status"] == "accepted" and again["rescheduledFromUid"] == b["uid"]
    assert (await booking_state(client, tenant, b["uid"]))["status"] == "cancelled"
    assert_error(
        await _student_reschedule(client, b, dates.at(MONDAY + DAY, "12:00")),
        400,
        "not_reschedulable",
    )
