"""The student's pages after booking (confirmation, payment, manage) over HTTP: the session's
time from start to end in the student's zone, teacher, where the emails go, the calendar menu,
statuses in words, the seat hold and the way on after paying (with the manage token)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import Payment
from tests import dates
from tests.bookings.helpers import MONDAY, book, student, teacher_hours, token_of, workshop
from tests.dates import DAY, WEEK
from tests.factories import Tenant
from tests.helpers import data
from tests.payments.helpers import end_holds, pay, stripe_workshop

WHEN_IN_PARIS = "11:00 AM – 12:00 PM (Paris, UTC+1)"  # 10:00–11:00 UTC on a winter Monday


def text_of(page: httpx.Response) -> str:
    """The page's visible words, tags dropped (assertions read what a person reads)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


def between(page: httpx.Response, marker: str) -> str:
    """The words of the element with ``id=marker`` (up to its closing tag)."""
    found = re.search(rf'id="{marker}"[^>]*>(.*?)</(dd|p|span|div)>', page.text, re.S)
    assert found, marker
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


async def booked(
    client: httpx.AsyncClient, tenant: Tenant, day: Any = MONDAY, **fields: Any
) -> dict[str, Any]:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, title="Conversation Club", **fields)
    return data(  # type: ignore[no-any-return]
        await book(client, et["id"], dates.at(day, "10:00"), attendee=student("ada@example.com")),
        201,
    )


async def test_the_confirmation_reads_the_session_in_the_students_zone(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    booking = await booked(client, tenant)
    page = await client.get(f"/booking/{booking['uid']}?token={token_of(booking)}")
    assert page.status_code == 200
    when = between(page, "when")
    assert when.startswith("Monday, February") and when.endswith(WHEN_IN_PARIS)
    assert between(page, "email") == "ada@example.com"
    assert between(page, "teacher")  # the workshop's host, by name
    assert "Europe/Paris" not in text_of(page)  # zones by city and offset, never the IANA id
    # One "Add to calendar" menu: Google, Outlook.com, and the .ics file (with the token).
    menu = page.text.split('id="calendar-menu"')[1].split("</details>")[0]
    assert "https://calendar.google.com/calendar/render?" in menu
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in menu
    assert "startdt=" in menu and "rru=addevent" in menu
    ics = re.search(r'href="(/booking/[^"]+/ics\?token=[^"]+)" download', menu)
    assert ics
    got = await client.get(unescape(ics.group(1)))
    assert got.status_code == 200 and b"BEGIN:VCALENDAR" in got.content


async def test_the_zone_asked_for_is_read_and_a_typo_refused(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    booking = await booked(client, tenant)
    base = f"/booking/{booking['uid']}?token={token_of(booking)}"
    new_york = await client.get(f"{base}&tz=America/New_York")
    assert between(new_york, "when").endswith("5:00 AM – 6:00 AM (New York, UTC−5)")
    typed = await client.get(f"{base}&tz=tokyo")  # what a person types
    assert between(typed, "when").endswith("(Tokyo, UTC+9)")
    wrong = await client.get(f"{base}&tz=Pariss")
    assert wrong.status_code == 400 and "Pariss" in wrong.text  # never a silent UTC


async def test_statuses_are_said_in_words_in_english_and_french(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    booking = await booked(client, tenant)
    manage = f"/booking/{booking['uid']}/manage?token={token_of(booking)}"
    english = await client.get(manage)
    assert between(english, "status") == "Confirmed"
    assert "accepted" not in text_of(english)
    french = await client.get(manage + "&lang=fr")
    assert between(french, "status") == "Confirmée"
    assert between(french, "when").startswith("lundi ")
    assert "11:00 – 12:00 (Paris, UTC+1)" in between(french, "when")


async def test_a_request_waits_for_the_schools_approval(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    booking = await booked(client, tenant, confirmationPolicy={"type": "always"})
    manage = await client.get(f"/booking/{booking['uid']}/manage?token={token_of(booking)}")
    assert between(manage, "status") == "Waiting for the school's approval"


async def test_manage_offers_another_time_first_and_cancel_behind_a_confirm_step(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    booking = await booked(client, tenant)
    page = await client.get(f"/booking/{booking['uid']}/manage?token={token_of(booking)}")
    primary = re.search(r'<a class="cta" id="reschedule-link" href="([^"]+)"', page.text)
    assert primary and f"reschedule={booking['uid']}" in unescape(primary.group(1))
    step = page.text.split('id="cancel-step"')[1].split("</details>")[0]
    assert 'class="cta secondary" id="cancel-open"' in step  # a secondary button opens it
    assert 'id="refund-note"' in step and 'id="cancel-button"' in step  # the form is inside


async def test_the_pages_are_the_token_holders_only(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    booking = await booked(client, tenant)
    theirs = await booked(client, other_tenant, day=MONDAY + DAY)
    for path in ("", "/manage", "/ics"):
        assert (await client.get(f"/booking/{booking['uid']}{path}")).status_code == 404
        forged = f"/booking/{booking['uid']}{path}?token={token_of(theirs)}"
        assert (await client.get(forged)).status_code == 404


async def test_the_payment_page_shows_the_session_the_hold_and_leads_on_with_the_token(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await stripe_workshop(client, tenant, title="Paid class", price=2500, currency="eur")
    start = dates.at(MONDAY + 4 * WEEK, "10:00")
    booking = data(await book(client, et["id"], start, attendee=student("payer@example.com")), 201)
    uid = booking["payment"]["uid"]
    page = await client.get(f"/payment/{uid}")
    assert between(page, "when").endswith(WHEN_IN_PARIS)
    assert between(page, "student") == "Ada Student"
    assert between(page, "email") == "payer@example.com"
    assert between(page, "teacher")
    hold = re.search(r'id="hold" data-ends-at="([^"]+)"', page.text)
    assert hold and "Your seat is held for you until" in text_of(page)
    change = re.search(r'id="change-time" href="([^"]+)"', page.text)
    assert change and unescape(change.group(1)).startswith(f"/{tenant.slug}/{et['slug']}?tz=")
    done = re.search(r'data-done-url="([^"]+)"', page.text)
    assert done
    done_url = unescape(done.group(1))
    assert urlsplit(done_url).path == f"/booking/{booking['uid']}"
    assert parse_qs(urlsplit(done_url).query) == {
        "token": [token_of(booking)],
        "tz": ["Europe/Paris"],
        "lang": ["en"],
    }
    async with sessionmaker() as session:
        payment = (await session.execute(select(Payment).where(Payment.uid == uid))).scalar_one()
    assert await pay(localstripe, payment.external_id or "") == "succeeded"
    assert (await client.get(f"/payment/{uid}/status")).json()["paid"] is True
    landed = await client.get(done_url)
    assert landed.status_code == 200 and "You are booked!" in landed.text
    assert f"/booking/{booking['uid']}/manage?token=" in landed.text  # the manage link


async def test_when_the_hold_has_ended_the_payment_page_offers_to_choose_again(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,  # noqa: ARG001 (the page asks Stripe about the payment)
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await stripe_workshop(client, tenant, price=2500, currency="eur")
    booking = data(await book(client, et["id"], dates.at(MONDAY + 5 * WEEK, "10:00")), 201)
    await end_holds(sessionmaker, booking["uid"], after=-timedelta(seconds=1))
    page = await client.get(f"/payment/{booking['payment']['uid']}")
    ended = page.text.split('id="hold-ended"')[1].split("</div>")[0]
    assert "hidden" not in ended.split(">")[0]
    assert "The hold on your seat has ended" in ended
    assert f'href="/{tenant.slug}/{et["slug"]}?' in ended
    assert 'id="payment-form"' not in page.text
