"""The students and settings pages in Chromium: an owner adds a student, imports a file with
a bad line, sees the teachers; English and French, desktop and phone width; axe clean;
screenshots kept in ``test-artifacts/dashboard/``."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.bookings.helpers import workshop
from tests.dashboard.staff import Staff
from tests.dashboard.students_setup import synced_from_immersio
from tests.e2e.dashboard import (
    LANGUAGES,
    WIDTHS,
    photographed,
    photographed_everywhere,
    sign_in,
)
from tests.factories import Tenant, make_member


async def test_owner_manages_a_workshops_students_in_the_browser(
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
    tmp_path: Path,
) -> None:
    et = await workshop(client, tenant, title="Conversation B1")
    await synced_from_immersio(
        sessionmaker,
        tenant,
        et["id"],
        email="synced.student@example.com",
        name="Synced Student",
        immersio_student_id="stu_42",
    )
    await sign_in(page, live_url, staff, tenant.owner_id)

    await page.goto(f"{live_url}/dashboard/students")
    await page.get_by_role("link", name="Conversation B1").click()
    await page.get_by_label("Email", exact=True).fill("ana.browser@example.com")
    await page.get_by_label("Name (optional)").fill("Ana")
    await page.get_by_role("button", name="Add", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("The student was added.")
    await expect(
        page.get_by_role("cell", name="ana.browser@example.com", exact=True)
    ).to_be_visible()

    upload = tmp_path / "students-upload.csv"  # not beside the screenshots: runs share those
    upload.write_text("email,name\nben@example.com,Ben\nnot-an-email,Bad\n")
    await page.get_by_label("CSV file").set_input_files(str(upload))
    await page.get_by_role("button", name="Import", exact=True).click()
    await expect(
        page.get_by_role("heading", name="1 student imported, 1 line refused")
    ).to_be_visible()
    await expect(page.get_by_role("cell", name="Enter a valid email address.")).to_be_visible()

    for lang in LANGUAGES:
        for width in WIDTHS:
            await page.set_viewport_size({"width": width, "height": 900})
            await page.goto(f"{live_url}/dashboard/students?lang={lang}")
            await photographed(page, f"students-{lang}-{width}")
            await page.goto(f"{live_url}/dashboard/students/{et['id']}?lang={lang}")
            await expect(page.get_by_text("stu_42")).to_be_visible()
            await photographed(page, f"student-list-{lang}-{width}")
    # A refused import, as the owner sees it.
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto(f"{live_url}/dashboard/students/{et['id']}")
    upload.write_text("name\nAna\n")
    await page.get_by_label("CSV file").set_input_files(str(upload))
    await page.get_by_role("button", name="Import", exact=True).click()
    await expect(page.locator("#s-file-error")).to_contain_text("must name the columns")
    await photographed(page, "student-list-refused-file-1280")


async def test_owner_sees_settings_and_teachers_in_the_browser(
    page: Page,
    live_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
) -> None:
    await make_member(sessionmaker, tenant, role="ADMIN")
    await make_member(sessionmaker, tenant, accepted=False)
    await sign_in(page, live_url, staff, tenant.owner_id)
    await page.goto(f"{live_url}/dashboard/settings")
    await page.get_by_role("link", name="Teachers").click()
    await page.get_by_label("Email", exact=True).fill(tenant.owner_email)
    await page.get_by_role("button", name="Invite", exact=True).click()
    await expect(page.locator("#t-email-error")).to_be_visible()
    await photographed(page, "settings-teachers-refused-1280")
    await photographed_everywhere(page, f"{live_url}/dashboard/settings", "settings")
    for part in ("teachers", "organization", "api-keys"):
        url = f"{live_url}/dashboard/settings/{part}"
        await photographed_everywhere(page, url, f"settings-{part}")
    # A new key, shown once.
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto(f"{live_url}/dashboard/settings/api-keys")
    await page.get_by_label("Note (optional)").fill("Zapier")
    await page.get_by_role("button", name="Create the key").click()
    await expect(page.locator("[data-new-key]")).to_be_visible()
    await photographed(page, "settings-api-keys-created-1280")
