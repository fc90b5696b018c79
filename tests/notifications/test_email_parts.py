"""What a student and a teacher receive, through a real SMTP server (aiosmtpd): an HTML and a
text part saying the same things, from the school (its name at the configured address) with
Reply-To its contact or the teacher, one date string in subject and both parts, the join and
manage links in both parts, and an invitation that names accented people correctly."""

from __future__ import annotations

import html
from datetime import datetime
from email.message import Message
from email.utils import parseaddr
from typing import Any

import httpx
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.kit import when
from tests import dates
from tests.bookings.helpers import MONDAY, book, student, teacher_hours, token_of, workshop
from tests.factories import Tenant
from tests.helpers import assert_error, data
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.meeting_links.helpers import add_meeting, room_url

NOTE = "Je voudrais parler de mon voyage"

# Her own address: mail other tests queued for a shared one must not land in this inbox.
ZOE = "zoe.emilie@example.com"


def parts(message: Message) -> tuple[str, str]:
    """(text, HTML as a reader sees its characters)."""
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    page = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    return str(text), html.unescape(str(page))


def calendar_part(message: Message) -> Message:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part


def at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def _booked(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    **attendee: Any,
) -> tuple[dict[str, Any], str]:
    """A booking by Zoé Émilie with a note, and its session's join link."""
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, title="Conversation française", description="Parlons!")
    booking = data(
        await book(
            client,
            et["id"],
            dates.at(MONDAY, "10:00"),
            attendee=student(ZOE, name="Zoé Émilie", **attendee),
            bookingFieldsResponses={"notes": NOTE},
        ),
        201,
    )
    return booking, await add_meeting(sessionmaker, booking["uid"], url=room_url())


def _manage_url(settings: Settings, booking: dict[str, Any]) -> str:
    return f"{settings.public_base_url}/booking/{booking['uid']}/manage?token={token_of(booking)}"


async def test_the_student_gets_both_parts_from_the_school_in_french(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    booking, join = await _booked(client, tenant, sessionmaker, language="fr")
    await run_jobs(database_url)
    [mail] = inbox.to(ZOE)
    text, page = parts(mail)

    sender = mail["From"].addresses[0]
    assert sender.display_name == f"School {tenant.slug}"
    assert sender.addr_spec == parseaddr(Settings().mail_from)[1]  # the configured address
    assert mail["Reply-To"].addresses[0].addr_spec == tenant.owner_email  # no contact: teacher
    assert mail["Content-Language"] == "fr"

    span = when.span(at(booking["start"]), at(booking["end"]), "Europe/Paris", "fr")
    assert str(mail["Subject"]) == f"Confirmé : Conversation française le {span}"
    assert f"Quand : {span}" in text and span in page
    manage = _manage_url(settings, booking)
    for part in (text, page):
        assert join in part and manage in part
        assert "Bonjour Zoé Émilie," in part and "Gérer votre réservation" in part
    assert f'href="{join}"' in page and f'href="{manage}"' in page
    assert '<html lang="fr"' in page and "Confirmé : Conversation française" in page

    invitation = calendar_part(mail)
    assert invitation.get_content_type() == "text/calendar"
    assert invitation.get_param("charset") == "utf-8"
    assert invitation.get_param("method") == "REQUEST"
    event = Calendar.from_ical(invitation.get_payload(decode=True)).walk("VEVENT")[0]  # type: ignore[arg-type]
    attendees = event["attendee"] if isinstance(event["attendee"], list) else [event["attendee"]]
    assert [a.params["cn"] for a in attendees] == ["Zoé Émilie"]  # accents survive the trip
    description = str(event["description"])
    assert description.startswith("Conversation française\nParlons!")
    assert join in description and manage in description
    assert NOTE not in description  # the student's own note stays out of every calendar


async def test_the_teacher_gets_english_without_the_students_key(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    booking, join = await _booked(client, tenant, sessionmaker, language="fr")
    await run_jobs(database_url)
    [mail] = inbox.to(tenant.owner_email)
    text, page = parts(mail)
    # In the teacher's zone (the owner's, Europe/London by default) and locale (en).
    span = when.span(at(booking["start"]), at(booking["end"]), "Europe/London", "en")
    assert str(mail["Subject"]) == f"Confirmed: Conversation française on {span}"
    assert f"When: {span}" in text and span in page
    for part in (text, page):
        assert "Zoé Émilie booked Conversation française." in part
        assert "manage?token" not in part  # the manage link is the student's key alone
    assert mail["Reply-To"] is None  # no school contact: nobody to answer but themselves
    event = Calendar.from_ical(calendar_part(mail).get_payload(decode=True)).walk("VEVENT")[0]  # type: ignore[arg-type]
    assert "manage?token" not in str(event["description"]) and NOTE not in str(event["description"])


async def test_replies_go_to_the_schools_contact_once_it_has_one(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    url = f"/v2/organizations/{tenant.id}"
    assert_error(
        await client.patch(url, headers=tenant.headers, json={"contactEmail": "not-an-email"}),
        400,
        "validation_failed",
    )
    # Another school's admin cannot set it: the organization is not theirs.
    refused = await client.patch(
        url, headers=other_tenant.headers, json={"contactEmail": "x@evil.example"}
    )
    assert refused.status_code == 404, refused.text
    patched = data(
        await client.patch(
            url, headers=tenant.headers, json={"contactEmail": "hello@ecole.example"}
        )
    )
    assert patched["contactEmail"] == "hello@ecole.example"
    assert data(await client.get(url, headers=tenant.headers))["contactEmail"] == (
        "hello@ecole.example"
    )
    await _booked(client, tenant, sessionmaker)
    await run_jobs(database_url)
    for address in (ZOE, tenant.owner_email):
        [mail] = inbox.to(address)
        reply_to = mail["Reply-To"].addresses[0]
        assert reply_to.addr_spec == "hello@ecole.example"
        assert reply_to.display_name == f"School {tenant.slug}"
    cleared = data(await client.patch(url, headers=tenant.headers, json={"contactEmail": None}))
    assert cleared["contactEmail"] is None
