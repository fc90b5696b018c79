"""Cal.com's requiresBookerEmailVerification: a school can stop bookings with throwaway emails.

The booking without a code gets 400 ``email_verification_required`` and a code by email (real
SMTP server, real job worker); the same booking with ``emailVerificationCode`` books.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.kit import clock
from immersio_booking.models import BookerEmailCode, Booking
from tests import dates
from tests.bookings.helpers import book, student, teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import assert_error, data
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.security.limits import limited

SLOT = dates.at(dates.monday(3), "10:00")


async def verified_workshop(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, Any]:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, requiresBookerEmailVerification=True)
    assert et["requiresBookerEmailVerification"] is True
    return et


async def code_sent_to(inbox: Inbox, database_url: str, address: str) -> str:
    await run_jobs(database_url)
    message = inbox.to(address)[-1]
    found = re.search(r"\b(\d{6})\b", message.get_body().get_content())  # type: ignore[union-attr]
    assert found, message
    return found.group(1)


async def bookings_of(sessionmaker: async_sessionmaker[AsyncSession], et_id: int) -> int:
    async with sessionmaker() as session:
        rows = await session.execute(select(Booking.id).where(Booking.event_type_id == et_id))
        return len(rows.all())


async def test_booking_needs_the_code_emailed_to_the_booker(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await verified_workshop(client, tenant)
    email = f"ada-{secrets.token_hex(4)}@example.com"
    asked = assert_error(
        await book(client, et["id"], SLOT, attendee=student(email, language="fr")),
        400,
        "email_verification_required",
    )
    assert asked["error"]["details"]["field"] == "emailVerificationCode"
    assert await bookings_of(sessionmaker, et["id"]) == 0
    code = await code_sent_to(inbox, database_url, email)
    assert str(inbox.to(email)[-1]["Subject"]).startswith("Votre code pour réserver")
    async with sessionmaker() as session:
        stored = (
            await session.execute(select(BookerEmailCode).where(BookerEmailCode.email == email))
        ).scalar_one()
    assert code not in stored.code_hash  # only a keyed hash is kept

    wrong = "000000" if code != "000000" else "111111"
    refused = assert_error(
        await book(client, et["id"], SLOT, attendee=student(email), emailVerificationCode=wrong),
        400,
        "invalid_email_verification_code",
    )
    assert refused["error"]["details"]["attemptsLeft"] == 4
    # Someone else's email with this code gets nowhere either.
    other = f"eve-{secrets.token_hex(4)}@example.com"
    assert_error(
        await book(client, et["id"], SLOT, attendee=student(other), emailVerificationCode=code),
        400,
        "email_verification_code_expired",
    )
    booked = data(
        await book(client, et["id"], SLOT, attendee=student(email), emailVerificationCode=code),
        201,
    )
    assert booked["attendees"][0]["email"] == email


async def test_wrong_guesses_are_limited_and_codes_expire(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await verified_workshop(client, tenant)
    email = f"bob-{secrets.token_hex(4)}@example.com"
    await book(client, et["id"], SLOT, attendee=student(email))
    code = await code_sent_to(inbox, database_url, email)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        await book(client, et["id"], SLOT, attendee=student(email), emailVerificationCode=wrong)
    assert_error(
        await book(client, et["id"], SLOT, attendee=student(email), emailVerificationCode=code),
        400,
        "email_verification_attempts_exhausted",
    )
    # A new code starts afresh; once expired, it books nothing.
    await book(client, et["id"], SLOT, attendee=student(email))
    fresh = await code_sent_to(inbox, database_url, email)
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(BookerEmailCode)
            .where(BookerEmailCode.email == email)
            .values(expires_at=clock.now())
        )
    assert_error(
        await book(client, et["id"], SLOT, attendee=student(email), emailVerificationCode=fresh),
        400,
        "email_verification_code_expired",
    )
    assert await bookings_of(sessionmaker, et["id"]) == 0


async def test_staff_need_no_code_and_other_workshops_are_unchanged(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et = await verified_workshop(client, tenant)
    data(await book(client, et["id"], SLOT, headers=tenant.headers), 201)
    plain = await workshop(client, tenant)
    data(await book(client, plain["id"], dates.at(dates.monday(3), "12:00")), 201)


async def test_code_emails_are_rate_limited(
    client: httpx.AsyncClient,
    tenant: Tenant,
    settings: Settings,
    engine: AsyncEngine,
) -> None:
    et = await verified_workshop(client, tenant)
    email = f"flood-{secrets.token_hex(4)}@example.com"
    async with limited(settings, engine, rate_limit_verification_emails_per_email="2/hour") as v:
        for _ in range(2):
            await book(v, et["id"], SLOT, attendee=student(email))
        assert_error(await book(v, et["id"], SLOT, attendee=student(email)), 429, "rate_limited")


async def test_the_booking_page_asks_for_the_code(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et = await verified_workshop(client, tenant)
    page = (await client.get(f"/{tenant.slug}/{et['slug']}")).text
    assert 'name="emailVerificationCode"' in page
    plain = await workshop(client, tenant)
    assert (
        'name="emailVerificationCode"'
        not in (await client.get(f"/{tenant.slug}/{plain['slug']}")).text
    )
