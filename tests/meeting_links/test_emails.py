"""The join link in booking emails (text and HTML, student and teacher, English and French),
sent by the real worker through a real SMTP server; the confirmation waits for a link that is
being made, and the link follows when it came too late."""

from __future__ import annotations

import re
from email.message import Message
from pathlib import Path

import httpx
import pytest
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests import dates
from tests.bookings.helpers import MONDAY, book, student, teacher_hours, token_of, workshop
from tests.dates import DAY
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import job_environment, run_jobs
from tests.mail import Inbox
from tests.meeting_links.helpers import (
    add_meeting,
    html_of,
    invite_of,
    meeting_made,
    run_waiting_emails_now,
    text_of,
    zoom_back,
    zoom_meeting,
    zoom_on_hold,
)
from tests.video.helpers import ZOOM_LOCATION, FakeZoom
from tests.workflows.helpers import create_workflow, reminders_of, step, when_due


def subjects(inbox: Inbox, address: str) -> list[str]:
    return [str(m["Subject"]) for m in inbox.to(address)]


def confirmations(inbox: Inbox, address: str) -> list[Message]:
    return [m for m in inbox.to(address) if str(m["Subject"]).startswith("Confirmed")]


async def test_the_confirmation_gives_the_link_to_the_student_and_the_teacher(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, title="Conversation")
    booking = data(
        await book(
            client, et["id"], dates.at(MONDAY, "10:00"), attendee=student("ada@example.com")
        ),
        201,
    )
    url = await add_meeting(sessionmaker, booking["uid"])
    await run_jobs(database_url)
    [to_student] = inbox.to("ada@example.com")
    [to_host] = inbox.to(tenant.owner_email)
    for message in (to_student, to_host):
        text = text_of(message)
        assert "Where: Online video call (Jitsi Meet)" in text
        assert f"Join the video call: {url}" in text
        html = html_of(message)
        # The button, then the link written out, both pointing at the meeting.
        assert re.search(rf'<a href="{re.escape(url)}"[^>]*>Join the video call</a>', html)
        assert html.count(f'href="{url}"') == 2
    assert token_of(booking) in html_of(to_student) and "manage" not in html_of(to_host)

    event = Calendar.from_ical(invite_of(to_student)).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == str(event["URL"]) == url
    conference = event["CONFERENCE"]
    assert str(conference) == url
    assert conference.params["VALUE"] == "URI" and conference.params["FEATURE"] == "VIDEO"
    assert conference.params["LABEL"] == "Online video call (Jitsi Meet)"
    assert f"Join the video call: {url}" in str(event["DESCRIPTION"])


async def test_a_french_student_reads_it_in_french(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, title="Conversation")
    booking = data(
        await book(
            client,
            et["id"],
            dates.at(MONDAY, "10:00"),
            attendee=student("camille@example.com", language="fr"),
        ),
        201,
    )
    url = await add_meeting(sessionmaker, booking["uid"], type="zoom_video", password="4821")
    await run_jobs(database_url)
    [message] = inbox.to("camille@example.com")
    text = text_of(message)
    assert "Où : Zoom" in text  # named after the app that made the meeting
    assert f"Rejoindre l'appel vidéo : {url}" in text
    assert re.search(r">Rejoindre l('|&#39;)appel vidéo</a>", html_of(message))
    event = Calendar.from_ical(invite_of(message)).walk("VEVENT")[0]
    assert f"Rejoindre l'appel vidéo : {url}" in str(event["DESCRIPTION"])


@pytest.mark.usefixtures("providers_wired")
async def test_the_confirmation_waits_for_a_link_being_made(
    zoom_client_app: httpx.AsyncClient,
    zoom_jobs: FakeZoom,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    client = zoom_client_app
    await teacher_hours(client, tenant)
    await zoom_on_hold(client, tenant, zoom_jobs)  # the Zoom meeting is on its way, not made
    et = await workshop(client, tenant, locations=ZOOM_LOCATION)
    booking = data(
        await book(
            client, et["id"], dates.at(MONDAY, "10:00"), attendee=student("zed@example.com")
        ),
        201,
    )
    await run_jobs(database_url)
    assert inbox.to("zed@example.com") == []  # no link yet: the email waits (a few seconds)
    assert confirmations(inbox, tenant.owner_email) == []
    await zoom_back(zoom_jobs, sessionmaker, tenant)
    await run_jobs(database_url)  # the job makes the Zoom meeting
    url = zoom_meeting(zoom_jobs)
    assert await run_waiting_emails_now(sessionmaker, booking["uid"], "confirmed") == 1
    await run_jobs(database_url)
    [message] = inbox.to("zed@example.com")
    assert f"Join the video call: {url}" in text_of(message)
    assert "Where: Zoom" in text_of(message)
    [to_host] = confirmations(inbox, tenant.owner_email)
    assert f"Join the video call: {url}" in text_of(to_host)
    # Nothing else is left waiting: one confirmation each.
    assert await run_waiting_emails_now(sessionmaker, booking["uid"]) == 0


@pytest.mark.usefixtures("providers_wired")
async def test_after_the_wait_it_goes_without_the_link_and_the_link_follows(
    zoom_client_app: httpx.AsyncClient,
    zoom_jobs: FakeZoom,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    data_dir: Path,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    client = zoom_client_app
    await teacher_hours(client, tenant)
    await zoom_on_hold(client, tenant, zoom_jobs)  # the Zoom meeting is on its way, not made
    et = await workshop(client, tenant, locations=ZOOM_LOCATION)
    booking = data(
        await book(
            client, et["id"], dates.at(MONDAY, "10:00"), attendee=student("yan@example.com")
        ),
        201,
    )
    with job_environment(
        database_url,
        data_dir,
        IMMERSIO_SMTP_HOST="127.0.0.1",
        IMMERSIO_SMTP_PORT=str(inbox.port),
        IMMERSIO_MEETING_LINK_WAIT_SECONDS="0",
    ):
        await run_jobs(database_url)
    [sent] = inbox.to("yan@example.com")
    assert "Where: Zoom" in text_of(sent)
    assert "The join link will be sent before the start." in text_of(sent)
    assert "integrations:" not in str(sent)
    # The link's own email looks again later; until the link exists it sends nothing.
    assert await run_waiting_emails_now(sessionmaker, booking["uid"], "join_link") == 1
    await run_jobs(database_url)
    assert len(inbox.to("yan@example.com")) == 1
    await zoom_back(zoom_jobs, sessionmaker, tenant)
    await run_jobs(database_url)  # the job makes the Zoom meeting
    url = zoom_meeting(zoom_jobs)
    assert await run_waiting_emails_now(sessionmaker, booking["uid"], "join_link") == 1
    await run_jobs(database_url)
    assert subjects(inbox, "yan@example.com")[1].startswith("Your join link: Workshop on")
    assert f"Join the video call: {url}" in text_of(inbox.to("yan@example.com")[1])
    assert any(f"Join the video call: {url}" in text_of(m) for m in inbox.to(tenant.owner_email))
    assert await run_waiting_emails_now(sessionmaker, booking["uid"]) == 0  # done, once


async def test_the_moved_session_email_gives_its_link(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    first = data(
        await book(client, et["id"], dates.at(MONDAY, "10:00"), attendee=student("mo@example.com")),
        201,
    )
    moved = data(
        await client.post(
            f"/v2/bookings/{first['uid']}/reschedule",
            params={"token": token_of(first)},
            json={"start": dates.at(MONDAY + DAY, "10:00")},
        ),
        201,
    )
    url = await add_meeting(sessionmaker, moved["uid"])
    await run_jobs(database_url)
    [message] = [m for m in inbox.to("mo@example.com") if str(m["Subject"]).startswith("Moved")]
    assert f"Join the video call: {url}" in text_of(message)
    assert f'href="{url}"' in html_of(message)
    request = Calendar.from_ical(invite_of(message)).walk("VEVENT")[0]
    assert str(request["URL"]) == url


async def test_reminders_fill_meeting_url_and_location_with_the_link(
    zoom_client_app: httpx.AsyncClient,
    zoom_jobs: FakeZoom,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    client = zoom_client_app
    await teacher_hours(client, tenant)
    await zoom_on_hold(client, tenant, zoom_jobs)  # the Zoom meeting is on its way, not made
    et = await workshop(client, tenant, title="Conversation", locations=ZOOM_LOCATION)
    await create_workflow(
        client,
        tenant,
        steps=[
            step(
                template="CUSTOM",
                emailSubject="Soon: {EVENT_NAME}",
                reminderBody="<p>Join: {MEETING_URL}</p><p>Where: {LOCATION}</p>",
            ),
            step(action="EMAIL_HOST", number=2),  # the default reminder, to the teacher
        ],
    )
    booking = data(
        await book(
            client, et["id"], dates.at(MONDAY, "10:00"), attendee=student("rem@example.com")
        ),
        201,
    )
    await run_jobs(database_url)  # the confirmation; the reminders wait for their time
    planned = await reminders_of(sessionmaker, booking["uid"])
    # Before the link exists, {LOCATION} is the location's name, never its key.
    await when_due(sessionmaker, database_url, planned[0].job_id)
    [early] = [m for m in inbox.to("rem@example.com") if str(m["Subject"]).startswith("Soon")]
    assert "Where: Zoom" in text_of(early) and "http" not in text_of(early)
    assert "integrations:" not in str(early)

    # A Jitsi workshop: the room made with the booking fills both.
    jitsi = await workshop(client, tenant, title="Conversation")
    second = data(
        await book(
            client, jitsi["id"], dates.at(MONDAY, "11:00"), attendee=student("rem2@example.com")
        ),
        201,
    )
    url = await meeting_made(sessionmaker, second["uid"])
    await run_jobs(database_url)
    await when_due(
        sessionmaker,
        database_url,
        *(r.job_id for r in await reminders_of(sessionmaker, second["uid"])),
    )
    [soon] = [m for m in inbox.to("rem2@example.com") if str(m["Subject"]).startswith("Soon")]
    assert f"Join: {url}" in text_of(soon) and f"Where: {url}" in text_of(soon)
    host_reminders = [
        m for m in inbox.to(tenant.owner_email) if str(m["Subject"]).startswith("Reminder")
    ]
    assert any(f'href="{url}"' in html_of(m) for m in host_reminders)
    assert any(f"Join the video call: {url}" in text_of(m) for m in host_reminders)


@pytest.mark.usefixtures("providers_wired")
async def test_the_late_link_email_stops_when_the_session_is_cancelled(
    zoom_client_app: httpx.AsyncClient,
    zoom_jobs: FakeZoom,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    data_dir: Path,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    client = zoom_client_app
    await teacher_hours(client, tenant)
    await zoom_on_hold(client, tenant, zoom_jobs)  # the Zoom meeting is on its way, not made
    et = await workshop(client, tenant, locations=ZOOM_LOCATION)
    booking = data(
        await book(client, et["id"], dates.at(MONDAY, "10:00"), attendee=student("cy@example.com")),
        201,
    )
    with job_environment(
        database_url,
        data_dir,
        IMMERSIO_SMTP_HOST="127.0.0.1",
        IMMERSIO_SMTP_PORT=str(inbox.port),
        IMMERSIO_MEETING_LINK_WAIT_SECONDS="0",
    ):
        await run_jobs(database_url)
    data(
        await client.post(
            f"/v2/bookings/{booking['uid']}/cancel", params={"token": token_of(booking)}, json={}
        )
    )
    await add_meeting(sessionmaker, booking["uid"], type="zoom_video")  # too late: cancelled
    assert await run_waiting_emails_now(sessionmaker, booking["uid"], "join_link") == 1
    await run_jobs(database_url)
    assert [s.split(":")[0] for s in subjects(inbox, "cy@example.com")] == [
        "Confirmed",
        "Cancelled",
    ]
    assert await run_waiting_emails_now(sessionmaker, booking["uid"]) == 0  # and it stopped
