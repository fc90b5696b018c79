"""No person ever reads an ``integrations:...`` key: every email (both parts, invites), page
and calendar file of a booking's life is scanned, with and without a join link."""

from __future__ import annotations

from email.message import Message

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.kit import clock
from tests import dates
from tests.bookings.helpers import MONDAY, book, student, teacher_hours, token_of, workshop
from tests.dates import DAY
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.meeting_links.helpers import add_meeting
from tests.workflows.helpers import create_workflow, reminders_of, step, when_due

KEY = "integrations:"


def every_part(message: Message) -> str:
    """The whole message as people's programs read it: each part decoded."""
    return "\n".join(
        str(part.get_payload(decode=True), "utf-8")
        for part in message.walk()
        if not part.is_multipart()
    )


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
    ("integration", "with_link", "language"),
    [
        ("cal-video", False, "en"),
        ("zoom", False, "fr"),
        ("whereby-video", False, "en"),
        ("cal-video", True, "fr"),
    ],
)
async def test_a_whole_booking_life_never_shows_the_key(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    integration: str,
    with_link: bool,
    language: str,
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(
        client, tenant, locations=[{"type": "integration", "integration": integration}]
    )
    await create_workflow(
        client, tenant, steps=[step(), step(action="EMAIL_HOST", number=2)]
    )  # default reminders, to the student and the teacher
    address = f"life-{integration}-{language}@example.com"
    booking = data(
        await book(
            client,
            et["id"],
            dates.at(MONDAY, "10:00"),
            attendee=student(address, language=language),
        ),
        201,
    )
    assert booking["location"] == f"{KEY}{integration}"  # the API speaks Cal.com: machines
    if with_link:
        await add_meeting(sessionmaker, booking["uid"])
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
    if with_link:
        await add_meeting(sessionmaker, moved["uid"])
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
    mails = inbox.to(address) + inbox.to(tenant.owner_email)
    subjects = sorted(str(m["Subject"]).split(":")[0] for m in inbox.to(address))
    # Confirmed, moved, reminded and cancelled, all of them read.
    assert len(subjects) == 4, subjects
    assert len(mails) == 8
    for text in [*shown, *(every_part(m) for m in mails), *(str(m) for m in mails)]:
        assert KEY not in text
