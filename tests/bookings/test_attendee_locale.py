"""The attendee's language may carry a region and an hour cycle (``en-GB``,
``en-US-u-hc-h23``): kept as sent, and the emails say the time on that clock."""

from __future__ import annotations

import httpx
import pytest
from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import Attendee, Booking
from tests import dates
from tests.bookings.helpers import MONDAY, book, student, teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import assert_error, data
from tests.jobs import run_jobs
from tests.mail import Inbox


async def _locales(
    sessionmaker: async_sessionmaker[AsyncSession], uid: str
) -> dict[str, str | None]:
    """The stored locale of each attendee of the booking ``uid``, by email."""
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Attendee.email, Attendee.locale)
            .join(Booking, Booking.id == Attendee.booking_id)
            .where(Booking.uid == uid)
        )
        return {row.email: row.locale for row in rows}


@pytest.mark.parametrize(
    ("tag", "babel", "clock"),
    [
        ("en-GB", "en_GB", "10:00 – 11:00"),
        ("en-US", "en_US", "10:00 AM – 11:00 AM"),
        ("en-US-u-hc-h23", "en_US", "10:00 – 11:00"),  # the visitor chose 24 hours
        ("fr-CA-u-hc-h12", "fr_CA", "10:00 a.m. – 11:00 a.m."),
        ("pt-BR", "en", "10:00 AM – 11:00 AM"),  # Cal.com's value; our emails speak en or fr
    ],
)
async def test_the_email_says_the_time_on_the_attendees_clock(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    tag: str,
    babel: str,
    clock: str,
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    attendee = student("ada-locale@example.com", language=tag, timeZone="UTC")
    booking = data(await book(client, et["id"], dates.at(MONDAY, "10:00"), attendee=attendee), 201)
    assert booking["attendees"][0]["language"] == tag  # the API says back what was sent
    assert await _locales(sessionmaker, booking["uid"]) == {"ada-locale@example.com": tag}
    fetched = data(await client.get(f"/v2/bookings/{booking['uid']}", headers=tenant.headers))
    assert fetched["attendees"][0]["language"] == tag

    await run_jobs(database_url)
    (mail,) = inbox.to("ada-locale@example.com")
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    day = format_date(MONDAY, "full", locale=babel)
    assert f"{day}, {clock} (UTC)" in text, text


@pytest.mark.parametrize(
    "language",
    [
        "english",
        "en_GB",  # Python's spelling, not BCP 47's
        "en-GBR",
        "en-GB-oxendict",
        "zh-HK",  # Cal.com has zh-CN and zh-TW, not zh
        "xx-GB",
        "en-US-u-hc-h25",
        "en-u-ca-buddhist",
        "",
    ],
)
async def test_a_language_that_is_no_tag_we_keep_is_refused_naming_the_field(
    client: httpx.AsyncClient, tenant: Tenant, language: str
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    attendee = student(language=language)
    refused = assert_error(
        await book(client, et["id"], dates.at(MONDAY, "10:00"), attendee=attendee),
        400,
        "validation_failed",
    )
    errors = refused["error"]["details"]["errors"]
    assert [e["property"] for e in errors] == ["attendee.language"], errors


async def test_cal_com_languages_keep_working_as_they_are(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    for hour, language in (("10:00", "zh-TW"), ("11:00", "es-419"), ("12:00", "iw")):
        attendee = student(language=language)
        booked = data(await book(client, et["id"], dates.at(MONDAY, hour), attendee=attendee), 201)
        assert booked["attendees"][0]["language"] == language


async def test_a_guest_keeps_a_regional_language_too(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    booking = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    url = f"/v2/bookings/{booking['uid']}/guests"
    junk = {"guests": [{"email": "dad-locale@example.com", "language": "fr-Canada"}]}
    refused = assert_error(
        await client.post(url, json=junk, headers=tenant.headers), 400, "validation_failed"
    )
    assert [e["property"] for e in refused["error"]["details"]["errors"]] == ["guests.0.language"]
    guests = {"guests": [{"email": "dad-locale@example.com", "language": "fr-CA-u-hc-h23"}]}
    data(await client.post(url, json=guests, headers=tenant.headers))
    locales = await _locales(sessionmaker, booking["uid"])
    assert locales["dad-locale@example.com"] == "fr-CA-u-hc-h23"
