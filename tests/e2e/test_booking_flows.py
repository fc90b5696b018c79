"""A visitor in a real browser: books, is refused, pays, cancels."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
from playwright.async_api import Page, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import Payment
from tests import dates
from tests.bookings.helpers import MONDAY, book, booking_state, token_of, workshop
from tests.dates import DAY
from tests.factories import Tenant
from tests.helpers import data
from tests.payments.helpers import connect_stripe, pay
from tests.web.pages import school


async def fill_and_book(page: Page, email: str, name: str = "Ada Student") -> None:
    if not await page.locator("input[name=start]:checked").count():
        await page.locator("input[name=start]:enabled").first.check()
    await page.get_by_label("Your name").fill(name)
    await page.get_by_label("Email address").fill(email)
    await page.locator("#book-button").click()


async def test_a_visitor_books_a_free_workshop_end_to_end(
    page: Page, live_url: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    await page.goto(f"{live_url}/{tenant.slug}")
    await expect(page).to_have_url(re.compile(r"tz=Europe%2FParis"))  # the visitor's zone
    await page.get_by_role("link", name=f"Book {et['title']}").click()
    # A day of next month: this test runs on the real clock, and today's first session may
    # already have begun (its manage page then rightly offers no cancelling).
    await page.locator(".monthnav a", has_text="Next month").click()
    await page.locator("table.month a").first.click()
    await expect(page.locator("input[name=start]:checked")).to_have_count(0)  # nothing pre-chosen
    await expect(page.locator("#book-button")).to_have_text("Choose a time above")
    await page.locator("input[name=start]").first.check()
    await expect(page.locator("#book-button")).to_have_text("Book")
    await fill_and_book(page, "ada@example.com")
    await expect(page).to_have_url(re.compile(r"/booking/[^/?]+\?token="))
    await expect(page.get_by_role("heading", name="You are booked!")).to_be_visible()
    ics = await page.request.get(live_url + (await page.get_attribute("a[download]", "href") or ""))
    assert ics.ok and b"BEGIN:VCALENDAR" in await ics.body()
    await page.locator("#calendar-menu summary").click()  # "Add to calendar" opens its list
    google = await page.get_by_role("link", name="Google Calendar").get_attribute("href")
    assert google and google.startswith("https://calendar.google.com/calendar/render?")
    await page.locator("#manage-link").click()
    await page.locator("#cancel-open").click()
    await expect(page.locator("#refund-note")).to_contain_text("Nothing was paid")


async def test_a_stranger_is_refused_by_a_whitelist_workshop(
    page: Page, live_url: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await school(client, tenant)
    et = await workshop(client, tenant, title="Invited only", metadata={"whitelist_enabled": True})
    await page.goto(f"{live_url}/{tenant.slug}/{et['slug']}?tz=Europe/Paris")
    await expect(page.locator("#whitelist-note")).to_be_visible()
    await fill_and_book(page, "stranger@example.com")
    beside = page.locator("#e-email")  # said next to the email field
    await expect(beside).to_contain_text("open only to students on the school's list")
    await expect(beside).to_contain_text("stranger@example.com")
    await expect(page.locator("#book-error")).to_have_text(
        "Please correct the fields marked above."
    )
    assert "/booking/" not in page.url


async def test_a_paid_workshop_is_paid_against_localstripe_and_confirmed(
    page: Page,
    live_url: str,
    localstripe: str,
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await connect_stripe(client, tenant)
    await school(client, tenant)
    et = await workshop(client, tenant, title="Paid class", price=2500, currency="eur")
    await page.goto(f"{live_url}/{tenant.slug}/{et['slug']}?tz=Europe/Paris")
    await fill_and_book(page, "payer@example.com")
    await expect(page).to_have_url(re.compile(r"/payment/[^/]+$"))
    policy = (await page.request.get(page.url)).headers["content-security-policy"]
    assert f"script-src 'self' {localstripe};" in policy
    # Stripe.js (localstripe's copy) mounted its element with the school's publishable key.
    await expect(page.locator("#payment-element input").first).to_be_visible()
    uid = urlsplit(page.url).path.rsplit("/", 1)[1]  # the page keeps ?tz=&lang= too
    async with sessionmaker() as session:
        payment = (await session.execute(select(Payment).where(Payment.uid == uid))).scalar_one()
    # What Stripe.js does when the student confirms: the card is charged at Stripe.
    assert await pay(localstripe, payment.external_id or "") == "succeeded"
    await expect(page).to_have_url(re.compile(r"/booking/[^/?]+\?token="), timeout=15000)
    await expect(page.get_by_role("heading", name="You are booked!")).to_be_visible()
    await expect(page.locator("#manage-link")).to_have_attribute("href", re.compile(r"token=."))


async def test_the_manage_link_cancels(
    page: Page, live_url: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    booked = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    await page.goto(f"{live_url}/booking/{booked['uid']}/manage?token={token_of(booked)}")
    await expect(page.locator("#cancel-button")).to_be_hidden()  # behind a confirm step
    await page.locator("#cancel-open").click()
    await expect(page.locator("#refund-note")).to_contain_text("nothing to refund")
    await page.locator("#cancel-button").click()
    await expect(page.locator("#cancelled-note")).to_be_visible()
    after = await booking_state(client, tenant, booked["uid"])
    assert after["status"] == "cancelled"


async def test_a_forged_cancel_form_is_refused(
    live_url: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    booked = data(await book(client, et["id"], dates.at(MONDAY + DAY, "10:00")), 201)
    async with httpx.AsyncClient(base_url=live_url) as stranger:
        refused = await stranger.post(
            f"/booking/{booked['uid']}/manage/cancel",
            data={"token": token_of(booked), "csrf": "forged"},
        )
    assert refused.status_code == 403
    still = await booking_state(client, tenant, booked["uid"])
    assert still["status"] == "accepted"


async def test_the_manage_link_moves_a_booking_to_another_time(
    page: Page, live_url: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    booked = data(await book(client, et["id"], dates.at(MONDAY + 2 * DAY, "10:00")), 201)
    await page.goto(f"{live_url}/booking/{booked['uid']}/manage?token={token_of(booked)}")
    await page.get_by_role("link", name="Choose another time").click()
    await expect(page.get_by_role("heading", name="Choose a new time")).to_be_visible()
    await expect(page.locator("#current-time")).to_contain_text("Your current time:")
    await expect(page.locator("input[name=start]").nth(1)).to_be_disabled()  # 11:00 in Paris
    await page.locator("input[name=start]:enabled").first.check()
    await page.locator("#book-button").click()
    await expect(page).to_have_url(re.compile(r"/booking/[^/?]+\?token="))
    moved_uid = page.url.split("/booking/")[1].split("?")[0]
    assert moved_uid != booked["uid"]
    old = await booking_state(client, tenant, booked["uid"])
    new = data(await client.get(f"/v2/bookings/{moved_uid}", headers=tenant.headers))
    assert old["status"] == "cancelled" and new["status"] == "accepted"
    assert new["rescheduledFromUid"] == booked["uid"]


async def test_a_french_visitor_books_in_french_and_the_booking_remembers_it(
    page: Page, live_url: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    await page.goto(f"{live_url}/{tenant.slug}/{et['slug']}?tz=Europe/Paris&lang=fr")
    await page.locator("input[name=start]").first.check()
    await page.get_by_label("Votre nom").fill("Zoé")
    await page.get_by_label("Adresse e-mail").fill("zoe@example.com")
    await page.get_by_role("button", name="Réserver").click()
    await expect(page.get_by_role("heading", name="Votre place est réservée !")).to_be_visible()
    uid = page.url.split("/booking/")[1].split("?")[0]
    created = data(await client.get(f"/v2/bookings/{uid}", headers=tenant.headers))
    assert created["attendees"][0]["language"] == "fr"
