"""No person ever reads an ``integrations:...`` key: every email (both parts, invites), page
and calendar file of a booking's life is scanned, with and without a join link."""

from __future__ import annotations

from email.message import Message
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.kit import clock
from tests import dates
from tests.bookings.helpers import MONDAY, book, student, teacher_hours, token_of, workshop
from tests.dates import DAY
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import job_environment, run_jobs
from tests.mail import Inbox
from tests.meeting_links.helpers import meeting_made, zoom_on_hold
from tests.video.helpers import FakeZoom, live_references
from tests.workflows.helpers import create_workflow, reminders_of, step, when_due

KEY = "integrations:"


def every_part(message: Message) -> str:
    """The whole message as people's programs read it: each part decoded."""
    return "\n".join(
        str(part.get_payload(decode=True), "utf-8")
        for part in message.walk()
        if not part.is_multipart()
    )


async def has_meeting(sessionmaker: async_sessionmaker[AsyncSession], uid: str) -> bool:
    return uid in await live_references(sessionmaker, uid)


async def _pages(client: httpx.AsyncClient, booking: dict[str, str], lang: str) -> list[str]:
    token = token_of(booking)
    found = []
    for path in ("", "/manage", "/ics"):
        response = await client.get(
            f"/booking/{booking['uid']}{path}", params={"token": token, "lang": lang}
        )
        assert response.status_code == 200, path
        found.append(response.text)
    return found


@pytest.mark.parametrize(
    ("integration", "language"),
    [
        ("cal-video", "en"),  # a Jitsi room, made with the booking
        ("zoom", "fr"),  # Zoom on hold: the meeting is on its way, never made
        ("whereby-video", "en"),  # no provider of ours: never a meeting
        ("jitsi", "fr"),
    ],
)
async def test_a_whole_booking_life_never_shows_the_key(
    zoom_client_app: httpx.AsyncClient,
    zoom_jobs: FakeZoom,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    data_dir: Path,
    sessionmaker: async_sessionmaker[AsyncSession],
    integration: str,
    language: str,
) -> None:
    client = zoom_client_app
    await teacher_hours(client, tenant)
    await zoom_on_hold(client, tenant, zoom_jobs)
    et = await workshop(
        client, tenant, locations=[{"type": "integration", "integration": integration}]
    )
    await create_workflow(
        client, tenant, steps=[step(), step(action="EMAIL_HOST", number=2)]
    )  # default reminders, to the student and the teacher
    address = f"life-{integration}-{language}@example.com"
    with_link = integration in ("cal-video", "jitsi")
    booking = data(
        await book(
            client,
            et["id"],
            dates.at(MONDAY, "10:00"),
            attendee=student(address, language=language),
        ),
        201,
    )
    # The API speaks Cal.com, to machines: the join link, else the stored key.
    if with_link:
        assert booking["location"] == await meeting_made(sessionmaker, booking["uid"])
    else:
        assert booking["location"] == f"{KEY}{integration}"
    with job_environment(
        database_url,
        data_dir,
        IMMERSIO_SMTP_HOST="127.0.0.1",
        IMMERSIO_SMTP_PORT=str(inbox.port),
        IMMERSIO_MEETING_LINK_WAIT_SECONDS="0",  # a Zoom email goes at once, without its link
    ):
        await run_jobs(database_url)
        shown: list[str] = []
        with clock.frozen(dates.instant(MONDAY, "09:55")):
            shown += await _pages(client, booking, language)
        moved = data(
            await client.post(
                f"/v2/bookings/{booking['uid']}/reschedule",
                params={"token": token_of(booking)},
                json={"start": dates.at(MONDAY + DAY, "10:00")},
            ),
            201,
        )
        assert (await has_meeting(sessionmaker, moved["uid"])) == with_link
        await run_jobs(database_url)
        shown += await _pages(client, moved, language)
        planned = await reminders_of(sessionmaker, moved["uid"])
        await when_due(sessionmaker, database_url, *(r.job_id for r in planned))
        data(
            await client.post(
                f"/v2/bookings/{moved['uid']}/cancel", params={"token": token_of(moved)}, json={}
            )
        )
        await run_jobs(database_url)
    # Zoom on hold: the school's admins are told too (once per meeting job).
    notices = [m for m in inbox.to(tenant.owner_email) if "video meeting" in str(m["Subject"])]
    assert bool(notices) == (integration == "zoom")
    mails = inbox.to(address) + inbox.to(tenant.owner_email)
    subjects = sorted(str(m["Subject"]).split(":")[0] for m in inbox.to(address))
    # Confirmed, moved, reminded and cancelled, all of them read.
    assert len(subjects) == 4, subjects
    assert len(mails) == 8 + len(notices)
    for text in [*shown, *(every_part(m) for m in mails), *(str(m) for m in mails)]:
        assert KEY not in text
