"""The dashboard in Chromium: a browser holding a staff session, and each screen looked at
(axe finds nothing serious there; its screenshot is kept in ``test-artifacts/dashboard/``)."""

from __future__ import annotations

from playwright.async_api import BrowserContext, Page

from immersio_booking.auth.staff_sessions import COOKIE
from tests.dashboard.staff import Staff
from tests.e2e.axe import axe_source, serious_violations
from tests.e2e.conftest import ARTIFACTS

SHOTS = ARTIFACTS / "dashboard"
LANGUAGES = ("en", "fr")
WIDTHS = (1280, 390)


async def let_in(context: BrowserContext, live_url: str, cookie: str) -> None:
    """The browser (every page of ``context``) holds the staff session ``cookie``."""
    await context.add_cookies([{"name": COOKIE, "value": cookie, "url": live_url}])


async def sign_in(
    page: Page, live_url: str, staff: Staff, user_id: int, organization_id: int | None = None
) -> str:
    """``page``'s browser signed in as ``user_id``; the session's cookie."""
    cookie = await staff.cookie(user_id, organization_id)
    await let_in(page.context, live_url, cookie)
    return cookie


async def photographed(page: Page, name: str) -> None:
    """axe finds nothing serious on the page as it is now; its screenshot is kept as ``name``."""
    source = axe_source()
    if source is not None:
        assert await serious_violations(page, source) == [], name
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def photographed_everywhere(page: Page, url: str, name: str) -> None:
    """The page at ``url`` in English and French, at desktop and phone width, each looked at
    as ``<name>-<lang>-<width>``."""
    for lang in LANGUAGES:
        for width in WIDTHS:
            await page.set_viewport_size({"width": width, "height": 900})
            await page.goto(f"{url}?lang={lang}")
            await photographed(page, f"{name}-{lang}-{width}")
