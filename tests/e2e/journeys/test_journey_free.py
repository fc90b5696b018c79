"""A student books a free workshop: the school's landing page, the booking page (another time
zone, a month ahead, a day, a time), the form, the confirmation with its manage link, and the
confirmation email saying the same date and time as the page did. At desktop width, then the
booking part again at phone width."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

import httpx
import pytest
from babel.dates import format_date
from playwright.async_api import Browser, Page, expect

from tests.bookings.helpers import MONDAY
from tests.e2e.journeys.story import (
    CONFIRMATION,
    MANAGE_LINK,
    PHONE,
    Story,
    choose_day_and_time,
    visitor,
)
from tests.factories import Tenant
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.web.pages import school

MONTH = format_date(MONDAY, "LLLL y", locale="en")


FreeJourney = Callable[..., Awaitable[None]]


@pytest.fixture
def free_journey(
    live_url: str, client: httpx.AsyncClient, tenant: Tenant, inbox: Inbox, database_url: str
) -> FreeJourney:
    """The journey at this test's school, for a visitor's page (and the clock they choose)."""

    async def journey(page: Page, clock: str | None = None) -> None:
        await free_booking(page, live_url, client, tenant, inbox, database_url, clock=clock)

    return journey


async def test_a_student_books_a_free_workshop_and_gets_the_same_time_by_email(
    browser: Browser, free_journey: FreeJourney
) -> None:
    """An American visitor (en-US): the attendee's stored language is ``en-US``, which emails
    read as American English, so page and email must say the time in the very same words."""
    async with visitor(browser, "en-US") as page:
        await free_journey(page)


async def test_a_british_visitor_gets_the_time_by_email_as_the_page_said_it(
    page: Page, free_journey: FreeJourney
) -> None:
    """The page reads en-GB's 24-hour clock and day-month order; so does the email."""
    await free_journey(page)


async def test_an_american_who_chose_the_24_hour_clock_gets_it_by_email(
    browser: Browser, free_journey: FreeJourney
) -> None:
    """The clock toggle's choice is kept with the booking (en-US-u-hc-h23)."""
    async with visitor(browser, "en-US") as page:
        await free_journey(page, clock="24-hour")


async def free_booking(
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    *,
    clock: str | None = None,
) -> None:
    story = Story(page, "book-free" if clock is None else f"book-free-{clock}")
    _, et = await school(client, tenant)
    await page.goto(f"{live_url}/{tenant.slug}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Learn with us")
    await story.look("landing")
    await page.get_by_role("link", name=f"Book {et['title']}").click()
    await expect(page.get_by_role("heading", name=et["title"], level=1)).to_be_visible()
    await expect(page.locator("#fact-price")).to_have_text("Free")
    await expect(page.locator("#tz-shown")).to_contain_text("Paris")  # the browser's zone

    # The student lives in New York: types the city, the page says it is New York's time.
    await page.locator("#tz").fill("New York")
    await page.get_by_role("button", name="Change").click()
    await expect(page.locator("#tz-shown")).to_contain_text("New York")
    if clock is not None:
        await page.locator("#clock").get_by_role("link", name=clock).click()
        await expect(page.locator("#clock [aria-current]")).to_have_text(clock)
    shown = await choose_day_and_time(page, MONTH)
    if clock == "24-hour":
        assert "M" not in shown, shown  # no AM/PM
    await expect(page.locator("#book-button")).to_have_text("Book")
    await page.get_by_label("Your name").fill("Ada Student")
    # An address of this journey's own: other tests' queued mail for a shared one would land
    # in this inbox when the journey runs the jobs.
    address = f"ada-{secrets.token_hex(4)}@example.com"
    await page.get_by_label("Email address").fill(address)
    await story.look("booking-form")
    await page.locator("#book-button").click()

    await expect(page).to_have_url(CONFIRMATION)
    await expect(page.get_by_role("heading", name="You are booked!")).to_be_visible()
    when = (await page.locator("#when").text_content() or "").strip()
    assert shown in when and "New York" in when, (shown, when)
    await expect(page.locator("#email")).to_have_text(address)
    manage = page.locator("#manage-link")
    await expect(manage).to_have_attribute("href", MANAGE_LINK)
    await story.look("confirmation")

    await run_jobs(database_url)
    (mail,) = inbox.to(address)
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    # Python folds a long Subject before its encoded "–", and unfolding leaves two spaces there.
    subject = " ".join(str(mail["Subject"]).split())
    assert when in subject, (when, subject)
    assert when in text and when in html
    href = await manage.get_attribute("href") or ""
    # The email's manage link is the page's (the page's also carries the visitor's zone and
    # language, which the email has no need of).
    assert href.split("&", 1)[0] in text and "token=" in href


async def test_a_student_books_on_a_phone(
    page: Page, live_url: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    story = Story(page, "book-phone")
    await page.set_viewport_size(PHONE)
    _, et = await school(client, tenant)
    await page.goto(f"{live_url}/{tenant.slug}")
    await story.look("landing")
    await page.get_by_role("link", name=f"Book {et['title']}").click()
    await expect(page.get_by_role("heading", name=et["title"], level=1)).to_be_visible()
    # Nothing wider than the phone: no sideways scrolling on the booking page.
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    await story.look("booking-page")
    shown = await choose_day_and_time(page, MONTH)
    await page.get_by_label("Your name").fill("Ada Student")
    await page.get_by_label("Email address").fill("ada-phone@example.com")
    await expect(page.locator("input[name=start]:checked")).to_be_in_viewport(ratio=0)
    await story.look("booking-form")
    await page.locator("#book-button").click()
    await expect(page.get_by_role("heading", name="You are booked!")).to_be_visible()
    await expect(page.locator("#when")).to_contain_text(shown)
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await story.look("confirmation")
