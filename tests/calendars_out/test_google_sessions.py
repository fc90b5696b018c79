"""Sessions in a teacher's Google calendar (through Google's client library, against the fake
Google over HTTP), busy times read back with freeBusy, and Google Meet links."""

from __future__ import annotations

from datetime import date

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.calendars import google_meet, kinds
from immersio_booking.calendars.google_calendar import GoogleCalendar, google_event_id
from immersio_booking.config import Settings
from immersio_booking.fakes.served import BackgroundServer
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.models import Credential
from immersio_booking.video import registry
from immersio_booking.video.provider import SessionInfo
from tests import dates
from tests.bookings.helpers import MONDAY, book, cancel_as_school, seating, teacher_hours, workshop
from tests.calendars_out.google_helpers import (
    TEACHER_CALENDAR,
    connect_google,
    fake_events,
    google_credential,
)
from tests.calendars_out.helpers import references_of
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs


def _stamp(day: date, hhmm: str) -> str:
    return dates.instant(day, hhmm).isoformat().replace("+00:00", "Z")


async def test_a_session_is_written_to_google_and_removed_with_its_last_seat(
    google_client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    google_settings: Settings,
    database_url: str,
    fake_google: BackgroundServer,
) -> None:
    await connect_google(google_client, tenant.headers)
    await teacher_hours(google_client, tenant)
    et = await workshop(google_client, tenant, title="Spanish A2", seats=seating(6))
    start = dates.at(MONDAY, "09:00")
    booking = data(await book(google_client, et["id"], start), 201)
    await run_jobs(database_url, google_settings)

    (reference,) = await references_of(sessionmaker, [booking["uid"]])
    assert (reference.type, reference.external_calendar_id) == ("google_calendar", TEACHER_CALENDAR)
    assert reference.uid == google_event_id(str(reference.meeting_id))
    (event,) = [e for e in await fake_events(fake_google.url) if e["id"] == reference.uid]
    assert event["calendarId"] == TEACHER_CALENDAR and event["summary"] == "Spanish A2"
    assert event["start"]["dateTime"] == _stamp(MONDAY, "09:00")
    assert "1 of 6 seats booked" in event["description"]

    # busy times of the calendar, read through freeBusy, show the session
    credential = await google_credential(sessionmaker, tenant.owner_id)
    assert credential is not None
    with kinds.using(google_settings):
        busy = await GoogleCalendar().busy(
            credential,
            [TEACHER_CALENDAR],
            dates.instant(MONDAY, "08:00"),
            dates.instant(MONDAY, "12:00"),
        )
    assert (dates.instant(MONDAY, "09:00"), dates.instant(MONDAY, "10:00")) in [
        (b.start, b.end) for b in busy
    ]

    await cancel_as_school(google_client, tenant, booking)
    await run_jobs(database_url, google_settings)
    assert reference.uid not in [e["id"] for e in await fake_events(fake_google.url)]


async def test_a_refused_google_credential_is_marked_invalid_and_the_booking_stands(
    google_client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    google_settings: Settings,
    database_url: str,
) -> None:
    await connect_google(google_client, tenant.headers)
    credential = await google_credential(sessionmaker, tenant.owner_id)
    assert credential is not None
    box = SecretBox.of(google_settings)
    async with sessionmaker() as session, session.begin():
        await session.execute(  # the teacher revoked access at Google: refresh token refused
            update(Credential)
            .where(Credential.id == credential.id)
            .values(
                key={
                    **credential.key,
                    "expires_at": 0,
                    "sealed": {**credential.key["sealed"], "refresh_token": box.seal("revoked")},
                }
            )
        )
    await teacher_hours(google_client, tenant)
    et = await workshop(google_client, tenant)
    booking = data(await book(google_client, et["id"], dates.at(MONDAY, "10:00")), 201)
    await run_jobs(database_url, google_settings)
    after = await google_credential(sessionmaker, tenant.owner_id)
    assert after is not None and after.invalid
    assert await references_of(sessionmaker, [booking["uid"]]) == []
    state = data(await google_client.get(f"/v2/bookings/{booking['uid']}", headers=tenant.headers))
    assert state["status"] == "accepted"


async def test_google_meet_makes_moves_and_removes_a_meeting(
    google_client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    google_settings: Settings,
    fake_google: BackgroundServer,
) -> None:
    resolve = registry.registered()["google-meet"]
    assert resolve is google_meet.resolve

    def info(host: Tenant, hhmm: str) -> SessionInfo:
        return SessionInfo(
            organization_id=host.id,
            event_type_id=1,
            title="Italian B2",
            start=dates.instant(MONDAY, hhmm),
            end=dates.instant(MONDAY, hhmm.replace(":00", ":45")),
            host_user_id=host.owner_id,
            host_email=host.owner_email,
            host_name=None,
            time_zone="Europe/Rome",
        )

    async with sessionmaker() as session:
        # a host without Google has no Meet
        assert await resolve(session, info(other_tenant, "10:00"), google_settings) is None
    await connect_google(google_client, tenant.headers)
    async with sessionmaker() as session, session.begin():
        provider = await resolve(session, info(tenant, "10:00"), google_settings)
        assert provider is not None and provider.reference_type == "google_meet_video"
        meeting = await provider.create(info(tenant, "10:00"))
        assert meeting.url.startswith("https://meet.google.com/")
        (event,) = [e for e in await fake_events(fake_google.url) if e["id"] == meeting.uid]
        assert event["hangoutLink"] == meeting.url and event["calendarId"] == TEACHER_CALENDAR

        moved = await provider.update(meeting, info(tenant, "14:00"))
        assert moved.url == meeting.url
        (event,) = [e for e in await fake_events(fake_google.url) if e["id"] == meeting.uid]
        assert event["start"]["dateTime"] == _stamp(MONDAY, "14:00")
        await provider.delete(meeting)
        assert meeting.uid not in [e["id"] for e in await fake_events(fake_google.url)]
