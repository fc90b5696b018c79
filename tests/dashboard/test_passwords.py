"""A signed-in staff member sets or changes their password; the other browsers are signed out,
this one stays. A platform admin picks a school from a list; no one else sees that list."""

from __future__ import annotations

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.db.session import transaction
from immersio_booking.models import User
from tests.dashboard.sign_in_helpers import set_password, sign_in, visitor
from tests.dashboard.staff import browser, csrf_of, open_session
from tests.factories import Tenant, make_member


async def change(page: httpx.AsyncClient, **fields: str) -> httpx.Response:
    form = await page.get("/dashboard/password")
    assert form.status_code == 200
    return await page.post("/dashboard/password", data={"csrf": csrf_of(form.text), **fields})


async def test_changing_the_password_needs_the_current_one_and_signs_out_the_rest(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    await set_password(sessionmaker, tenant.owner_id, "the old password")
    here = await open_session(sessionmaker, settings, tenant.owner_id)
    there = await open_session(sessionmaker, settings, tenant.owner_id)
    async with browser(client, here) as page:
        wrong = await change(
            page,
            current="not it at all",
            password="a new password",
            password_again="a new password",
        )
        assert wrong.status_code == 400
        assert 'id="current-error"' in wrong.text
        done = await change(
            page,
            current="the old password",
            password="a new password",
            password_again="a new password",
        )
        assert done.status_code == 303
        saved = await page.get(done.headers["location"])
        assert saved.status_code == 200 and "Your password is saved." in saved.text
    async with browser(client, there) as other:
        assert (await other.get("/dashboard")).status_code == 303
    async with visitor(client) as b:
        assert (await sign_in(b, tenant.owner_email, "a new password")).status_code == 303


async def test_a_user_signed_in_by_link_sets_a_first_password(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    cookie = await open_session(sessionmaker, settings, teacher.id)
    async with browser(client, cookie) as page:
        form = await page.get("/dashboard/password")
        assert 'name="current"' not in form.text
        done = await change(page, password="my first password", password_again="my first password")
        assert done.status_code == 303
        assert (await page.get("/dashboard")).status_code == 200  # still signed in here
    async with visitor(client) as b:
        assert (await sign_in(b, teacher.email, "my first password")).status_code == 303


async def test_the_password_form_refuses_a_post_without_its_token(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    cookie = await open_session(sessionmaker, settings, tenant.owner_id)
    async with browser(client, cookie) as page:
        await page.get("/dashboard/password")
        r = await page.post(
            "/dashboard/password", data={"password": "x" * 12, "password_again": "x" * 12}
        )
    assert r.status_code == 403


async def test_a_platform_admin_signs_in_to_the_school_list_and_picks_one(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    async with transaction(sessionmaker) as session:
        await session.execute(
            update(User)
            .where(User.id == teacher.id)
            .values(is_platform_admin=True, organization_id=None)
        )
    await set_password(sessionmaker, teacher.id, "platform admin pass")
    async with visitor(client) as page:
        signed = await sign_in(page, teacher.email, "platform admin pass")
        assert signed.headers["location"] == "/dashboard/schools"
        listed = await page.get("/dashboard/schools", params={"q": other_tenant.slug.upper()})
        assert listed.status_code == 200
        assert f"School {other_tenant.slug}" in listed.text
        assert f"School {tenant.slug}<" not in listed.text
        chosen = await page.post(
            "/dashboard/school",
            data={"csrf": csrf_of(listed.text), "organization_id": str(other_tenant.id)},
        )
        assert chosen.status_code == 303
        home = await page.get("/dashboard")
        assert f"School {other_tenant.slug}" in home.text


async def test_the_school_list_does_not_exist_for_school_staff(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    cookie = await open_session(sessionmaker, settings, tenant.owner_id)
    async with browser(client, cookie) as page:
        r = await page.get("/dashboard/schools")
    assert r.status_code == 404
