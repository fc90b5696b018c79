"""An offer waits for the session's lock as long as the settings say (``lock_timeout_ms``),
like the booking flow, not a default of its own: with the lock held elsewhere, the freeing
transaction gives up after the configured wait."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from immersio_booking.bookings import availability
from immersio_booking.config import Settings
from immersio_booking.db.session import make_sessionmaker
from immersio_booking.kit import clock
from immersio_booking.kit.locks import DEFAULT_LOCK_TIMEOUT_MS
from immersio_booking.models import EventType
from immersio_booking.waitlist import offers
from tests.factories import Tenant
from tests.waitlist.helpers import START
from tests.waitlist.offer_helpers import full_session, moment


async def test_the_offer_waits_for_the_lock_as_the_settings_say(
    client: httpx.AsyncClient,
    tenant: Tenant,
    engine: AsyncEngine,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    full = await full_session(client, tenant, seats=1)
    impatient = make_sessionmaker(engine, settings.model_copy(update={"lock_timeout_ms": 200}))
    start = moment(START)
    key = availability.session_key(full.et["id"], start)
    async with sessionmaker() as plain:
        assert offers.lock_timeout(plain) == DEFAULT_LOCK_TIMEOUT_MS  # no settings carried
    async with sessionmaker() as holder, holder.begin():
        await holder.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
        async with impatient() as session, session.begin():
            assert offers.lock_timeout(session) == 200
            et = await session.get(EventType, full.et["id"])
            assert et is not None
            with pytest.raises(DBAPIError) as waited:
                await offers.refill(session, et, start, clock.now())
            assert "lock timeout" in str(waited.value.orig).lower()
