"""Every email about a booking is recorded (queued → sent or failed, one row per job and
recipient), through a real SMTP server and the real job worker; the booking page's list of
them is tested in ``tests/dashboard/test_booking_emails.py``."""

from __future__ import annotations

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import Tenant
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.notifications.email_helpers import REFUSAL, booked, emails_of
from tests.workflows.helpers import when_due


async def test_a_booking_records_its_confirmations_as_sent(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    booking = await booked(client, tenant, "ines@example.com")
    await run_jobs(database_url)
    rows = {row.recipient: row for row in await emails_of(sessionmaker, tenant, booking["uid"])}
    assert set(rows) == {"ines@example.com", tenant.owner_email.lower()}
    [to_student] = inbox.to("ines@example.com")
    row = rows["ines@example.com"]
    assert (row.kind, row.status, row.attempts, row.last_error) == ("confirmed", "sent", 1, None)
    assert row.subject == str(to_student["Subject"])
    assert row.message_id == str(to_student["Message-ID"])
    assert row.sent_at is not None and row.job_id == rows[tenant.owner_email.lower()].job_id

    # Retention follows the booking's: its emails go with it (and with the school).
    async with sessionmaker() as session:
        await session.execute(
            text("DELETE FROM bookings WHERE uid = :uid"), {"uid": booking["uid"]}
        )
        await session.commit()
        left = text("SELECT count(*) FROM email_deliveries WHERE booking_id = :id")
        assert (await session.execute(left, {"id": row.booking_id})).scalar_one() == 0


async def test_a_refused_email_is_recorded_failed_and_its_retry_sends_on_the_same_row(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    inbox.refuse(REFUSAL)
    booking = await booked(client, tenant, "noe@example.com")
    await run_jobs(database_url)
    [failed] = await emails_of(sessionmaker, tenant, booking["uid"])
    assert (failed.recipient, failed.status, failed.attempts, failed.last_error) == (
        "noe@example.com",
        "failed",
        1,
        REFUSAL,
    )
    assert failed.sent_at is None and not inbox.messages

    inbox.accept()  # the mail server is back when Procrastinate retries the job
    await when_due(sessionmaker, database_url, failed.job_id)
    rows = {row.recipient: row for row in await emails_of(sessionmaker, tenant, booking["uid"])}
    retried = rows["noe@example.com"]
    assert (retried.id, retried.status, retried.attempts) == (failed.id, "sent", 2)
    assert retried.sent_at is not None
    assert rows[tenant.owner_email.lower()].status == "sent"
    assert len(inbox.to("noe@example.com")) == 1


async def test_a_retry_does_not_email_again_whom_the_first_attempt_reached(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # The student's email goes first and is accepted; the teacher's is refused once.
    inbox.refuse(REFUSAL, to=tenant.owner_email, times=1)
    booking = await booked(client, tenant, "lou@example.com")
    await run_jobs(database_url)
    rows = {row.recipient: row for row in await emails_of(sessionmaker, tenant, booking["uid"])}
    host = rows[tenant.owner_email.lower()]
    assert (host.status, host.last_error) == ("failed", REFUSAL)
    await when_due(sessionmaker, database_url, host.job_id)
    rows = {row.recipient: row for row in await emails_of(sessionmaker, tenant, booking["uid"])}
    assert (rows[tenant.owner_email.lower()].status, rows[tenant.owner_email.lower()].attempts) == (
        "sent",
        2,
    )
    assert (rows["lou@example.com"].status, rows["lou@example.com"].attempts) == ("sent", 1)
    assert len(inbox.to("lou@example.com")) == 1 and len(inbox.to(tenant.owner_email)) == 1
