"""A student books inside the widget on a course page of another site (tests/e2e/conftest.py's
third-party host), inline and in the popup: the booking page in the frame, the confirmation in
the frame, and the host page told of the booking."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import httpx
from playwright.async_api import FrameLocator, Page, expect

from tests.e2e.journeys.story import CONFIRMATION, Story, ours
from tests.factories import Tenant
from tests.web.pages import school

FRAME = "iframe[data-immersio-embed]"


async def book_in(frame: FrameLocator) -> None:
    """The student, inside the widget: name and email came from the host page; picks a time."""
    await expect(frame.get_by_label("Email address")).to_have_value("kid@example.com")
    await expect(frame.locator("input[name=start]:checked")).to_have_count(0)
    await frame.locator("input[name=start]:enabled").first.check()
    await frame.locator("#book-button").click()
    await expect(frame.get_by_role("heading", name="You are booked!")).to_be_visible()
    await expect(frame.locator("#manage-link")).to_have_attribute("href", re.compile("token="))


async def test_a_student_books_in_the_inline_widget(
    page: Page, live_url: str, third_party_url: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    story = Story(page, "embed-inline")
    _, et = await school(client, tenant)
    query = urlencode({"src": live_url, "org": tenant.slug, "event": et["slug"]})
    await page.goto(f"{third_party_url}/course?{query}")
    frame = page.frame_locator(FRAME)
    await expect(frame.get_by_role("heading", name=et["title"], level=1)).to_be_visible()
    await story.look("booking-page", frame=ours(page))
    await book_in(frame)
    await expect(page.locator("#log")).to_have_text(re.compile(r"^booked \S+"))
    await story.look("booked", frame=ours(page))


async def test_a_student_books_in_the_popup_widget(
    page: Page, live_url: str, third_party_url: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    story = Story(page, "embed-popup")
    _, et = await school(client, tenant)
    query = urlencode({"src": live_url, "org": tenant.slug, "event": et["slug"], "mode": "popup"})
    await page.goto(f"{third_party_url}/course?{query}")
    await page.locator("button[data-immersio-open]").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_be_visible()
    frame = page.frame_locator(FRAME)
    await expect(frame.get_by_role("heading", name=et["title"], level=1)).to_be_visible()
    await story.look("opened", phone=True, frame=ours(page))
    await book_in(frame)
    await expect(page.locator("#log")).to_have_text(re.compile(r"^booked \S+"))
    await story.look("booked", frame=ours(page))


async def test_after_booking_the_widget_leaves_no_blank_space_and_shows_its_top(
    page: Page, live_url: str, third_party_url: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    query = urlencode({"src": live_url, "org": tenant.slug, "event": et["slug"]})
    await page.goto(f"{third_party_url}/course?{query}")
    frame = page.frame_locator(FRAME)
    await frame.locator("#book-button").scroll_into_view_if_needed()  # the host scrolls down
    await book_in(frame)
    await expect(page).to_have_url(re.compile(re.escape(third_party_url)))
    inner = page.frame(url=CONFIRMATION)
    assert inner is not None
    # Where the confirmation's content ends (its footer), not the document, which is never
    # shorter than the frame itself.
    content = await inner.evaluate("document.querySelector('.foot').getBoundingClientRect().bottom")
    element = page.locator(FRAME)
    height = await element.evaluate("f => f.getBoundingClientRect().height")
    assert height - content < 80, (height, content)  # no blank space under the confirmation
    top = await element.evaluate("f => f.getBoundingClientRect().top")
    # The host brought the frame's top into sight (it was scrolled down to the Book button).
    viewport = page.viewport_size or {"height": 900}
    assert 0 <= top < viewport["height"] / 3, top
