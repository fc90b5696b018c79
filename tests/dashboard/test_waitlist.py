"""A session's waitlist in the dashboard: the count and link on "Today", the entries in order
with their status, removing a student (an offered seat goes on to the next). Attackers first:
another teacher, another school, a missing or forged CSRF token."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.models.waitlist import WaitlistStatus
from tests.bookings.helpers import MONDAY, cancel_as_school
from tests.dashboard.staff import browser, csrf_of, open_session
from tests.factories import Tenant, make_member
from tests.waitlist.helpers import START
from tests.waitlist.offer_helpers import Full, full_session, line_up, statuses


def waitlist_url(full: Full, **extra: str) -> str:
    return "/dashboard/waitlist?" + urlencode(
        {"eventTypeId": full.et["id"], "start": START, **extra}
    )


async def test_a_teacher_and_another_school_reach_no_waitlist_and_nothing_is_removed(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    full = await full_session(client, tenant, seats=1)
    line = await line_up(sessionmaker, full.et, 1)
    teacher = await make_member(sessionmaker, tenant)
    elsewhere = await open_session(sessionmaker, settings, other_tenant.owner_id, other_tenant.id)
    for cookie in (await open_session(sessionmaker, settings, teacher.id, tenant.id), elsewhere):
        async with browser(client, cookie) as intruder:
            token = csrf_of((await intruder.get("/dashboard")).text)
            assert (await intruder.get(waitlist_url(full))).status_code == 404
            r = await intruder.post(f"/dashboard/waitlist/{line[0]}/remove", data={"csrf": token})
            assert r.status_code == 404
    assert await statuses(sessionmaker, line) == [WaitlistStatus.WAITING]


@pytest.mark.parametrize("forged", [None, "not-the-token"])
async def test_removing_needs_the_pages_csrf_token(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
    forged: str | None,
) -> None:
    full = await full_session(client, tenant, seats=1)
    line = await line_up(sessionmaker, full.et, 1)
    cookie = await open_session(sessionmaker, settings, tenant.owner_id, tenant.id)
    async with browser(client, cookie) as owner:
        await owner.get(waitlist_url(full))
        form = {"csrf": forged} if forged else {}
        r = await owner.post(f"/dashboard/waitlist/{line[0]}/remove", data=form)
        assert r.status_code == 403
    assert await statuses(sessionmaker, line) == [WaitlistStatus.WAITING]


async def test_today_counts_the_line_and_removing_the_offered_passes_the_seat_on(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    full = await full_session(client, tenant, seats=2)
    line = await line_up(sessionmaker, full.et, 3)
    await cancel_as_school(client, tenant, full.seats[0])  # the first in line is offered it
    cookie = await open_session(sessionmaker, settings, tenant.owner_id, tenant.id)
    async with browser(client, cookie) as owner:
        today = await owner.get(f"/dashboard?day={MONDAY.isoformat()}")
        assert "3 students on the waitlist" in today.text
        assert "/dashboard/waitlist?eventTypeId=" in today.text
        page = await owner.get(waitlist_url(full))
        assert page.status_code == 200
        assert "3 in line" in page.text
        assert [page.text.index(f'id="w-{uid}"') for uid in line] == sorted(
            page.text.index(f'id="w-{uid}"') for uid in line
        )
        assert "Seat offered" in page.text and page.text.count("Waiting") >= 2
        r = await owner.post(
            f"/dashboard/waitlist/{line[0]}/remove", data={"csrf": csrf_of(page.text)}
        )
        assert r.status_code == 303
        after = await owner.get(r.headers["location"])
        assert "Taken out of the waitlist." in after.text and "Left the list" in after.text
        french = await owner.get(waitlist_url(full, lang="fr"))
        assert "Offre de place" in french.text or "Place proposée" in french.text
    assert await statuses(sessionmaker, line) == [
        WaitlistStatus.LEFT,
        WaitlistStatus.OFFERED,
        WaitlistStatus.WAITING,
    ]


async def test_bad_parameters_are_refused(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    full = await full_session(client, tenant, seats=1)
    cookie = await open_session(sessionmaker, settings, tenant.owner_id, tenant.id)
    async with browser(client, cookie) as owner:
        assert (await owner.get(waitlist_url(full, extra="1"))).status_code == 400
        naive = f"/dashboard/waitlist?eventTypeId={full.et['id']}&start=2030-01-01T10:00"
        assert (await owner.get(naive)).status_code == 400
        assert (
            await owner.get("/dashboard/waitlist?eventTypeId=x&start=" + START)
        ).status_code == 400
