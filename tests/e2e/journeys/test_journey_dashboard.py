"""A school runs itself from the browser: the owner signs in with the link the CLI prints and
sets a teacher's weekly hours; the teacher signs in with a password and creates a workshop; a
student books it on the public page; on the day, the teacher sees the seat in "Today" and
marks who was absent, and the owner sees the same session. Every screen photographed
(``test-artifacts/journeys/dashboard/``, desktop and phone) with no axe finding."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import httpx
from babel.dates import format_date
from playwright.async_api import Browser, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.auth import staff_sessions
from immersio_booking.config import Settings
from immersio_booking.db.session import transaction
from immersio_booking.kit import clock
from immersio_booking.models import Booking
from tests import dates
from tests.dashboard.sign_in_helpers import set_password
from tests.dashboard.staff import open_session
from tests.dashboard.test_login_link_cli import login_link
from tests.e2e.journeys.story import CONFIRMATION, PHONE, Story, choose_day_and_time, visitor
from tests.factories import Tenant, make_member, unique
from tests.web.pages import publish

# Within a new workshop's 60-day booking window.
MONDAY = dates.monday(1)
MONTH = format_date(MONDAY, "LLLL y", locale="en")
WIDER_THAN_THE_SCREEN = """() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return [];  // no sideways scrolling
    return [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
        .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className);
}"""


async def look(story: Story, step: str) -> None:
    """The screen at desktop and phone width (axe on both); at phone width nothing is wider
    than the screen (no sideways scrolling)."""
    await story.look(step, phone=True)
    size = story.page.viewport_size
    await story.page.set_viewport_size(PHONE)
    wider = await story.page.evaluate(WIDER_THAN_THE_SCREEN)
    assert wider == [], (step, wider)
    if size is not None:
        await story.page.set_viewport_size(size)


async def test_owner_teacher_and_student_run_a_workshop(
    browser: Browser,
    live_url: str,
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    data_dir: Path,
    settings: Settings,
    tenant: Tenant,
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    await set_password(sessionmaker, teacher.id, "teacher's own password")
    await publish(client, tenant)

    # The owner: the one-time link printed by `immersio-booking admin login-link`.
    printed = login_link(database_url, data_dir, "--email", tenant.owner_email)
    assert printed.returncode == 0, printed.stderr
    link = next(w for w in printed.stdout.split() if "/dashboard/sign-in/link?token=" in w)
    async with visitor(browser, "en-GB") as owner:
        story = Story(owner, "dashboard")
        await owner.goto(live_url + link[link.index("/dashboard") :])
        await look(story, "owner-sign-in-link")
        await owner.get_by_role("button", name="Continue to the dashboard").click()
        await expect(owner).to_have_url(f"{live_url}/dashboard")
        await expect(owner.get_by_text(f"School {tenant.slug}")).to_be_visible()
        await look(story, "owner-today")

        # The teacher's weekly hours, set by the owner: Mondays 9:00 to 12:00.
        await owner.goto(f"{live_url}/dashboard/availability?teacher={teacher.id}")
        await owner.get_by_role("button", name="Create a schedule").click()
        await expect(owner.get_by_role("heading", name="Weekly hours")).to_be_visible()
        await owner.fill("#monday-0-start", "09:00")
        await owner.fill("#monday-0-end", "12:00")
        await owner.get_by_role("button", name="Save the hours").click()
        await expect(owner.get_by_role("status")).to_have_text("Saved.")
        await look(story, "owner-teacher-hours")

    # The teacher signs in with their password and creates the workshop (an owner cannot
    # create one in a teacher's name: the form makes the signed-in person its teacher).
    slug = unique("club")
    async with visitor(browser, "en-GB") as staff:
        story = Story(staff, "dashboard")
        await staff.goto(f"{live_url}/dashboard/workshops/new")
        await expect(staff).to_have_url(
            f"{live_url}/dashboard/sign-in?next=%2Fdashboard%2Fworkshops%2Fnew"
        )
        await look(story, "teacher-sign-in")
        await staff.get_by_label("Email", exact=True).fill(teacher.email)
        await staff.get_by_label("Password", exact=True).fill("teacher's own password")
        await staff.get_by_role("button", name="Sign in").click()
        await expect(staff).to_have_url(f"{live_url}/dashboard/workshops/new")
        await staff.get_by_label("Title").fill("Conversation club")
        await staff.get_by_label("Address on the school’s page").fill(slug)
        await staff.get_by_label("Seats per session").fill("6")
        await look(story, "teacher-workshop-new")
        await staff.get_by_role("button", name="Create workshop").click()
        await expect(staff.get_by_role("status")).to_be_visible()
        await look(story, "teacher-workshop")
        await staff.goto(f"{live_url}/dashboard/workshops")
        await expect(staff.get_by_role("link", name="Conversation club")).to_be_visible()
        await look(story, "teacher-workshops")

    # A student books it on the school's public page.
    address = f"ada-{secrets.token_hex(4)}@example.com"
    async with visitor(browser, "en-GB") as student:
        story = Story(student, "dashboard")
        await student.goto(f"{live_url}/{tenant.slug}/{slug}")
        await expect(
            student.get_by_role("heading", name="Conversation club", level=1)
        ).to_be_visible()
        await choose_day_and_time(student, MONTH)
        await student.get_by_label("Your name").fill("Ada Student")
        await student.get_by_label("Email address").fill(address)
        await student.locator("#book-button").click()
        await expect(student).to_have_url(CONFIRMATION)
        await story.look("student-booked")

    # On the day, after the session: the teacher's "Today" shows the seat; Ada did not come.
    async with transaction(sessionmaker) as db:
        found = await db.execute(
            select(Booking.start_time).where(Booking.organization_id == tenant.id)
        )
        (start,) = found.scalars().all()
    with clock.shifted(start + timedelta(hours=2) - clock.now()):
        async with visitor(browser, "en-GB") as staff:
            story = Story(staff, "dashboard")
            await staff.goto(f"{live_url}/dashboard/sign-in")
            await staff.get_by_label("Email", exact=True).fill(teacher.email)
            await staff.get_by_label("Password", exact=True).fill("teacher's own password")
            await staff.get_by_role("button", name="Sign in").click()
            await expect(staff).to_have_url(f"{live_url}/dashboard")
            session = staff.locator("article.dash-session").filter(has_text="Conversation club")
            await expect(session).to_have_count(1)
            await expect(session).to_contain_text("1 seat taken, 5 left")
            await expect(session).to_contain_text(address)
            await look(story, "teacher-today")
            await session.get_by_label("Ada Student was absent").check()
            await session.get_by_role("button", name="Save attendance").click()
            await expect(staff.get_by_role("status")).to_have_text("Attendance saved.")
            await expect(session.get_by_label("Ada Student was absent")).to_be_checked()
            await look(story, "teacher-attendance")
            await staff.goto(f"{live_url}/dashboard/bookings")
            await expect(staff.get_by_role("link", name="Ada Student")).to_be_visible()
            await look(story, "teacher-bookings")
            await staff.get_by_role("link", name="Ada Student").first.click()
            await expect(staff.get_by_role("heading", level=1)).to_be_visible()
            await look(story, "teacher-booking")

        # The owner sees the teacher's session and who was absent (signed in again: the
        # morning's session has long been idle).
        cookie = await open_session(sessionmaker, settings, tenant.owner_id)
        async with visitor(browser, "en-GB") as owner:
            story = Story(owner, "dashboard")
            await owner.context.add_cookies(
                [{"name": staff_sessions.COOKIE, "value": cookie, "url": f"{live_url}/dashboard"}]
            )
            await owner.goto(f"{live_url}/dashboard")
            session = owner.locator("article.dash-session").filter(has_text="Conversation club")
            await expect(session).to_contain_text("Teacher")
            await expect(session.get_by_label("Ada Student was absent")).to_be_checked()
            await look(story, "owner-today-after")
