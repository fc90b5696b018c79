"""A freed seat goes to the next student in line (docs/waitlist.md, "Offers")."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.bookings import payment_holds
from immersio_booking.config import Settings
from immersio_booking.kit import clock
from immersio_booking.models import Booking, BookingStatus, WebhookDelivery
from immersio_booking.models.waitlist import WaitlistStatus
from immersio_booking.waitlist import expiry, offers
from tests.bookings.helpers import book, cancel_as_school, seating, student
from tests.factories import Tenant
from tests.helpers import assert_error, data
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.payments.helpers import book_paid, end_holds, stripe_workshop
from tests.waitlist.offer_helpers import (
    START,
    accept_url,
    email,
    entries,
    event_type,
    full_session,
    line_up,
    moment,
    seat_count,
    statuses,
    take_seat,
)

OFFERED, WAITING = WaitlistStatus.OFFERED, WaitlistStatus.WAITING


async def test_a_cancelled_seat_is_held_for_the_first_in_line_not_sold(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    full = await full_session(client, tenant, seats=2)
    line = await line_up(sessionmaker, full.et, 3)

    await cancel_as_school(client, tenant, full.seats[0])

    assert await statuses(sessionmaker, line) == [OFFERED, WAITING, WAITING]
    first = (await entries(sessionmaker, line[:1]))[0]
    assert first.reservation_uid and first.offer_expires_at is not None
    assert first.offer_expires_at - first.offered_at == timedelta(minutes=60)  # type: ignore[operator]
    assert await seat_count(sessionmaker, full.et["id"]) == (1, 1)
    # The engine counts the offer like a hold: the seat is not for sale.
    refused = await book(client, full.et["id"], START, attendee=student(email()))
    assert_error(refused, 409, "seats_full")
    slots = data(
        await client.get(
            "/v2/slots",
            params={
                "eventTypeId": full.et["id"],
                "start": START[:10],
                "end": START[:10],
            },
            headers={"cal-api-version": "2024-09-04"},
        )
    )
    assert START not in [s["start"] for day in slots.values() for s in day]


async def test_the_offered_student_takes_the_seat_with_one_click(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    full = await full_session(client, tenant, seats=1)
    (uid,) = await line_up(sessionmaker, full.et, 1)
    await cancel_as_school(client, tenant, full.seats[0])

    done = await take_seat(client, await accept_url(sessionmaker, settings, uid))

    assert done.status_code == 303 and done.headers["location"].startswith("/booking/")
    (entry,) = await entries(sessionmaker, [uid])
    assert entry.status == WaitlistStatus.BOOKED and entry.booking_uid
    assert await seat_count(sessionmaker, full.et["id"]) == (1, 0)  # the hold was consumed
    page = await client.get(done.headers["location"])
    assert page.status_code == 200 and entry.email in page.text
    # The link a second time: nothing more to take.
    again = await client.get(await accept_url(sessionmaker, settings, uid))
    assert 'id="ended-note"' in again.text and 'id="accept-button"' not in again.text


async def test_an_offer_that_runs_out_goes_to_the_next_and_its_link_books_nothing(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    full = await full_session(client, tenant, seats=1, waitlistOfferMinutes=30)
    line = await line_up(sessionmaker, full.et, 2)
    await cancel_as_school(client, tenant, full.seats[0])
    url = await accept_url(sessionmaker, settings, line[0])

    with clock.shifted(timedelta(minutes=31)):
        async with sessionmaker() as session, session.begin():
            assert await expiry.expire(session, clock.now()) >= 1
        assert await statuses(sessionmaker, line) == [WaitlistStatus.EXPIRED, OFFERED]
        page = await client.get(url)
        assert page.status_code == 200 and 'id="ran-out-note"' in page.text
        assert 'id="accept-button"' not in page.text
        assert await seat_count(sessionmaker, full.et["id"]) == (0, 1)  # the next one's hold
    async with sessionmaker() as session:
        triggers = (
            await session.execute(
                select(WebhookDelivery.trigger).where(WebhookDelivery.organization_id == tenant.id)
            )
        ).scalars()
        assert "BOOKING_CANCELLED" not in triggers  # no webhook subscribed in this test


async def test_two_seats_freed_at_once_go_to_two_students(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    full = await full_session(client, tenant, seats=3)
    line = await line_up(sessionmaker, full.et, 3)
    first = data(
        await client.post(
            f"/v2/bookings/{full.seats[0]['uid']}/cancel", headers=tenant.headers, json={}
        )
    )
    assert first
    await cancel_as_school(client, tenant, full.seats[1])

    assert await statuses(sessionmaker, line) == [OFFERED, OFFERED, WAITING]
    held = {e.reservation_uid for e in await entries(sessionmaker, line[:2])}
    assert len(held) == 2
    assert await seat_count(sessionmaker, full.et["id"]) == (1, 2)


async def test_no_offer_when_the_session_starts_within_two_hours(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    full = await full_session(client, tenant, seats=1)
    et = await event_type(sessionmaker, full.et["id"])
    start = moment(START)
    assert offers.offer_until(et, start, start - timedelta(hours=2)) is None
    assert offers.offer_until(
        et, start, start - timedelta(hours=2, minutes=20)
    ) == start - timedelta(hours=2)
    later = start - timedelta(days=1)
    assert offers.offer_until(et, start, later) == later + timedelta(minutes=60)


async def test_a_raised_seat_count_offers_the_new_seats(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    full = await full_session(client, tenant, seats=1)
    line = await line_up(sessionmaker, full.et, 3)
    data(
        await client.patch(
            f"/v2/event-types/{full.et['id']}",
            headers=tenant.headers,
            json={
                "seats": {
                    "seatsPerTimeSlot": 3,
                    "showAttendeeInfo": False,
                    "showAvailabilityCount": True,
                }
            },
        )
    )
    assert await statuses(sessionmaker, line) == [OFFERED, OFFERED, WAITING]


async def test_offer_email_webhook_and_auto_book(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    inbox: Inbox,
) -> None:
    full = await full_session(client, tenant, seats=2)
    data(
        await client.post(
            "/v2/webhooks",
            headers=tenant.headers,
            json={
                "subscriberUrl": "http://127.0.0.1:9/cal",
                "triggers": ["WAITLIST_OFFERED", "WAITLIST_EXPIRED"],
            },
        ),
        201,
    )
    line = await line_up(sessionmaker, full.et, 2)
    await cancel_as_school(client, tenant, full.seats[0])
    async with sessionmaker() as session:
        (delivery,) = (
            await session.execute(
                select(WebhookDelivery).where(
                    WebhookDelivery.organization_id == tenant.id,
                    WebhookDelivery.trigger == "WAITLIST_OFFERED",
                )
            )
        ).scalars()
    assert delivery.body["triggerEvent"] == "WAITLIST_OFFERED"
    assert delivery.body["payload"]["uid"] == line[0]
    assert delivery.body["payload"]["status"] == "OFFERED"
    await run_jobs(database_url)
    (entry,) = await entries(sessionmaker, line[:1])
    (mail,) = inbox.to(entry.email)
    assert "A seat is free for you" in str(mail["Subject"])
    assert f"/waitlist/{entry.uid}/accept?token=" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    # waitlistAutoBook: the next freed seat is booked for the next in line at once.
    data(
        await client.patch(
            f"/v2/event-types/{full.et['id']}",
            headers=tenant.headers,
            json={"waitlistAutoBook": True},
        )
    )
    await cancel_as_school(client, tenant, full.seats[1])
    await run_jobs(database_url)
    (second,) = await entries(sessionmaker, line[1:])
    assert second.status == WaitlistStatus.BOOKED
    async with sessionmaker() as session:
        booking = (
            await session.execute(select(Booking).where(Booking.uid == second.booking_uid))
        ).scalar_one()
    assert booking.status == BookingStatus.ACCEPTED
    await run_jobs(database_url)  # the emails the booking queued
    assert inbox.to(second.email)  # the booking's own confirmation, no offer email
    assert not [m for m in inbox.to(second.email) if "A seat is free" in str(m["Subject"])]


async def test_waitlist_options_on_the_event_types_api(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    full = await full_session(client, tenant, seats=1, waitlistOfferMinutes=15)
    assert full.et["waitlistOfferMinutes"] == 15 and full.et["waitlistAutoBook"] is False
    url = f"/v2/event-types/{full.et['id']}"
    for bad in (0, 1441):
        response = await client.patch(
            url, headers=tenant.headers, json={"waitlistOfferMinutes": bad}
        )
        assert response.status_code == 400 and "waitlistOfferMinutes" in response.text
    changed = data(await client.patch(url, headers=tenant.headers, json={"waitlistAutoBook": True}))
    assert changed["waitlistAutoBook"] is True
    priced = await client.patch(
        url, headers=tenant.headers, json={"price": 2000, "currency": "eur"}
    )
    assert_error(priced, 400, "invalid_waitlist_auto_book")
    assert "waitlistAutoBook" in priced.text


async def test_an_expired_payment_hold_is_offered_and_a_priced_seat_is_paid_on_accept(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    et = await stripe_workshop(client, tenant, price=2000, currency="eur", seats=seating(1))
    held, _ = await book_paid(client, et, START)
    (uid,) = await line_up(sessionmaker, et, 1)
    await end_holds(sessionmaker, held["uid"])
    async with sessionmaker() as session, session.begin():
        assert await payment_holds.release_expired(session, clock.now())
    assert await statuses(sessionmaker, [uid]) == [OFFERED]

    done = await take_seat(client, await accept_url(sessionmaker, settings, uid))

    assert done.status_code == 303 and done.headers["location"].startswith("/payment/")
    (entry,) = await entries(sessionmaker, [uid])
    assert entry.status == WaitlistStatus.BOOKED
    assert await seat_count(sessionmaker, et["id"]) == (1, 0)  # held until paid, no offer left
    page = await client.get(done.headers["location"])
    assert page.status_code == 200


async def test_a_seat_rescheduled_away_is_offered(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    full = await full_session(client, tenant, seats=1)
    (uid,) = await line_up(sessionmaker, full.et, 1)
    later = (moment(START) + timedelta(hours=2)).isoformat().replace("+00:00", "Z")
    data(
        await client.post(
            f"/v2/bookings/{full.seats[0]['uid']}/reschedule",
            headers={**tenant.headers, "cal-api-version": "2024-08-13"},
            json={"start": later},
        ),
        201,
    )
    assert await statuses(sessionmaker, [uid]) == [OFFERED]
