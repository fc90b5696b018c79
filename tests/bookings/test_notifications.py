"""Booking emails through a real SMTP server (aiosmtpd), sent by the real job worker."""

from __future__ import annotations

import email
from email.message import EmailMessage, Message
from email.policy import default
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.notifications import mailer
from tests import dates
from tests.bookings.helpers import MONDAY, book, student, teacher_hours, token_of, workshop
from tests.factories import Tenant
from tests.helpers import assert_error, data
from tests.jobs import run_jobs
from tests.mail import Inbox


def invite_of(message: Message) -> str:
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert parts, "no invite attached"
    return bytes(parts[0].get_payload(decode=True)).decode()  # type: ignore[arg-type]


async def test_confirmation_and_cancellation_emails_with_invites(
    client: httpx.AsyncClient, tenant: Tenant, inbox: Inbox, database_url: str
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, title="Conversation française")
    booking = data(
        await book(
            client,
            et["id"],
            dates.at(MONDAY, "10:00"),
            attendee=student("camille@example.com", language="fr", timeZone="Europe/Paris"),
        ),
        201,
    )
    await run_jobs(database_url)
    [to_student] = inbox.to("camille@example.com")
    [to_host] = inbox.to(tenant.owner_email)
    assert str(to_student["Subject"]).startswith("Confirmé : Conversation française")
    text = to_student.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"lundi {MONDAY.day} " in text and ", 11:00 – 12:00 (Paris, UTC+1)" in text
    assert token_of(booking) in text
    assert str(to_host["Subject"]).startswith("Confirmed: Conversation française")
    assert "manage?token" not in to_host.get_body().get_content()  # type: ignore[union-attr]
    request = invite_of(to_student)
    assert "METHOD:REQUEST" in request and "SEQUENCE:0" in request
    assert f"UID:{booking['uid']}@immersio-booking" in request
    assert f"DTSTART:{MONDAY:%Y%m%d}T100000Z" in request

    data(
        await client.post(
            f"/v2/bookings/{booking['uid']}/cancel",
            params={"token": token_of(booking)},
            json={"cancellationReason": "Malade"},
        )
    )
    await run_jobs(database_url)
    cancel = [m for m in inbox.to("camille@example.com") if str(m["Subject"]).startswith("Annulé")]
    assert len(cancel) == 1 and "Malade" in cancel[0].get_body().get_content()  # type: ignore[union-attr]
    invite = invite_of(cancel[0])
    assert "METHOD:CANCEL" in invite and "SEQUENCE:1" in invite
    assert f"UID:{booking['uid']}@immersio-booking" in invite


async def test_refused_booking_queues_no_email(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, confirmationPolicy={"type": "always"})
    pending = data(
        await book(
            client, et["id"], dates.at(MONDAY, "10:00"), attendee=student("req@example.com")
        ),
        201,
    )
    async with sessionmaker() as session:
        before = (
            await session.execute(text("SELECT count(*) FROM procrastinate_jobs"))
        ).scalar_one()
    assert_error(await book(client, et["id"], dates.at(MONDAY, "10:00")), 409, "slot_unavailable")
    async with sessionmaker() as session:
        after = (
            await session.execute(text("SELECT count(*) FROM procrastinate_jobs"))
        ).scalar_one()
    assert after == before  # the refusal rolled back, and its job with it
    await run_jobs(database_url)
    assert str(inbox.to("req@example.com")[0]["Subject"]).startswith("Request received")
    data(await client.post(f"/v2/bookings/{pending['uid']}/confirm", headers=tenant.headers))
    await run_jobs(database_url)
    subjects = [str(m["Subject"]) for m in inbox.to("req@example.com")]
    assert any(s.startswith("Confirmed") for s in subjects)


async def test_without_smtp_mail_is_written_as_eml(tmp_path: Path) -> None:
    message = EmailMessage()
    message["To"] = "x@example.com"
    message["Subject"] = "Hello"
    message.set_content("Body")
    where = await mailer.deliver(Settings(data_dir=tmp_path), message)
    saved = email.message_from_bytes(Path(where).read_bytes(), policy=default)
    assert Path(where).parent == tmp_path / "mail"
    assert saved["Subject"] == "Hello" and saved["From"]
