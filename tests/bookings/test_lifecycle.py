"""After booking: reading, the manage link, cancelling with the refund policy, rescheduling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.models import Booking
from tests import dates
from tests.bookings.helpers import (
    MONDAY,
    book,
    book_paid_offline,
    booking_state,
    cancel_as_school,
    cancel_with_token,
    cancellation_history,
    one_booking,
    payment_of,
    seating,
    student,
    teacher_hours,
    token_of,
    workshop,
)
from tests.dates import DAY, WEEK
from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data, tampered


def soon(days: int = 3, hour: int = 10) -> str:
    day = dates.today() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return f"{day.isoformat()}T{hour:02d}:00:00Z"


async def test_read_with_token_host_admin_and_not_others(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et, created = await one_booking(client, tenant, dates.at(MONDAY, "10:00"))
    url = f"/v2/bookings/{created['uid']}"
    token = token_of(created)
    assert data(await client.get(url, params={"token": token}))["uid"] == created["uid"]
    assert data(await client.get(url, headers={"X-Manage-Token": token}))["uid"] == created["uid"]
    assert data(await client.get(url, headers=tenant.headers))["manageUrl"] is None
    assert_error(await client.get(url), 401, "missing_api_key")
    assert_error(await client.get(url, params={"token": tampered(token)}), 404, "not_found")
    assert_error(await client.get(url, headers=other_tenant.headers), 404, "not_found")
    colleague = await make_member(sessionmaker, tenant)
    assert_error(await client.get(url, headers=colleague.headers), 403, "not_your_booking")
    assert_error(await client.get("/v2/bookings/nope", headers=tenant.headers), 404, "not_found")


async def test_student_cancels_inside_windows_and_gets_a_pending_refund(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(
        client,
        tenant,
        price=3000,
        currency="usd",
        metadata={"refund_window_hours": 48, "cancellation_notice_hours": 24},
    )
    early = await book_paid_offline(client, tenant, et, soon(10))
    strict = await workshop(
        client,
        tenant,
        price=3000,
        currency="usd",
        metadata={"refund_window_hours": 48, "cancellation_notice_hours": 24 * 30},
    )
    late = await book_paid_offline(client, tenant, strict, soon(10, 11))
    r = await client.post(
        f"/v2/bookings/{early['uid']}/cancel",
        params={"token": token_of(early)},
        json={"cancellationReason": "Sick"},
    )
    cancelled = data(r)
    assert (cancelled["status"], cancelled["cancellationReason"]) == ("cancelled", "Sick")
    assert cancelled["cancelledByEmail"] == early["attendees"][0]["email"]
    history = await cancellation_history(client, tenant, early["uid"])
    assert [
        (h["refundStatus"], h["refundAmount"], h["withinRefundWindow"], h["cancelledBy"])
        for h in history
    ] == [("pending", 3000, True, None)]
    # the seat is free again at once
    await book_paid_offline(client, tenant, et, early["start"].replace("Z", "Z"))
    assert_error(
        await client.post(
            f"/v2/bookings/{early['uid']}/cancel", params={"token": token_of(early)}, json={}
        ),
        400,
        "not_cancellable",
    )
    # between refund window and notice: allowed, no refund — here the notice has closed already
    body = assert_error(
        await client.post(
            f"/v2/bookings/{late['uid']}/cancel", params={"token": token_of(late)}, json={}
        ),
        403,
        "cancellation_window_closed",
    )
    assert "720 hours" in body["error"]["message"]
    # the school may still cancel, always with a full refund
    data(
        await client.post(
            f"/v2/bookings/{late['uid']}/cancel",
            headers=tenant.headers,
            json={"cancellationReason": "Teacher ill"},
        )
    )
    history = await cancellation_history(client, tenant, late["uid"])
    assert [(h["refundStatus"], h["refundAmount"], h["cancelledBy"]) for h in history] == [
        ("pending", 3000, tenant.owner_id)
    ]


async def test_late_student_cancel_outside_refund_window_is_not_refunded(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(
        client,
        tenant,
        price=1000,
        currency="usd",
        metadata={"refund_window_hours": 24 * 8, "cancellation_notice_hours": 1},
    )
    booking = await book_paid_offline(client, tenant, et, soon(4))
    await cancel_with_token(client, booking)
    history = await cancellation_history(client, tenant, booking["uid"])
    assert [(h["refundStatus"], h["refundAmount"], h["withinRefundWindow"]) for h in history] == [
        ("not_eligible", 0, False)
    ]
    free = await workshop(client, tenant)
    unpaid = data(await book(client, free["id"], soon(9)), 201)
    await cancel_with_token(client, unpaid)
    history = await cancellation_history(client, tenant, unpaid["uid"])
    assert [(h["refundStatus"], h["withinRefundWindow"]) for h in history] == [
        ("not_eligible", True)
    ]


async def test_reschedule_moves_seat_and_payment(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(
        client,
        tenant,
        price=2000,
        currency="eur",
        seats=seating(1),
    )
    first = await book_paid_offline(
        client, tenant, et, dates.at(MONDAY, "10:00"), attendee=student("mover@example.com")
    )
    moved = data(
        await client.post(
            f"/v2/bookings/{first['uid']}/reschedule",
            params={"token": token_of(first)},
            json={"start": dates.at(MONDAY + DAY, "10:00"), "reschedulingReason": "Clash"},
        ),
        201,
    )
    assert moved["uid"] != first["uid"] and moved["rescheduledFromUid"] == first["uid"]
    assert moved["status"] == "accepted" and moved["paid"] is True
    assert moved["reschedulingReason"] == "Clash" and moved["manageUrl"]
    old = await booking_state(client, tenant, first["uid"])
    assert (old["status"], old["rescheduledToUid"]) == ("cancelled", moved["uid"])
    payment = await payment_of(sessionmaker, moved["uid"])
    assert payment.amount == 2000
    # the old seat is free, the new one taken
    await book_paid_offline(client, tenant, et, dates.at(MONDAY, "10:00"))
    assert_error(await book(client, et["id"], dates.at(MONDAY + DAY, "10:00")), 409, "seats_full")
    assert_error(
        await client.post(
            f"/v2/bookings/{first['uid']}/reschedule",
            headers=tenant.headers,
            json={"start": dates.at(MONDAY + 2 * DAY, "10:00")},
        ),
        400,
        "not_reschedulable",
    )
    assert_error(
        await client.post(
            f"/v2/bookings/{moved['uid']}/reschedule",
            headers=tenant.headers,
            json={"start": dates.at(MONDAY + 2 * DAY, "10:30")},
        ),
        400,
        "slot_unavailable",
    )


async def test_recurring_series_all_or_none_and_cancel_subsequent(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant, zone="America/New_York")
    et = await workshop(
        client, tenant, recurrence={"frequency": "weekly", "interval": 1, "occurrences": 4}
    )
    # The Monday before New York moves to summer time: the class stays at 10:00 local.
    first = dates.monday_before(dates.clocks_go_forward("America/New_York", MONDAY).date())
    series = data(await book(client, et["id"], dates.at(first, "15:00"), recurrenceCount=3), 201)
    assert [b["start"] for b in series] == [
        dates.at(first, "15:00"),
        dates.at(first + WEEK, "14:00"),
        dates.at(first + 2 * WEEK, "14:00"),
    ]
    assert len({b["recurringBookingUid"] for b in series}) == 1
    again = await book(client, et["id"], dates.at(first - WEEK, "15:00"), recurrenceCount=4)
    assert_error(again, 409, "slot_unavailable")  # `first` is taken: nothing of that series is made
    listed = data(
        await client.get("/v2/bookings", headers=tenant.headers, params={"eventTypeId": et["id"]})
    )
    assert len(listed) == 3
    assert_error(
        await book(client, et["id"], dates.at(first + 4 * WEEK, "14:00"), recurrenceCount=5),
        400,
        "recurrence_too_long",
    )
    whole = data(
        await client.get(f"/v2/bookings/{series[0]['recurringBookingUid']}", headers=tenant.headers)
    )
    assert [b["uid"] for b in whole] == [b["uid"] for b in series]
    cancelled = data(
        await client.post(
            f"/v2/bookings/{series[1]['uid']}/cancel",
            headers=tenant.headers,
            json={"cancelSubsequentBookings": True},
        )
    )
    assert [b["uid"] for b in cancelled] == [series[1]["uid"], series[2]["uid"]]
    first = data(await client.get(f"/v2/bookings/{series[0]['uid']}", headers=tenant.headers))
    assert first["status"] == "accepted"


async def test_listing_filters_and_member_scope(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    a = data(
        await book(client, et["id"], dates.at(MONDAY, "10:00"), attendee=student("x@example.com")),
        201,
    )
    b = data(await book(client, et["id"], dates.at(MONDAY + DAY, "10:00")), 201)
    await cancel_as_school(client, tenant, b)
    async with transaction(sessionmaker) as session:  # one booking in the past
        await session.execute(
            update(Booking)
            .where(Booking.uid == a["uid"])
            .values(
                start_time=datetime(2020, 1, 6, 10, tzinfo=UTC),
                end_time=datetime(2020, 1, 6, 11, tzinfo=UTC),
            )
        )
    r = await client.get("/v2/bookings", headers=tenant.headers, params={"status": "cancelled"})
    assert [x["uid"] for x in data(r)] == [b["uid"]]
    assert r.json()["pagination"]["totalItems"] == 1
    assert [
        x["uid"]
        for x in data(
            await client.get("/v2/bookings", headers=tenant.headers, params={"status": "past"})
        )
    ] == [a["uid"]]
    by_email = data(
        await client.get(
            "/v2/bookings", headers=tenant.headers, params={"attendeeEmail": "X@example.com"}
        )
    )
    assert [x["uid"] for x in by_email] == [a["uid"]]
    page = await client.get(
        "/v2/bookings", headers=tenant.headers, params={"take": 1, "sortStart": "desc"}
    )
    assert page.json()["pagination"]["hasNextPage"] is True and len(data(page)) == 1
    assert_error(
        await client.get("/v2/bookings", headers=tenant.headers, params={"status": "soon"}),
        400,
        "validation_failed",
    )
    member = await make_member(sessionmaker, tenant)
    assert data(await client.get("/v2/bookings", headers=member.headers)) == []
