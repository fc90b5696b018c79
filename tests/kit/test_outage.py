"""A database that cannot be reached is told apart from every other database error, and a
request that meets it is answered 503 ``database_unavailable`` with Retry-After. Real errors
from a real server (and a real closed port), no mocks."""

from __future__ import annotations

import asyncio

import httpx
import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import create_async_engine
from structlog.testing import capture_logs

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from immersio_booking.db.session import make_engine
from immersio_booking.kit.outage import database_unavailable
from tests import database
from tests.factories import Tenant
from tests.helpers import assert_error
from tests.served import free_port


def closed_port_url() -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing?connect_timeout=2"


async def test_a_refused_connection_is_an_outage_through_the_driver_and_the_orm() -> None:
    with pytest.raises(psycopg.OperationalError) as raw:
        await psycopg.AsyncConnection.connect(database.libpq(closed_port_url()))
    assert database_unavailable(raw.value)
    engine = create_async_engine(closed_port_url())
    try:
        with pytest.raises(DBAPIError) as wrapped:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        assert database_unavailable(wrapped.value)
    finally:
        await engine.dispose()


async def test_a_server_ending_the_session_is_an_outage_and_a_lost_connection_too(
    database_url: str,
) -> None:
    async with await psycopg.AsyncConnection.connect(database.libpq(database_url)) as victim:
        pid = victim.info.backend_pid
        async with await psycopg.AsyncConnection.connect(
            database.libpq(database_url), autocommit=True
        ) as admin:
            await admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(psycopg.OperationalError) as ended:
            await victim.execute("SELECT 1")
        assert database_unavailable(ended.value)  # 57P01 admin_shutdown, or the socket closed
        with pytest.raises(psycopg.Error) as closed:
            await victim.execute("SELECT 1")
        assert database_unavailable(closed.value)


async def test_errors_of_the_statement_are_not_outages(database_url: str) -> None:
    async with await psycopg.AsyncConnection.connect(
        database.libpq(database_url), autocommit=True
    ) as conn:
        await conn.execute("SET statement_timeout = '10ms'")
        with pytest.raises(psycopg.errors.QueryCanceled) as cancelled:
            await conn.execute("SELECT pg_sleep(1)")
        assert not database_unavailable(cancelled.value)  # an OperationalError, not an outage
        with pytest.raises(psycopg.errors.DivisionByZero) as wrong:
            await conn.execute("SELECT 1 / 0")
        assert not database_unavailable(wrong.value)
    assert not database_unavailable(ValueError("not a database error"))


async def test_a_pool_with_every_connection_in_use_is_an_outage(database_url: str) -> None:
    engine = create_async_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    try:
        async with engine.connect() as held:
            await held.execute(text("SELECT 1"))
            with pytest.raises(PoolTimeout) as waited:
                async with engine.connect():
                    pass
        assert database_unavailable(waited.value)
    finally:
        await engine.dispose()


async def test_requests_get_503_with_retry_after_and_readyz_says_not_ready(
    settings: Settings, tenant: Tenant
) -> None:
    engine = make_engine(closed_port_url(), pool_size=1, max_overflow=0)
    app = create_app(settings, engine=engine)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            with capture_logs() as logs:
                refused = await client.get("/v2/me", headers=tenant.headers)
            assert_error(refused, 503, "database_unavailable")
            # Logged once, as a warning: no traceback, no "database_error" or "unhandled_error".
            told = [log for log in logs if log["log_level"] in ("warning", "error", "critical")]
            assert [log["event"] for log in told] == ["database_unavailable"], told
            assert refused.json()["error"]["code"] == "ServiceUnavailableException"
            assert refused.headers["retry-after"] == "2"
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["checks"]["database"].startswith("error")
            # Many at once: each is answered, none hangs or becomes a 500.
            many = await asyncio.gather(
                *(client.get("/v2/me", headers=tenant.headers) for _ in range(10))
            )
            assert {r.status_code for r in many} == {503}
    finally:
        await engine.dispose()
