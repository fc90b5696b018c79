"""Joining under real races: one place per email, positions without gaps."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import WaitlistEntry
from tests.bookings.helpers import student
from tests.factories import Tenant
from tests.waitlist.helpers import email, full_session, join

pytestmark = pytest.mark.race
RACERS = 30


async def test_the_same_email_racing_gets_one_place(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    et = await full_session(client, tenant)
    same = email("same")
    responses = await asyncio.gather(
        *(join(client, et["id"], attendee=student(same)) for _ in range(RACERS))
    )
    codes = Counter(r.status_code for r in responses)
    assert codes[201] == 1, codes
    reasons = {r.json()["error"]["details"]["reason"] for r in responses if r.status_code != 201}
    assert reasons <= {"already_waiting", "busy_try_again"}, reasons
    async with sessionmaker() as session:
        count = await session.execute(
            select(func.count()).select_from(WaitlistEntry).where(WaitlistEntry.email == same)
        )
        assert count.scalar_one() == 1


async def test_different_emails_racing_get_positions_one_to_n(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et = await full_session(client, tenant)
    responses = await asyncio.gather(
        *(join(client, et["id"], attendee=student(email(f"r{i}"))) for i in range(RACERS))
    )
    joined = [r.json()["data"] for r in responses if r.status_code == 201]
    refused = {r.json()["error"]["details"]["reason"] for r in responses if r.status_code != 201}
    assert refused <= {"busy_try_again"}, refused
    assert sorted(j["position"] for j in joined) == list(range(1, len(joined) + 1))
    by_uid = sorted(joined, key=lambda j: j["position"])
    line = [j["uid"] for j in by_uid]
    assert len(set(line)) == len(joined) >= RACERS // 2, len(joined)
