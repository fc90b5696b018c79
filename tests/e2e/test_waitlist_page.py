"""Joining the waitlist of a full session from the booking page in a real browser, in English
and French, at desktop and phone width; axe clean."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.bookings.helpers import MONDAY
from tests.e2e.axe import axe_source, serious_violations
from tests.factories import Tenant
from tests.waitlist.helpers import email, full_session

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "waitlist"
WIDTHS = {"desktop": 1280, "phone": 390}
TEXT = {
    "en": ("Full — join the waitlist", "Join the waitlist", "number 1 in line"),
    "fr": (
        "Complet — inscrivez-vous sur la liste d'attente",
        "M'inscrire",
        "numéro 1 dans la file",
    ),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
async def test_a_student_joins_the_waitlist_of_a_full_session(
    page: Page, live_url: str, client: httpx.AsyncClient, tenant: Tenant, lang: str, width: str
) -> None:
    et = await full_session(client, tenant, title="Conversation Club")
    heading, button, joined = TEXT[lang]
    await page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    await page.goto(
        f"{live_url}/{tenant.slug}/{et['slug']}?tz=Europe/Paris&date={MONDAY}&lang={lang}"
    )
    await expect(page.locator("#waitlist-title")).to_have_text(heading)
    await page.locator("#waitlist-button").click()  # nothing filled in: said, not sent
    await expect(page.locator("#waitlist-error")).to_be_visible()
    await page.locator("#w-name").fill("Ada")
    await page.locator("#w-email").fill(email("browser"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"form-{lang}-{width}.png"), full_page=True)
    source = axe_source()
    if source is not None:
        assert await serious_violations(page, source) == []
    await page.get_by_role("button", name=button).click()
    await expect(page.locator("#waitlist-done")).to_contain_text(joined)
    await expect(page.locator("#waitlist-form")).to_be_hidden()
    await page.screenshot(path=str(SHOTS / f"joined-{lang}-{width}.png"), full_page=True)
    if source is None:
        pytest.skip("axe-core is not available (npm)")
    assert await serious_violations(page, source) == []
