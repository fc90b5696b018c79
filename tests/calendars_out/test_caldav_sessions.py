"""Sessions written to a teacher's CalDAV calendar on a real Radicale: made when a seat is
booked, updated with the seats, moved with the session, removed with its last seat."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from tests import dates
from tests.bookings.helpers import (
    MONDAY,
    book,
    cancel_as_school,
    seating,
    student,
    teacher_hours,
    workshop,
)
from tests.calendars_out.conftest import Dav
from tests.calendars_out.helpers import (
    caldav_credential,
    choose_destination,
    events_in,
    make_calendar,
    references_of,
    writing_to_new_calendar,
)
from tests.dates import DAY
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs


async def test_a_seated_session_is_one_event_updated_with_its_seats_and_removed_with_the_last(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    dav: Dav,
) -> None:
    await caldav_credential(sessionmaker, settings, tenant.id, tenant.owner_id, dav)
    calendar = await make_calendar(dav)
    chosen = await choose_destination(client, tenant.headers, calendar)
    assert chosen["externalId"] == calendar and chosen["userId"] == tenant.owner_id
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, title="French B1", seats=seating(5))
    start = dates.at(MONDAY, "10:00")
    first = data(await book(client, et["id"], start, attendee=student("ana@example.com")), 201)
    await run_jobs(database_url, settings)

    (event,) = await events_in(dav, calendar)
    assert event.summary == "French B1"
    assert event.start == dates.instant(MONDAY, "10:00")
    assert event.end == dates.instant(MONDAY, "11:00")
    assert "1 of 5 seats booked" in event.description
    # the workshop does not show attendees to each other: no student address on the event
    assert event.attendees == [] and "ana@example.com" not in event.description

    second = data(await book(client, et["id"], start, attendee=student("ben@example.com")), 201)
    await run_jobs(database_url, settings)
    (updated,) = await events_in(dav, calendar)
    assert updated.uid == event.uid and "2 of 5 seats booked" in updated.description
    references = await references_of(sessionmaker, [first["uid"], second["uid"]])
    assert [(r.type, r.uid, r.external_calendar_id) for r in references] == [
        ("caldav_calendar", event.uid, calendar)
    ] * 2

    await cancel_as_school(client, tenant, first)
    await run_jobs(database_url, settings)
    (still,) = await events_in(dav, calendar)
    assert "1 of 5 seats booked" in still.description

    await cancel_as_school(client, tenant, second)
    await run_jobs(database_url, settings)
    assert await events_in(dav, calendar) == []
    references = await references_of(sessionmaker, [first["uid"], second["uid"]])
    assert references and all(r.deleted for r in references)


async def test_a_rescheduled_session_moves_its_event(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    dav: Dav,
) -> None:
    calendar = await writing_to_new_calendar(client, tenant, sessionmaker, settings, dav)
    et = await workshop(client, tenant, title="Conversation")
    booking = data(
        await book(client, et["id"], dates.at(MONDAY, "10:00"), attendee=student("cy@example.com")),
        201,
    )
    await run_jobs(database_url, settings)
    (before,) = await events_in(dav, calendar)
    # one student, no seats: the student is on the event
    assert before.attendees == ["cy@example.com"]

    moved = data(
        await client.post(
            f"/v2/bookings/{booking['uid']}/reschedule",
            headers=tenant.headers,
            json={"start": dates.at(MONDAY + DAY, "14:00")},
        ),
        201,
    )
    await run_jobs(database_url, settings)
    (after,) = await events_in(dav, calendar)
    assert after.uid == before.uid
    assert after.start == dates.instant(MONDAY + DAY, "14:00")
    assert after.end - after.start == timedelta(hours=1)
    (old_ref, new_ref) = await references_of(sessionmaker, [booking["uid"], moved["uid"]])
    assert old_ref.deleted and not new_ref.deleted

    await cancel_as_school(client, tenant, moved)
    await run_jobs(database_url, settings)
    assert await events_in(dav, calendar) == []


async def test_without_a_chosen_calendar_the_first_one_of_the_account_is_used(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    dav: Dav,
) -> None:
    calendar = await make_calendar(dav, "fresh")
    await caldav_credential(sessionmaker, settings, tenant.id, tenant.owner_id, dav, "fresh")
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, title="Grammar", seats=seating(3))
    data(await book(client, et["id"], dates.at(MONDAY, "15:00")), 201)
    await run_jobs(database_url, settings)
    (event,) = await events_in(dav, calendar, "fresh")
    assert event.summary == "Grammar"


async def test_students_addresses_are_on_the_event_when_the_workshop_shows_attendees(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    dav: Dav,
) -> None:
    calendar = await writing_to_new_calendar(client, tenant, sessionmaker, settings, dav)
    et = await workshop(
        client,
        tenant,
        seats={"seatsPerTimeSlot": 4, "showAttendeeInfo": True, "showAvailabilityCount": True},
    )
    start = dates.at(MONDAY, "11:00")
    for email in ("dee@example.com", "eli@example.com"):
        data(await book(client, et["id"], start, attendee=student(email)), 201)
    await run_jobs(database_url, settings)
    (event,) = await events_in(dav, calendar)
    assert event.attendees == ["dee@example.com", "eli@example.com"]
    assert "eli@example.com" in event.description


async def test_the_join_link_of_the_session_is_on_its_event(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    dav: Dav,
) -> None:
    calendar = await writing_to_new_calendar(client, tenant, sessionmaker, settings, dav)
    et = await workshop(client, tenant, seats=seating(3))
    booking = data(await book(client, et["id"], dates.at(MONDAY, "12:00")), 201)
    await run_jobs(database_url, settings)
    # the session's Jitsi room is made with the booking: its link is on the event at once
    link = booking["meetingUrl"]
    assert link.startswith("https://meet.jit.si/")
    (event,) = await events_in(dav, calendar)
    assert event.location == link and f"Join: {link}" in event.description


async def test_one_seat_moved_out_of_a_session_leaves_its_event_and_gets_its_own(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    dav: Dav,
) -> None:
    calendar = await writing_to_new_calendar(client, tenant, sessionmaker, settings, dav)
    et = await workshop(client, tenant, seats=seating(5))
    start = dates.at(MONDAY, "10:00")
    staying = data(await book(client, et["id"], start), 201)
    leaving = data(await book(client, et["id"], start), 201)
    await run_jobs(database_url, settings)
    (before,) = await events_in(dav, calendar)

    moved = data(
        await client.post(
            f"/v2/bookings/{leaving['uid']}/reschedule",
            headers=tenant.headers,
            json={"start": dates.at(MONDAY + DAY, "10:00")},
        ),
        201,
    )
    await run_jobs(database_url, settings)
    events = sorted(await events_in(dav, calendar), key=lambda e: e.start)
    assert [(e.start, "1 of 5 seats booked" in e.description) for e in events] == [
        (dates.instant(MONDAY, "10:00"), True),
        (dates.instant(MONDAY + DAY, "10:00"), True),
    ]
    assert events[0].uid == before.uid and events[1].uid != before.uid
    refs = {
        r.booking_id: r for r in await references_of(sessionmaker, [staying["uid"], moved["uid"]])
    }
    assert len(refs) == 2 and {r.uid for r in refs.values()} == {before.uid, events[1].uid}
