"""A session on Google Meet whose teacher writes sessions to the same Google calendar has ONE
event there: the Meet event carries the session (whichever of the two was made first)."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.calendars import google_meet
from immersio_booking.config import Settings
from immersio_booking.fakes.served import BackgroundServer
from immersio_booking.models import Booking, BookingReference
from immersio_booking.video.provider import Meeting, SessionInfo
from tests import dates
from tests.bookings.helpers import MONDAY, book, cancel_as_school, seating, teacher_hours, workshop
from tests.calendars_out.google_helpers import TEACHER_CALENDAR, connect_google, fake_events
from tests.calendars_out.helpers import references_of
from tests.dates import DAY
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs


def _stamp(day: date, hhmm: str) -> str:
    return dates.instant(day, hhmm).isoformat().replace("+00:00", "Z")


async def _meet_for(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
    booking: dict[str, Any],
    day: date,
) -> Meeting:
    """What the video job does for a Meet workshop: the meeting, and the seat's reference."""
    info = SessionInfo(
        organization_id=tenant.id,
        event_type_id=booking["eventTypeId"],
        title="Meet session",
        start=dates.instant(day, "11:00"),
        end=dates.instant(day, "12:00"),
        host_user_id=tenant.owner_id,
        host_email=tenant.owner_email,
        host_name=None,
        time_zone="UTC",
    )
    async with sessionmaker() as session, session.begin():
        provider = await google_meet.resolve(session, info, settings)
        assert provider is not None
        meeting = await provider.create(info)
        booking_id = (
            await session.execute(select(Booking.id).where(Booking.uid == booking["uid"]))
        ).scalar_one()
        session.add(
            BookingReference(
                organization_id=tenant.id,
                booking_id=booking_id,
                type=meeting.reference_type,
                uid=meeting.uid,
                meeting_id=meeting.meeting_id,
                meeting_url=meeting.url,
                credential_id=meeting.credential_id,
            )
        )
    return meeting


async def _events_at(fake_url: str, day: date) -> list[dict[str, Any]]:
    return [
        e
        for e in await fake_events(fake_url)
        if e["calendarId"] == TEACHER_CALENDAR and e["start"]["dateTime"] == _stamp(day, "11:00")
    ]


async def test_the_meet_event_made_first_becomes_the_sessions_event(
    google_client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    google_settings: Settings,
    database_url: str,
    fake_google: BackgroundServer,
) -> None:
    day = MONDAY + 2 * DAY
    await connect_google(google_client, tenant.headers)
    await teacher_hours(google_client, tenant)
    et = await workshop(google_client, tenant, title="Meet first", seats=seating(4))
    booking = data(await book(google_client, et["id"], dates.at(day, "11:00")), 201)
    meeting = await _meet_for(sessionmaker, google_settings, tenant, booking, day)
    await run_jobs(database_url, google_settings)

    (event,) = await _events_at(fake_google.url, day)
    assert event["id"] == meeting.uid and event["hangoutLink"] == meeting.url
    assert event["summary"] == "Meet first" and f"Join: {meeting.url}" in event["description"]
    calendar_refs = [
        r
        for r in await references_of(sessionmaker, [booking["uid"]])
        if r.type == "google_calendar"
    ]
    assert [r.uid for r in calendar_refs] == [meeting.uid]

    await cancel_as_school(google_client, tenant, booking)
    await run_jobs(database_url, google_settings)
    assert await _events_at(fake_google.url, day) == []


async def test_an_event_made_before_the_meet_gives_way_to_it(
    google_client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    google_settings: Settings,
    database_url: str,
    fake_google: BackgroundServer,
) -> None:
    day = MONDAY + 3 * DAY
    await connect_google(google_client, tenant.headers)
    await teacher_hours(google_client, tenant)
    et = await workshop(google_client, tenant, title="Meet later", seats=seating(4))
    first = data(await book(google_client, et["id"], dates.at(day, "11:00")), 201)
    await run_jobs(database_url, google_settings)
    (ours,) = await _events_at(fake_google.url, day)

    meeting = await _meet_for(sessionmaker, google_settings, tenant, first, day)
    assert len(await _events_at(fake_google.url, day)) == 2  # for now
    data(await book(google_client, et["id"], dates.at(day, "11:00")), 201)
    await run_jobs(database_url, google_settings)
    (event,) = await _events_at(fake_google.url, day)
    assert event["id"] == meeting.uid != ours["id"]
    assert "2 of 4 seats booked" in event["description"]
