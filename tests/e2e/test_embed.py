"""``/embed.js`` on a stranger's site (another port): inline and popup."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import httpx
import pytest
from playwright.async_api import Frame, Page, expect

from tests.e2e.conftest import ARTIFACTS
from tests.factories import Tenant
from tests.helpers import data
from tests.web.pages import school


async def test_inline_embed_books_and_tells_the_host_page(
    page: Page, live_url: str, third_party_url: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    query = urlencode({"src": live_url, "org": tenant.slug, "event": et["slug"]})
    await page.goto(f"{third_party_url}/course?{query}")
    frame_element = page.locator("iframe[data-immersio-embed]")
    await expect(frame_element).to_be_visible()
    booking = page.frame_locator("iframe[data-immersio-embed]")
    await expect(booking.get_by_label("Email address")).to_have_value("kid@example.com")
    await expect(booking.get_by_label("Your name")).to_have_value("Kid Student")
    # Auto-height: the iframe grows to the booking page's height.
    await expect(frame_element).to_have_attribute("style", re.compile(r"height: \d{3,}px"))
    await booking.locator("input[name=start]").first.check()  # nothing is pre-chosen
    await booking.locator("#book-button").click()
    await expect(page.locator("#log")).to_have_text(re.compile(r"^booked \S+"))
    uid = (await page.locator("#log").text_content() or "").split()[1]
    created = data(await client.get(f"/v2/bookings/{uid}", headers=tenant.headers))
    meta = created["metadata"]
    assert meta["registration_source"] == "immersio"
    assert meta["immersio_student_id"] == "stu-42"
    assert meta["booking_context"]["referrer"].startswith(third_party_url)


async def test_popup_embed_traps_focus_and_closes_on_escape(
    page: Page, live_url: str, third_party_url: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    query = urlencode({"src": live_url, "org": tenant.slug, "event": et["slug"], "mode": "popup"})
    await page.goto(f"{third_party_url}/course?{query}")
    opener = page.locator("button[data-immersio-open]")
    await opener.click()
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_be_visible()
    close = dialog.get_by_role("button", name="Close")
    await expect(close).to_be_focused()
    for _ in range(3):  # Tab never leaves the dialog
        await page.keyboard.press("Tab")
        inside = await page.evaluate("document.activeElement.closest('[role=dialog]') !== null")
        assert inside
    await close.focus()
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    await expect(opener).to_be_focused()
    # Escape pressed inside the booking page (the iframe) closes it too.
    await opener.click()
    inner = page.frame_locator("iframe[data-immersio-embed]")
    await inner.get_by_label("Your name").click()
    await page.keyboard.press("Escape")
    await expect(page.get_by_role("dialog")).to_have_count(0)


async def test_a_page_that_frames_the_booking_page_itself_is_not_told_the_booking(
    page: Page, live_url: str, third_party_url: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """booking:success goes only to the origin /embed.js announced: a stranger framing the
    page (announcing nothing, or another site) never learns the student's booking uid."""
    _, et = await school(client, tenant)
    for email, announce in (("kid@example.com", None), ("kid2@example.com", "https://s.example")):
        query = {
            "src": live_url,
            "org": tenant.slug,
            "event": et["slug"],
            "mode": "frame",
            "email": email,
        }
        await page.goto(
            f"{third_party_url}/course?"
            + urlencode(query | ({"announce": announce} if announce else {}))
        )
        booking = page.frame_locator("iframe[data-immersio-embed]")
        await booking.locator("input[name=start]").first.check()
        await booking.locator("#book-button").click()
        await expect(booking.get_by_role("heading", name="You are booked!")).to_be_visible()
        await page.wait_for_timeout(300)  # a message, had one been sent, has arrived by now
        assert await page.locator("#log").text_content() == ""
        booked = data(
            await client.get(
                "/v2/bookings",
                params={"attendeeEmail": email, "eventTypeId": et["id"]},
                headers=tenant.headers,
            )
        )
        assert booked, "the booking was made; only its uid stayed inside the frame"


async def content_height(frame: Frame) -> float:
    return float(await frame.evaluate("document.documentElement.getBoundingClientRect().height"))


async def book_in_frame(page: Page) -> Frame:
    """Choose the first time shown and book it; the frame once it shows the confirmation."""
    booking = page.frame_locator("iframe[data-immersio-embed]")
    await booking.locator("input[name=start]").first.check()
    await booking.locator("#book-button").click()
    await expect(booking.get_by_role("heading", name="You are booked!")).to_be_visible()
    frame = next(f for f in page.frames if "/booking/" in f.url)
    await frame.wait_for_load_state("load")
    return frame


@pytest.mark.parametrize("mode", ["inline", "popup"])
async def test_after_booking_the_frame_shrinks_to_its_page_and_the_host_shows_its_top(
    page: Page,
    live_url: str,
    third_party_url: str,
    client: httpx.AsyncClient,
    tenant: Tenant,
    mode: str,
) -> None:
    """No blank space left by the taller booking page, and the host page brought back to the
    top of the frame (it was scrolled down to the Book button)."""
    _, et = await school(client, tenant)
    await page.set_viewport_size({"width": 390, "height": 700})
    query = urlencode({"src": live_url, "org": tenant.slug, "event": et["slug"], "mode": mode})
    await page.goto(f"{third_party_url}/course?{query}")
    if mode == "popup":
        await page.locator("button[data-immersio-open]").click()
    iframe = page.locator("iframe[data-immersio-embed]")
    booking_page = page.frame_locator("iframe[data-immersio-embed]")
    await expect(booking_page.locator("#book-button")).to_be_visible()
    await expect(iframe).to_have_attribute("style", re.compile(r"height: \d{4,}px"))
    tall = await iframe.evaluate("f => f.getBoundingClientRect().height")
    frame = await book_in_frame(page)

    async def fits() -> bool:
        shown = await iframe.evaluate("f => f.getBoundingClientRect().height")
        return bool(abs(shown - max(480, await content_height(frame))) <= 2)

    for _ in range(40):
        if await fits():
            break
        await page.wait_for_timeout(50)
    assert await fits(), "the iframe is not its page's height"
    assert await iframe.evaluate("f => f.getBoundingClientRect().height") < tall - 200
    top = await iframe.evaluate("f => f.getBoundingClientRect().top")
    # At the top of the screen, or as near as the host page's own height lets it come; the
    # host's scroll is in whole pixels, so a frame placed at a fraction may stay under 1px above.
    assert -1 < top <= 200, f"the frame's top is at {top}px, out of sight"
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"embed-{mode}-booked.png"))
