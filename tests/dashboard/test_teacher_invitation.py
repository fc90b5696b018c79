"""Inviting a teacher emails them: from the school, answered to whoever invited them, in the
language chosen on the form, with a one-time sign-in link valid for 7 days that opens the
password page, where the new teacher sets a password and can sign in with it after. A refused
invitation emails nobody."""

from __future__ import annotations

from datetime import timedelta
from email.message import Message
from pathlib import Path

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.db.session import transaction
from immersio_booking.kit import clock
from immersio_booking.models import User
from tests.dashboard.sign_in_helpers import follow, link_in, sign_in, visitor
from tests.dashboard.staff import browser, csrf_of, open_session
from tests.factories import Tenant, unique
from tests.jobs import run_jobs
from tests.mail import Inbox

TEACHERS = "/dashboard/settings/teachers"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboard"


async def invite(
    client: httpx.AsyncClient, cookie: str, email: str, **fields: str
) -> httpx.Response:
    async with browser(client, cookie) as owner:
        shown = await owner.get(TEACHERS)
        return await owner.post(
            TEACHERS,
            data={"csrf": csrf_of(shown.text), "email": email, "role": "MEMBER", **fields},
        )


def keep(message: Message, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / name).write_bytes(bytes(message))


async def test_an_invited_teacher_gets_a_link_to_set_a_password(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    inbox: Inbox,
    tenant: Tenant,
) -> None:
    async with transaction(sessionmaker) as session:
        await session.execute(
            update(User)
            .where(User.id == tenant.owner_id)
            .values(name="Olga Owner", time_zone="Europe/Paris")
        )
    cookie = await open_session(sessionmaker, settings, tenant.owner_id)
    email = f"{unique('invited')}@example.com"
    invited = await invite(client, cookie, email, name="Théo", language="fr")
    assert invited.status_code == 303
    async with browser(client, cookie) as owner:
        done = await owner.get(invited.headers["location"])
        assert "their invitation is on its way by email" in done.text
    await run_jobs(database_url)
    [message] = inbox.to(email)
    keep(message, "teacher-invitation-fr.eml")
    school = f"School {tenant.slug}"
    assert str(message["Subject"]) == f"Olga Owner vous invite sur le tableau de bord de {school}"
    assert message["Content-Language"] == "fr"
    assert school in str(message["From"])
    assert tenant.owner_email in str(message["Reply-To"])
    text = message.get_body(preferencelist=("plain",))
    assert text is not None and "Accepter l’invitation" in text.get_content()
    assert message.get_body(preferencelist=("html",)) is not None
    assert "(Paris" in text.get_content()  # the inviter's zone, the new teacher's until changed
    link = link_in(message)
    assert link.startswith("/dashboard/sign-in/link?token=")
    assert "next=%2Fdashboard%2Fpassword" in link and "lang=fr" in link
    # Still good six days later; the button signs in and opens the password page.
    async with visitor(client) as teacher:
        with clock.shifted(timedelta(days=6, hours=23)):
            signed = await follow(teacher, link)
        assert signed.status_code == 303
        assert signed.headers["location"] == "/dashboard/password"
        form = await teacher.get("/dashboard/password")
        assert "no password yet" in form.text
        saved = await teacher.post(
            "/dashboard/password",
            data={
                "csrf": csrf_of(form.text),
                "password": "teacher's own password",
                "password_again": "teacher's own password",
            },
        )
        assert saved.status_code == 303
        assert (await teacher.get(link)).status_code == 400  # spent
    async with visitor(client) as later:
        assert (await sign_in(later, email, "teacher's own password")).status_code == 303


async def test_the_invitation_lasts_7_days_and_a_refused_invitation_emails_nobody(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    inbox: Inbox,
    tenant: Tenant,
) -> None:
    cookie = await open_session(sessionmaker, settings, tenant.owner_id)
    email = f"{unique('invited')}@example.com"
    assert (await invite(client, cookie, email)).status_code == 303
    odd = f"{unique('odd')}@example.com"
    refused = await invite(client, cookie, odd, language="xx")
    assert refused.status_code == 400 and 'id="t-language-error"' in refused.text
    assert (await invite(client, cookie, email)).status_code == 400  # already there
    await run_jobs(database_url)
    [message] = inbox.to(email)
    keep(message, "teacher-invitation-en.eml")
    # An inviter without a name is named by their email; the language is the form page's.
    assert str(message["Subject"]) == (
        f"{tenant.owner_email} invites you to the dashboard of School {tenant.slug}"
    )
    assert inbox.to(odd) == []
    link = link_in(message)
    async with visitor(client) as teacher:
        with clock.shifted(timedelta(days=7, seconds=1)):
            assert (await teacher.get(link)).status_code == 400
