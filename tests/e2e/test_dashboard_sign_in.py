"""The dashboard's sign-in page in Chromium, English and French, desktop and phone: a wrong
password says so, the right one opens the dashboard; axe finds nothing serious."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.dashboard.sign_in_helpers import set_password
from tests.e2e.axe import axe_source, serious_violations
from tests.e2e.conftest import ARTIFACTS
from tests.factories import Tenant

WORDS = {
    "en": ("Sign in to the dashboard", "Email", "Password", "Sign in", "Wrong email or password."),
    "fr": (
        "Connexion au tableau de bord",
        "E-mail",
        "Mot de passe",
        "Se connecter",
        "E-mail ou mot de passe incorrect.",
    ),
}


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_signing_in_in_a_browser(
    page: Page,
    live_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: Tenant,
    lang: str,
    width: int,
) -> None:
    heading, email, password, button, wrong = WORDS[lang]
    await set_password(sessionmaker, tenant.owner_id, "browser password")
    await page.set_viewport_size({"width": width, "height": 800})
    await page.goto(f"{live_url}/dashboard/sign-in?lang={lang}")
    await expect(page.get_by_role("heading", name=heading)).to_be_visible()
    shots = ARTIFACTS / "dashboard"
    shots.mkdir(parents=True, exist_ok=True)
    source = axe_source()
    if source is not None:
        assert await serious_violations(page, source) == []
    await page.screenshot(path=str(shots / f"sign-in-{lang}-{width}.png"), full_page=True)
    await page.get_by_label(email, exact=True).fill(tenant.owner_email)
    await page.get_by_label(password, exact=True).fill("not the password")
    await page.get_by_role("button", name=button).click()
    await expect(page.get_by_role("alert")).to_have_text(wrong)
    if source is not None:
        assert await serious_violations(page, source) == []
    await page.screenshot(path=str(shots / f"sign-in-wrong-{lang}-{width}.png"), full_page=True)
    await page.get_by_label(password, exact=True).fill("browser password")
    await page.get_by_role("button", name=button).click()
    await expect(page).to_have_url(f"{live_url}/dashboard")
    await expect(page.get_by_text(f"School {tenant.slug}")).to_be_visible()
