"""Links by email: the magic sign-in link works once and for 15 minutes; the password reset
sets a new password and signs out every other browser. The request forms answer the same for
an unknown address, which gets no email."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.auth import staff_sessions
from immersio_booking.config import Settings
from immersio_booking.db.session import transaction
from immersio_booking.kit import clock
from immersio_booking.models import User
from tests.dashboard.sign_in_helpers import (
    follow,
    link_in,
    post_form,
    set_password,
    sign_in,
    visitor,
)
from tests.dashboard.staff import browser as own_browser
from tests.dashboard.staff import csrf_of, open_session
from tests.factories import Tenant, make_member, unique
from tests.jobs import run_jobs
from tests.mail import Inbox


async def ask_for_link(
    browser: httpx.AsyncClient, email: str, next_path: str = ""
) -> httpx.Response:
    return await post_form(
        browser,
        "/dashboard/sign-in/email",
        "/dashboard/sign-in/email",
        {"email": email, "next": next_path},
    )


async def test_the_magic_link_signs_in_once(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    inbox: Inbox,
    tenant: Tenant,
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    async with visitor(client) as browser:
        asked = await ask_for_link(browser, teacher.email, "/dashboard/availability")
        assert asked.status_code == 200
        assert "a sign-in link is on its way" in asked.text
    await run_jobs(database_url)
    [message] = inbox.to(teacher.email)
    assert str(message["Subject"]) == f"Your link to sign in to School {tenant.slug}"
    link = link_in(message)
    assert link.startswith("/dashboard/sign-in/link?token=")
    async with visitor(client) as browser:
        # Opening the link spends nothing (mail scanners open links): the button does.
        assert (await browser.get(link)).status_code == 200
        signed = await follow(browser, link)
        assert signed.status_code == 303
        assert signed.headers["location"] == "/dashboard/availability"
        assert staff_sessions.COOKIE in signed.headers["set-cookie"]
        assert (await browser.get("/dashboard")).status_code == 200
    async with visitor(client) as again:
        spent = await again.get(link)
        assert spent.status_code == 400
        assert "This link no longer works" in spent.text
        replay = await again.post(
            "/dashboard/sign-in/link",
            data={
                "csrf": csrf_of((await again.get("/dashboard/sign-in")).text),
                "token": link.split("token=")[1].split("&")[0],
            },
        )
        assert replay.status_code == 400
        assert staff_sessions.COOKIE not in replay.headers.get("set-cookie", "")


async def test_the_magic_link_expires_after_15_minutes_and_a_wrong_token_fails(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    inbox: Inbox,
    tenant: Tenant,
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    async with visitor(client) as browser:
        await ask_for_link(browser, teacher.email)
    await run_jobs(database_url)
    link = link_in(inbox.to(teacher.email)[0])
    async with visitor(client) as browser:
        with clock.shifted(timedelta(minutes=15, seconds=1)):
            assert (await browser.get(link)).status_code == 400
        wrong = link.replace("token=", "token=x")
        assert (await browser.get(wrong)).status_code == 400
        with clock.shifted(timedelta(minutes=14)):
            assert (await follow(browser, link)).status_code == 303


async def test_an_unknown_address_gets_the_same_answer_and_no_email(
    client: httpx.AsyncClient, database_url: str, inbox: Inbox, tenant: Tenant
) -> None:
    stranger = f"{unique('nobody')}@example.com"
    async with visitor(client) as one, visitor(client) as two:
        known = await ask_for_link(one, tenant.owner_email)
        unknown = await ask_for_link(two, stranger)
        reset_known = await post_form(
            one,
            "/dashboard/password/reset",
            "/dashboard/password/reset",
            {"email": tenant.owner_email},
        )
        reset_unknown = await post_form(
            two, "/dashboard/password/reset", "/dashboard/password/reset", {"email": stranger}
        )

    def shown(r: httpx.Response, email: str) -> str:
        return (
            r.text.replace(email, "EMAIL").replace(csrf_of(r.text), "CSRF")
            if "csrf" in r.text
            else r.text.replace(email, "EMAIL")
        )

    assert known.status_code == unknown.status_code == 200
    assert shown(known, tenant.owner_email) == shown(unknown, stranger)
    assert reset_known.status_code == reset_unknown.status_code == 200
    assert shown(reset_known, tenant.owner_email) == shown(reset_unknown, stranger)
    await run_jobs(database_url)
    assert inbox.to(stranger) == []
    assert len(inbox.to(tenant.owner_email)) == 2


async def test_the_email_is_in_the_staff_members_language(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    inbox: Inbox,
    tenant: Tenant,
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    async with transaction(sessionmaker) as session:
        await session.execute(update(User).where(User.id == teacher.id).values(locale="fr-CA"))
    async with visitor(client) as browser:
        await ask_for_link(browser, teacher.email)
    await run_jobs(database_url)
    [message] = inbox.to(teacher.email)
    assert str(message["Subject"]) == f"Votre lien pour vous connecter à School {tenant.slug}"
    assert message["Content-Language"] == "fr"
    assert "lang=fr" in link_in(message)
    assert message.get_body(preferencelist=("html",)) is not None


async def test_a_password_reset_signs_out_every_other_browser(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    inbox: Inbox,
    tenant: Tenant,
) -> None:
    await set_password(sessionmaker, tenant.owner_id, "the old password")
    elsewhere = await open_session(sessionmaker, settings, tenant.owner_id)
    async with visitor(client) as browser:
        await post_form(
            browser,
            "/dashboard/password/reset",
            "/dashboard/password/reset",
            {"email": tenant.owner_email},
        )
    await run_jobs(database_url)
    [message] = inbox.to(tenant.owner_email)
    link = link_in(message)
    assert link.startswith("/dashboard/password/new?token=")
    async with visitor(client) as browser:
        form = await browser.get(link)
        assert form.status_code == 200
        token = form.text.split('name="token" value="')[1].split('"')[0]
        # A too short password: the form again, the error by the field, the link unspent.
        short = await browser.post(
            "/dashboard/password/new",
            data={
                "csrf": csrf_of(form.text),
                "token": token,
                "password": "short",
                "password_again": "short",
            },
        )
        assert short.status_code == 400
        assert 'id="password-error"' in short.text and "at least 10 characters" in short.text
        differ = await browser.post(
            "/dashboard/password/new",
            data={
                "csrf": csrf_of(form.text),
                "token": token,
                "password": "a new password",
                "password_again": "another one!",
            },
        )
        assert differ.status_code == 400 and "The two passwords differ." in differ.text
        done = await browser.post(
            "/dashboard/password/new",
            data={
                "csrf": csrf_of(form.text),
                "token": token,
                "password": "a new password",
                "password_again": "a new password",
            },
        )
        assert done.status_code == 303
        assert (await browser.get("/dashboard")).status_code == 200
        assert (await browser.get(link)).status_code == 400  # spent
    async with own_browser(client, elsewhere) as other:
        assert (await other.get("/dashboard")).status_code == 303  # signed out
    async with visitor(client) as browser:
        assert (await sign_in(browser, tenant.owner_email, "the old password")).status_code == 400
    async with visitor(client) as browser:
        assert (await sign_in(browser, tenant.owner_email, "a new password")).status_code == 303
