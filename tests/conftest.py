"""Fixtures: a real PostgreSQL (embedded or DATABASE_URL's server), migrated once per run.

Tests commit for real; each test makes its own tenants (unique slugs and emails) so tests do
not see each other's data, and concurrency tests can race on real connections.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from immersio_booking.db import embedded, migrate
from immersio_booking.db.session import make_engine, make_sessionmaker
from tests import database
from tests.factories import Tenant, make_platform_admin, make_tenant


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def server_url(data_dir: Path) -> Iterator[str]:
    url = database.server_url(data_dir)
    yield url
    if not os.environ.get("DATABASE_URL"):
        embedded.stop(data_dir)  # the embedded server outlives processes by design; end it here


@pytest.fixture(scope="session")
def database_url(server_url: str) -> Iterator[str]:
    url = database.create_scratch_database(server_url)
    migrate.upgrade(url)
    yield url
    database.drop_database(url)


@pytest.fixture(scope="session")
def settings(data_dir: Path, database_url: str) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        public_base_url="http://testserver",
        allow_private_network_targets=True,
        log_level="WARNING",
    )


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url, pool_size=20, max_overflow=20)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_sessionmaker(engine)


@pytest.fixture(scope="session")
async def client(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def tenant(sessionmaker: async_sessionmaker[AsyncSession]) -> Tenant:
    return await make_tenant(sessionmaker)


@pytest.fixture
async def other_tenant(sessionmaker: async_sessionmaker[AsyncSession]) -> Tenant:
    return await make_tenant(sessionmaker)


@pytest.fixture
async def platform_admin_key(sessionmaker: async_sessionmaker[AsyncSession]) -> str:
    return await make_platform_admin(sessionmaker)
