"""The waitlist's emailed links as an attacker uses them: another student's link, a leave link
on the accept page, two clicks racing for one offered seat, a hostile Host when the link is
made, and the token in caches and Referer headers."""

from __future__ import annotations

import asyncio
import re

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.models import Booking
from immersio_booking.models.waitlist import WaitlistStatus
from immersio_booking.waitlist import leaving
from tests.bookings.helpers import cancel_as_school, student
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.waitlist.helpers import full_session as full_line
from tests.waitlist.helpers import join
from tests.waitlist.offer_helpers import (
    accept_url,
    email,
    entries,
    full_session,
    line_up,
    seat_count,
)

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
HOSTILE_HOST = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}


async def test_an_offer_is_taken_only_with_its_own_link_and_once_when_clicks_race(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    full = await full_session(client, tenant, seats=1)
    first, second = await line_up(sessionmaker, full.et, 2)
    await cancel_as_school(client, tenant, full.seats[0])
    url = await accept_url(sessionmaker, settings, first)
    path, token = url.split("?")[0], url.split("token=")[1].split("&")[0]
    (offered,) = await entries(sessionmaker, [first])
    others = {
        "the next in line's own link": (await accept_url(sessionmaker, settings, second))
        .split("token=")[1]
        .split("&")[0],
        "the same student's leave link": leaving.leave_token(
            settings.resolved_secret_key(), offered
        ),
        "a made-up token": "1.x",
    }
    page = await client.get(url)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    csrf = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    for what, wrong in others.items():
        assert (await client.get(f"{path}?token={wrong}")).status_code == 404, what
        posted = await client.post(path, data={"token": wrong, "csrf": csrf})
        assert posted.status_code == 404, what
    assert await seat_count(sessionmaker, full.et["id"]) == (0, 1)  # still held, not taken

    clicks = await asyncio.gather(
        *(client.post(path, data={"token": token, "csrf": csrf}) for _ in range(2))
    )
    assert [c.status_code for c in clicks] == [303, 303]
    (entry,) = await entries(sessionmaker, [first])
    assert entry.status == WaitlistStatus.BOOKED
    async with sessionmaker() as session:
        booked = await session.scalar(
            select(func.count())
            .select_from(Booking)
            .where(Booking.event_type_id == full.et["id"], Booking.uid == entry.booking_uid)
        )
    assert booked == 1 and await seat_count(sessionmaker, full.et["id"]) == (1, 0)
    # The booking page the winner lands on keeps its manage token out of caches and Referer.
    landed = next(c for c in clicks if c.headers["location"].startswith("/booking/"))
    shown = await client.get(landed.headers["location"])
    assert shown.status_code == 200 and shown.headers["Referrer-Policy"] == "no-referrer"


async def test_the_leave_link_names_our_address_whatever_host_the_join_named(
    client: httpx.AsyncClient, tenant: Tenant, inbox: Inbox, database_url: str
) -> None:
    et = await full_line(client, tenant)
    address = email("host")
    data(await join(client, et["id"], attendee=student(address), headers=HOSTILE_HOST), 201)
    await run_jobs(database_url)
    [mail] = inbox.to(address)
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "http://testserver/waitlist/" in text and "evil.example" not in mail.as_string()
