"""Each landing template in English and French, at desktop and phone width: our texts in the
page's language, the teachers shown (never an empty sidebar), a session time opening the
booking page with that time, axe clean. Screenshots kept in ``test-artifacts/``."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import Page, expect
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.models import User
from immersio_booking.models.organizations import LANDING_TEMPLATES
from tests.e2e.axe import axe_source, serious_violations
from tests.e2e.conftest import ARTIFACTS
from tests.factories import Tenant
from tests.web.pages import school

WORDS = {
    "en": {"workshops": "Upcoming workshops", "book": "Book", "zone": "Times are shown in Paris"},
    "fr": {"workshops": "Ateliers à venir", "book": "Réserver", "zone": "dans le fuseau Paris"},
}


@pytest.mark.parametrize("template", LANDING_TEMPLATES)
async def test_each_template_in_both_languages_at_both_widths(
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    template: str,
) -> None:
    _, et = await school(client, tenant, templateId=template)
    async with transaction(sessionmaker) as session:
        await session.execute(
            update(User).where(User.id == tenant.owner_id).values(name="Ada Lovelace")
        )
    ARTIFACTS.mkdir(exist_ok=True)
    source = axe_source()
    for lang, words in WORDS.items():
        for width in (1200, 390):
            await page.set_viewport_size({"width": width, "height": 900})
            await page.goto(f"{live_url}/{tenant.slug}?tz=Europe/Paris&lang={lang}")
            await expect(page.locator("html")).to_have_attribute("lang", lang)
            await expect(page.get_by_role("heading", name=words["workshops"])).to_be_visible()
            await expect(page.get_by_text(words["zone"])).to_be_visible()
            await expect(page.locator(".book").first).to_contain_text(words["book"])
            if template != "tutor_personal":  # the portrait is that page's teacher
                await expect(page.get_by_text("Ada Lovelace")).to_be_visible()
            assert await page.locator("aside:empty").count() == 0
            if source is not None:
                assert await serious_violations(page, source) == [], (lang, width)
            await page.screenshot(
                path=str(ARTIFACTS / f"landing-{template}-{lang}-{width}.png"), full_page=True
            )
    first_time = page.locator(".sessions a").first
    chosen = await first_time.locator("time").get_attribute("datetime")
    await first_time.click()
    await expect(page).to_have_url(
        re.compile(re.escape(f"/{tenant.slug}/{et['slug']}?") + ".*slot=")
    )
    await expect(page.locator(f'input[name=start][value="{chosen}"]')).to_be_attached()
