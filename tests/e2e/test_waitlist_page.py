"""Joining the waitlist of a full session from the booking page in a real browser, in English
and French, at desktop and phone width; axe clean."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.waitlist import leaving, listing
from tests.bookings.helpers import MONDAY
from tests.e2e.axe import axe_source, serious_violations
from tests.factories import Tenant
from tests.helpers import data
from tests.waitlist.helpers import email, full_session, join

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


@pytest.mark.parametrize("width", ["desktop", "phone"])
async def test_a_student_leaves_the_waitlist_from_the_email_link(
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    tenant: Tenant,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    width: str,
) -> None:
    et = await full_session(client, tenant, title="Conversation Club")
    uid = data(await join(client, et["id"]), 201)["uid"]
    async with sessionmaker() as session:
        entry = await listing.by_uid(session, uid)
    assert entry is not None
    link = leaving.leave_link(live_url, settings.resolved_secret_key(), entry, "fr")
    await page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    await page.goto(link)
    await expect(page.locator("#position")).to_have_text("1")
    await page.locator("#leave-open").click()
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"leave-fr-{width}.png"), full_page=True)
    source = axe_source()
    if source is not None:
        assert await serious_violations(page, source) == []
    await page.locator("#leave-button").click()
    await expect(page.locator("#left-note")).to_be_visible()
    await page.screenshot(path=str(SHOTS / f"left-fr-{width}.png"), full_page=True)
