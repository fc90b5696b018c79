"""Screenshots of the browser tests at desktop and phone size, kept in ``test-artifacts/`` for
people to look at."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import Page

from tests.e2e.conftest import ARTIFACTS

DESKTOP_AND_PHONE = ((1280, 900), (390, 844))


async def at_desktop_and_phone(
    page: Page, name: str, look: Callable[[Page, str], Awaitable[None]] | None = None
) -> None:
    """The page as it is now at each size, named ``<name>-<width>``: a screenshot in
    ``test-artifacts/``, or whatever ``look`` does with it."""
    for width, height in DESKTOP_AND_PHONE:
        await page.set_viewport_size({"width": width, "height": height})
        if look is not None:
            await look(page, f"{name}-{width}")
        else:
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
