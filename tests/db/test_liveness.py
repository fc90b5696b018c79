"""The pool pings only a connection that sat idle (no round trip on a busy path), and still
recovers by itself from connections the server ended: an idle one is replaced before use, a
busy one fails its statement once as an outage and the next checkout gets a new connection.
A real server ending real sessions, no mocks; the idle threshold is shortened, never slept
out at its production value."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from immersio_booking.db.session import make_engine
from immersio_booking.kit.outage import database_unavailable
from tests import database

IDLE = 0.3


@pytest.fixture
async def engine_of_one(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A pool of one connection, so every checkout gets the same one until it is replaced."""
    engine = make_engine(database_url, pool_size=1, max_overflow=0, ping_after_idle=IDLE)
    yield engine
    await engine.dispose()


async def backend(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def end_session(database_url: str, pid: int) -> None:
    async with await psycopg.AsyncConnection.connect(
        database.libpq(database_url), autocommit=True
    ) as admin:
        await admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        # Until the server has ended it: the pool must not race the termination.
        for _ in range(100):
            found = await admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,))
            if await found.fetchone() is None:
                return
            await asyncio.sleep(0.02)
    raise AssertionError(f"backend {pid} still there")


async def test_an_idle_connection_the_server_ended_is_replaced_before_use(
    database_url: str, engine_of_one: AsyncEngine
) -> None:
    first = await backend(engine_of_one)
    await end_session(database_url, first)
    await asyncio.sleep(IDLE * 2)
    # The ping found it dead: a new connection answers, the request never sees an error.
    second = await backend(engine_of_one)
    assert second != first
    assert await backend(engine_of_one) == second  # and it is kept


async def test_a_busy_connection_is_not_pinged_its_loss_is_an_outage_once_then_recovered(
    database_url: str, engine_of_one: AsyncEngine
) -> None:
    first = await backend(engine_of_one)
    await end_session(database_url, first)
    # Handed back a moment ago: no ping, so the statement meets the ended session.
    with pytest.raises(DBAPIError) as lost:
        await backend(engine_of_one)
    assert database_unavailable(lost.value)  # answered 503, Retry-After
    assert lost.value.connection_invalidated
    # The disconnect invalidated the pool: the next checkout connects afresh, no restart.
    assert await backend(engine_of_one) not in (first, None)


async def test_a_checkout_pings_only_after_the_connection_sat_idle(
    database_url: str, engine_of_one: AsyncEngine
) -> None:
    """Seen on the server: the last statement of the connection's session."""
    pid = await backend(engine_of_one)
    async with await psycopg.AsyncConnection.connect(
        database.libpq(database_url), autocommit=True
    ) as admin:

        async def last_statement() -> str:
            found = await admin.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", (pid,))
            row = await found.fetchone()
            assert row is not None
            return str(row[0])

        before = await last_statement()
        async with engine_of_one.connect():  # handed back a moment ago: no round trip
            assert await last_statement() == before
        await asyncio.sleep(IDLE * 2)
        async with engine_of_one.connect():  # idle: pinged before use
            assert await last_statement() != before
    assert await backend(engine_of_one) == pid  # the same connection all along
