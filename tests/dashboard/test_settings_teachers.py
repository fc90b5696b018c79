"""Teachers page: an owner invites, changes roles and removes; an ADMIN may not make an OWNER
nor remove one (the API's rules); a teacher and another school find nothing; CSRF on every
change."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from tests.dashboard.staff import browser, csrf_of, open_session
from tests.factories import Tenant, make_member, make_tenant, unique
from tests.helpers import data

TEACHERS = "/dashboard/settings/teachers"


async def _roles(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, str | None]:
    rows = data(await client.get(f"/v2/organizations/{tenant.id}/users", headers=tenant.headers))
    return {r["email"]: r["role"] for r in rows}


async def test_owner_invites_changes_a_role_and_removes(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    cookie = await open_session(sessionmaker, settings, tenant.owner_id)
    email = f"{unique('teacher')}@example.com"
    async with browser(client, cookie) as owner:
        index = await owner.get("/dashboard/settings")
        assert index.status_code == 200 and f'href="{TEACHERS}"' in index.text
        shown = await owner.get(TEACHERS)
        assert tenant.owner_email in shown.text
        csrf = csrf_of(shown.text)
        invited = await owner.post(
            TEACHERS, data={"csrf": csrf, "email": email, "name": "Bea", "role": "MEMBER"}
        )
        assert invited.status_code == 303
        assert (await _roles(client, tenant))[email] == "MEMBER"
        again = await owner.post(TEACHERS, data={"csrf": csrf, "email": email, "role": "MEMBER"})
        assert again.status_code == 400 and 'id="t-email-error"' in again.text
        bad = await owner.post(TEACHERS, data={"csrf": csrf, "email": "nope", "role": "MEMBER"})
        assert bad.status_code == 400 and 'value="nope"' in bad.text
        odd_role = await owner.post(
            TEACHERS, data={"csrf": csrf, "email": f"x{email}", "role": "GOD"}
        )
        assert odd_role.status_code == 400 and 'id="t-role-error"' in odd_role.text
        user_id = next(
            r["id"]
            for r in data(
                await client.get(f"/v2/organizations/{tenant.id}/users", headers=tenant.headers)
            )
            if r["email"] == email
        )
        promoted = await owner.post(
            f"{TEACHERS}/{user_id}/role", data={"csrf": csrf, "role": "ADMIN"}
        )
        assert promoted.status_code == 303
        assert (await _roles(client, tenant))[email] == "ADMIN"
        last = await owner.post(
            f"{TEACHERS}/{tenant.owner_id}/role", data={"csrf": csrf, "role": "MEMBER"}
        )
        assert last.status_code == 409 and 'data-reason="last_owner"' in last.text
        removed = await owner.post(f"{TEACHERS}/{user_id}/remove", data={"csrf": csrf})
        assert removed.status_code == 303
    roles = await _roles(client, tenant)
    assert email not in roles and f"x{email}" not in roles and roles[tenant.owner_email] == "OWNER"


async def test_an_admin_may_not_make_or_remove_an_owner(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    admin = await make_member(sessionmaker, tenant, role="ADMIN")
    teacher = await make_member(sessionmaker, tenant)
    cookie = await open_session(sessionmaker, settings, admin.id)
    async with browser(client, cookie) as page:
        csrf = csrf_of((await page.get(TEACHERS)).text)
        up = await page.post(f"{TEACHERS}/{teacher.id}/role", data={"csrf": csrf, "role": "OWNER"})
        assert up.status_code == 403 and 'data-reason="owner_required"' in up.text
        gone = await page.post(f"{TEACHERS}/{tenant.owner_id}/remove", data={"csrf": csrf})
        assert gone.status_code == 403 and 'data-reason="owner_required"' in gone.text
        owner_invite = await page.post(
            TEACHERS, data={"csrf": csrf, "email": f"{unique('o')}@example.com", "role": "OWNER"}
        )
        assert owner_invite.status_code == 400 and 'id="t-role-error"' in owner_invite.text
    roles = await _roles(client, tenant)
    assert roles[teacher.email] == "MEMBER" and roles[tenant.owner_email] == "OWNER"
    assert len(roles) == 3


async def test_a_teacher_and_another_school_find_nothing(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    other = await make_tenant(sessionmaker)
    teacher_cookie = await open_session(sessionmaker, settings, teacher.id)
    async with browser(client, teacher_cookie) as page:
        csrf = csrf_of((await page.get("/dashboard")).text)
        for path in ("/dashboard/settings", TEACHERS):
            assert (await page.get(path)).status_code == 404
        for path, form in (
            (TEACHERS, {"email": f"{unique('i')}@example.com", "role": "ADMIN"}),
            (f"{TEACHERS}/{teacher.id}/role", {"role": "OWNER"}),
            (f"{TEACHERS}/{tenant.owner_id}/remove", {}),
        ):
            assert (await page.post(path, data={"csrf": csrf, **form})).status_code == 404
    other_cookie = await open_session(sessionmaker, settings, other.owner_id)
    async with browser(client, other_cookie) as page:
        shown = await page.get(TEACHERS)
        assert tenant.owner_email not in shown.text
        csrf = csrf_of(shown.text)
        for path, form in (
            (f"{TEACHERS}/{teacher.id}/role", {"role": "ADMIN"}),
            (f"{TEACHERS}/{teacher.id}/remove", {}),
        ):
            assert (await page.post(path, data={"csrf": csrf, **form})).status_code == 404
    roles = await _roles(client, tenant)
    assert roles[teacher.email] == "MEMBER" and len(roles) == 2


async def test_every_change_needs_the_pages_csrf_token(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    cookie = await open_session(sessionmaker, settings, tenant.owner_id)
    async with browser(client, cookie) as owner:
        await owner.get(TEACHERS)
        for token in ({}, {"csrf": "forged"}):
            for path, form in (
                (TEACHERS, {"email": f"{unique('i')}@example.com"}),
                (f"{TEACHERS}/{teacher.id}/role", {"role": "ADMIN"}),
                (f"{TEACHERS}/{teacher.id}/remove", {}),
            ):
                assert (await owner.post(path, data={**token, **form})).status_code == 403
    roles = await _roles(client, tenant)
    assert roles[teacher.email] == "MEMBER" and len(roles) == 2
