"""Staff sign-in as an attacker sees it: emailed links that outlive a new password, links
pointed at another host, pages whose address carries a token (caches, Referer), and a removed
teacher's open dashboard session."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.auth import sign_in_links
from immersio_booking.config import Settings
from immersio_booking.db.session import transaction
from immersio_booking.kit import clock
from tests.dashboard.sign_in_helpers import link_in, post_form, set_password, visitor
from tests.dashboard.staff import Staff, csrf_at, csrf_of
from tests.factories import Tenant, make_member
from tests.helpers import data
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.security.test_roles import membership_id

HOSTILE_HOST = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}


async def _links(sessionmaker: async_sessionmaker[AsyncSession], user_id: int) -> dict[str, str]:
    """A sign-in link and a reset link of ``user_id``, both unspent: their addresses."""
    async with transaction(sessionmaker) as session:
        made = {}
        for purpose in (sign_in_links.SIGN_IN, sign_in_links.RESET):
            _, raw = await sign_in_links.issue(session, user_id, purpose, clock.now())
            made[purpose] = sign_in_links.url("", purpose, raw)
        return made


async def _usable(client: httpx.AsyncClient, link: str) -> bool:
    return (await client.get(link)).status_code == 200


async def test_a_new_password_kills_every_link_sent_before_it(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: Tenant,
) -> None:
    """Someone who read the mailbox keeps no way in once the owner sets a new password: not a
    sign-in link, not a second reset link (by reset or by change)."""
    await set_password(sessionmaker, tenant.owner_id, "the old password")
    stolen = await _links(sessionmaker, tenant.owner_id)
    own = await _links(sessionmaker, tenant.owner_id)
    async with visitor(client) as browser:
        form = await browser.get(own[sign_in_links.RESET])
        reset = await browser.post(
            sign_in_links.PATHS[sign_in_links.RESET],
            data={
                "csrf": csrf_of(form.text),
                "token": form.text.split('name="token" value="')[1].split('"')[0],
                "password": "a brand new password",
                "password_again": "a brand new password",
            },
        )
        assert reset.status_code == 303
        assert [await _usable(browser, link) for link in stolen.values()] == [False, False]
        assert not await _usable(browser, own[sign_in_links.SIGN_IN])

        # The same after a change from the password page.
        stolen = await _links(sessionmaker, tenant.owner_id)
        changed = await browser.post(
            "/dashboard/password",
            data={
                "csrf": await csrf_at(browser, "/dashboard/password"),
                "current": "a brand new password",
                "password": "another new password",
                "password_again": "another new password",
            },
        )
        assert changed.status_code == 303
        assert [await _usable(browser, link) for link in stolen.values()] == [False, False]


async def test_emailed_links_name_our_address_whatever_host_the_request_names(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    inbox: Inbox,
    tenant: Tenant,
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    async with visitor(client) as browser:
        browser.headers.update(HOSTILE_HOST)
        for path in ("/dashboard/sign-in/email", "/dashboard/password/reset"):
            asked = await post_form(browser, path, path, {"email": teacher.email})
            assert asked.status_code == 200
    await run_jobs(database_url)
    mails = inbox.to(teacher.email)
    assert len(mails) == 2
    for mail in mails:
        link_in(mail)  # http://testserver/dashboard/… (the configured public base URL)
        assert "evil.example" not in mail.as_string()


async def test_pages_opened_by_a_token_are_not_stored_nor_sent_on_as_referer(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: Tenant,
) -> None:
    links = await _links(sessionmaker, tenant.owner_id)
    for link in (*links.values(), "/dashboard/sign-in/link?token=made-up"):
        page = await client.get(link)
        assert page.headers["Cache-Control"] == "no-store", link
        assert page.headers["Referrer-Policy"] == "no-referrer", link
    # Pages without a token keep the usual policy.
    plain = await client.get("/dashboard/sign-in")
    assert plain.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


async def test_a_removed_teacher_loses_the_open_dashboard_at_the_next_request(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    own = Staff(client, sessionmaker, settings)
    async with own.signed_in(teacher.id, tenant.id) as page:
        assert (await page.get("/dashboard/bookings")).status_code == 200
        mid = await membership_id(client, tenant, teacher.id)
        path = f"/v2/organizations/{tenant.id}/memberships/{mid}"
        data(await client.patch(path, headers=tenant.headers, json={"accepted": False}))
        assert (await page.get("/dashboard/bookings")).status_code == 404
        data(await client.patch(path, headers=tenant.headers, json={"accepted": True}))
        assert (await page.get("/dashboard/bookings")).status_code == 200
        data(await client.delete(path, headers=tenant.headers))
        gone = await page.get("/dashboard/bookings")
        assert gone.status_code == 404 and f"School {tenant.slug}" not in gone.text
