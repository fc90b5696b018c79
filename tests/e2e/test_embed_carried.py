"""Inside ``/embed.js``'s frame, after choosing French: booking (free or paid) keeps the frame
in embed mode and in French, and the manage link opens outside the frame, still in French."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from playwright.async_api import Frame, Page, expect

from tests.e2e.conftest import ARTIFACTS
from tests.factories import Tenant
from tests.payments.helpers import stripe_workshop
from tests.web.pages import school


async def french_embed(
    page: Page, live_url: str, third_party_url: str, org: str, event: str
) -> Frame:
    """The course page with the inline widget, switched to French inside the frame."""
    query = urlencode({"src": live_url, "org": org, "event": event})
    await page.goto(f"{third_party_url}/course?{query}")
    booking = page.frame_locator("iframe[data-immersio-embed]")
    await booking.get_by_role("link", name="Français").click()
    await expect(booking.locator("html")).to_have_attribute("lang", "fr")
    return next(f for f in page.frames if f.url.startswith(live_url))


def query_of(frame: Frame) -> dict[str, list[str]]:
    return parse_qs(urlsplit(frame.url).query)


async def test_a_booking_made_in_the_french_embed_stays_embedded_and_french(
    page: Page, live_url: str, third_party_url: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    frame = await french_embed(page, live_url, third_party_url, tenant.slug, et["slug"])
    await frame.locator("input[name=start]").first.check()
    await frame.locator("#book-button").click()
    await expect(page.locator("#log")).to_have_text(re.compile(r"^booked \S+"))
    await expect(frame.get_by_role("heading", name="Votre place est réservée !")).to_be_visible()
    query = query_of(frame)
    assert urlsplit(frame.url).path.startswith("/booking/")
    assert query["embed"] == ["1"] and query["origin"] == [third_party_url]
    assert query["lang"] == ["fr"] and query["tz"] == ["Europe/Paris"]
    # The language switch of the confirmation keeps the frame's embed mode too.
    switch = await frame.get_by_role("link", name="English").get_attribute("href") or ""
    assert parse_qs(urlsplit(switch).query)["embed"] == ["1"]
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((390, 844), (1200, 900)):
        await page.set_viewport_size({"width": width, "height": height})
        await page.wait_for_timeout(200)  # the frame reports its new height
        shot = ARTIFACTS / f"embed-confirmation-fr-{width}.png"
        await page.screenshot(path=str(shot), full_page=True)
    # The manage page opens outside the frame (it is never framed), in French.
    await frame.locator("#manage-link").click()
    await expect(page).to_have_url(re.compile(r"/booking/[^/?]+/manage\?token="))
    await expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert parse_qs(urlsplit(page.url).query)["lang"] == ["fr"]
    reschedule = await page.locator("#reschedule-link").get_attribute("href") or ""
    assert parse_qs(urlsplit(reschedule).query)["lang"] == ["fr"]


async def test_the_payment_page_in_the_french_embed_keeps_it_on_every_way_on(
    page: Page,
    live_url: str,
    third_party_url: str,
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,  # noqa: ARG001 (the payment page asks Stripe)
) -> None:
    et = await stripe_workshop(client, tenant, title="Paid class", price=2500, currency="eur")
    frame = await french_embed(page, live_url, third_party_url, tenant.slug, et["slug"])
    await frame.locator("input[name=start]").first.check()
    await frame.locator("#book-button").click()
    await expect(frame.locator("#payment-form")).to_be_attached()
    assert urlsplit(frame.url).path.startswith("/payment/")
    query = query_of(frame)
    assert query["embed"] == ["1"] and query["origin"] == [third_party_url]
    assert query["lang"] == ["fr"]
    await expect(frame.locator("html")).to_have_attribute("lang", "fr")
    done = await frame.locator("#payment-form").get_attribute("data-done-url") or ""
    assert parse_qs(urlsplit(done).query)["embed"] == ["1"]
    assert parse_qs(urlsplit(done).query)["lang"] == ["fr"]
    # "Change the time" goes back to the booking page in the frame, still embedded and French,
    # with what the host page said of the student.
    await frame.locator("#change-time").click()
    await expect(frame.locator("#book-form")).to_be_attached()
    await expect(frame.locator("body")).to_have_class(re.compile(r"\bembedded\b"))
    await expect(frame.locator("html")).to_have_attribute("lang", "fr")
    back = query_of(frame)
    assert back["studentId"] == ["stu-42"] and back["origin"] == [third_party_url]
