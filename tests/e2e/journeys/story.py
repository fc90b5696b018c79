"""What every journey shares: the screens a student sees, photographed and checked with axe.

Each story keeps its key screens under ``test-artifacts/journeys/<journey>/<step>.png`` (phone
width: ``<step>-390.png``); ``make screenshots`` copies a chosen few into ``docs/screens/``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import Browser, Frame, Page, expect

from tests.e2e.axe import axe_source, violations
from tests.e2e.conftest import ARTIFACTS

JOURNEYS = ARTIFACTS / "journeys"
DESKTOP = {"width": 1200, "height": 900}
PHONE = {"width": 390, "height": 844}
MANAGE_LINK = re.compile(r"/booking/[^/?]+/manage\?token=[^&]+")
CONFIRMATION = re.compile(r"/booking/[^/?]+\?token=")


@asynccontextmanager
async def visitor(browser: Browser, locale: str, zone: str = "Europe/Paris") -> AsyncIterator[Page]:
    """A fresh visitor whose browser speaks ``locale`` (its region sets the page's clock)."""
    context = await browser.new_context(timezone_id=zone, locale=locale, viewport=DESKTOP)
    try:
        yield await context.new_page()
    finally:
        await context.close()


@dataclass
class Story:
    """One journey's screens: ``look`` photographs the page as it is and runs axe on it."""

    page: Page
    journey: str

    @property
    def folder(self) -> Path:
        return JOURNEYS / self.journey

    async def look(self, step: str, *, phone: bool = False, frame: Frame | None = None) -> None:
        """The screen at the viewport's width (and at phone width too when ``phone``): a
        full-page screenshot each, and no axe finding of any impact on our page (``frame``'s,
        when the screen is another site's page embedding ours)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        size = self.page.viewport_size or DESKTOP
        widths = [size, PHONE] if phone and size["width"] != PHONE["width"] else [size]
        for viewport in widths:
            await self.page.set_viewport_size(viewport)
            suffix = "-390" if viewport["width"] == PHONE["width"] else ""
            name = self.folder / f"{step}{suffix}.png"
            await self.page.screenshot(path=str(name), full_page=True)
            source = axe_source()
            if source is not None:
                found = await violations(frame or self.page, source)
                assert found == [], (self.journey, step, viewport["width"], found)
        await self.page.set_viewport_size(size)


def ours(page: Page) -> Frame:
    """Our page inside another site's page: the widget's frame."""
    (frame,) = [f for f in page.frames if f is not page.main_frame]
    return frame


async def choose_day_and_time(page: Page, month_title: str, time_index: int = 0) -> str:
    """The student moves through the months to ``month_title`` with "Next month", opens its
    first free day and picks the ``time_index``-th time; returns the time's label as shown."""
    nav = page.locator("nav.monthnav")
    for _ in range(6):
        if (await page.locator("#month-title").text_content() or "").strip() == month_title:
            break
        await nav.get_by_role("link", name=re.compile(r"Next month|Mois suivant")).click()
    await expect(page.locator("#month-title")).to_have_text(month_title)
    await page.locator("table.month a").first.click()
    await expect(page.locator("input[name=start]:checked")).to_have_count(0)  # nothing chosen
    slot = page.locator("input[name=start]:enabled").nth(time_index)
    await slot.check()
    label = page.locator("ul.slots label").filter(has=slot)
    return (await label.locator("span").first.text_content() or "").strip()
