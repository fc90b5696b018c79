"""The students and settings pages in Chromium: an owner adds a student, imports a file with
a bad line, sees the teachers; English and French, desktop and phone width; axe clean;
screenshots kept in ``test-artifacts/dashboard/``."""

from __future__ import annotations

import httpx
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.auth.staff_sessions import COOKIE
from immersio_booking.config import Settings
from immersio_booking.db.session import transaction
from immersio_booking.models import WorkshopWhitelist
from tests.bookings.helpers import workshop
from tests.dashboard.staff import open_session
from tests.e2e.axe import axe_source, serious_violations
from tests.e2e.conftest import ARTIFACTS
from tests.factories import Tenant, make_member

SHOTS = ARTIFACTS / "dashboard"


async def _check(page: Page, name: str, source: str | None) -> None:
    if source is not None:
        assert await serious_violations(page, source) == [], name
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def test_owner_manages_a_workshops_students_in_the_browser(
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    et = await workshop(client, tenant, title="Conversation B1")
    async with transaction(sessionmaker) as session:
        session.add(
            WorkshopWhitelist(
                organization_id=tenant.id,
                event_type_id=et["id"],
                email="synced.student@example.com",
                name="Synced Student",
                immersio_student_id="stu_42",
                source="immersio",
            )
        )
    cookie = await open_session(sessionmaker, settings, tenant.owner_id)
    await page.context.add_cookies([{"name": COOKIE, "value": cookie, "url": live_url}])
    SHOTS.mkdir(parents=True, exist_ok=True)
    source = axe_source()

    await page.goto(f"{live_url}/dashboard/students")
    await page.get_by_role("link", name="Conversation B1").click()
    await page.get_by_label("Email").fill("ana.browser@example.com")
    await page.get_by_label("Name (optional)").fill("Ana")
    await page.get_by_role("button", name="Add", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("The student was added.")
    await expect(
        page.get_by_role("cell", name="ana.browser@example.com", exact=True)
    ).to_be_visible()

    upload = ARTIFACTS / "dashboard" / "students-upload.csv"
    upload.write_text("email,name\nben@example.com,Ben\nnot-an-email,Bad\n")
    await page.get_by_label("CSV file").set_input_files(str(upload))
    await page.get_by_role("button", name="Import", exact=True).click()
    await expect(
        page.get_by_role("heading", name="1 student imported, 1 line refused")
    ).to_be_visible()
    await expect(page.get_by_role("cell", name="Enter a valid email address.")).to_be_visible()

    for lang in ("en", "fr"):
        for width in (1280, 390):
            await page.set_viewport_size({"width": width, "height": 900})
            await page.goto(f"{live_url}/dashboard/students?lang={lang}")
            await _check(page, f"students-{lang}-{width}", source)
            await page.goto(f"{live_url}/dashboard/students/{et['id']}?lang={lang}")
            await expect(page.get_by_text("stu_42")).to_be_visible()
            await _check(page, f"student-list-{lang}-{width}", source)
    # A refused import, as the owner sees it.
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto(f"{live_url}/dashboard/students/{et['id']}")
    upload.write_text("name\nAna\n")
    await page.get_by_label("CSV file").set_input_files(str(upload))
    await page.get_by_role("button", name="Import", exact=True).click()
    await expect(page.locator("#s-file-error")).to_contain_text("must name the columns")
    upload.unlink()
    await _check(page, "student-list-refused-file-1280", source)


async def test_owner_sees_settings_and_teachers_in_the_browser(
    page: Page,
    live_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    await make_member(sessionmaker, tenant, role="ADMIN")
    await make_member(sessionmaker, tenant, accepted=False)
    cookie = await open_session(sessionmaker, settings, tenant.owner_id)
    await page.context.add_cookies([{"name": COOKIE, "value": cookie, "url": live_url}])
    SHOTS.mkdir(parents=True, exist_ok=True)
    source = axe_source()
    await page.goto(f"{live_url}/dashboard/settings")
    await page.get_by_role("link", name="Teachers").click()
    await page.get_by_label("Email").fill(tenant.owner_email)
    await page.get_by_role("button", name="Invite", exact=True).click()
    await expect(page.locator("#t-email-error")).to_be_visible()
    await _check(page, "settings-teachers-refused-1280", source)
    for lang in ("en", "fr"):
        for width in (1280, 390):
            await page.set_viewport_size({"width": width, "height": 900})
            await page.goto(f"{live_url}/dashboard/settings?lang={lang}")
            await _check(page, f"settings-{lang}-{width}", source)
            for part in ("teachers", "organization", "api-keys"):
                await page.goto(f"{live_url}/dashboard/settings/{part}?lang={lang}")
                await _check(page, f"settings-{part}-{lang}-{width}", source)
    # A new key, shown once.
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto(f"{live_url}/dashboard/settings/api-keys")
    await page.get_by_label("Note (optional)").fill("Zapier")
    await page.get_by_role("button", name="Create the key").click()
    await expect(page.locator("[data-new-key]")).to_be_visible()
    await _check(page, "settings-api-keys-created-1280", source)
