"""Fixtures: a real PostgreSQL (embedded or DATABASE_URL's server), migrated once per run.

Tests commit for real; each test makes its own tenants (unique slugs and emails) so tests do
not see each other's data, and concurrency tests can race on real connections.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from immersio_booking.db import embedded, migrate
from immersio_booking.db.session import make_engine, make_sessionmaker
from tests import database, versions
from tests.factories import Tenant, make_platform_admin, make_tenant
from tests.mail import inbox  # noqa: F401  (a real SMTP server for the email tests)
from tests.webhooks.receiver import hooks  # noqa: F401  (a webhook subscriber the jobs reach)

# Rate limits and hold caps are off for the tests of other features (and for the processes and
# jobs they start, which read the environment); tests/security/test_rate_limits.py turns them on
# in an app of its own.
os.environ["IMMERSIO_RATE_LIMITS_ENABLED"] = "false"

E2E = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e drives a browser: marked ``e2e`` here, by its path, so a new
    module there needs no marker of its own and ``make test-fast`` leaves it out."""
    for item in items:
        if item.path.is_relative_to(E2E):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def data_dir() -> Iterator[Path]:
    """The run's data directory (embedded server, mail, secrets). Not under pytest's basetemp:
    every pytest run that starts resets /tmp/pytest-of-<user> to mode 0700, which would lock
    the embedded server's own system user out of its files while another run is using them."""
    # One per test process: under pytest-xdist (make test) each worker has its own data dir,
    # hence its own embedded server, scratch database, mail folder and secrets.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    path = Path(tempfile.mkdtemp(prefix=f"immersio-tests-{worker}-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


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


PLATFORM_STRIPE_KEY = "sk_test_platform"
PLATFORM_WEBHOOK_SECRET = "whsec_platform"


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The localstripe server (a stateful fake of Stripe's API) on a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # --from-scratch: localstripe otherwise loads /tmp/localstripe.pickle, a file every
    # localstripe on the machine rewrites on each change, and a torn copy stops it starting.
    log = tmp_path_factory.mktemp("localstripe") / "localstripe.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "localstripe"),
                "--port",
                str(port),
                "--from-scratch",
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/v1/customers", auth=("sk_test_ping", ""), timeout=1)
            break
        except httpx.HTTPError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"localstripe did not start: {log.read_text()[-2000:]}"
                ) from None
            time.sleep(0.1)
    # Jobs read their settings from the environment: point them at localstripe too.
    os.environ["IMMERSIO_STRIPE_API_BASE"] = base
    yield base
    server.terminate()
    server.wait(10)


@pytest.fixture(scope="session")
def settings(data_dir: Path, database_url: str, localstripe: str) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        public_base_url="http://testserver",
        allow_private_network_targets=True,
        log_level="WARNING",
        stripe_api_base=localstripe,
        platform_stripe_secret_key=PLATFORM_STRIPE_KEY,
        platform_stripe_webhook_secret=PLATFORM_WEBHOOK_SECRET,
        rate_limits_enabled=False,
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
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", event_hooks=versions.HOOKS
    ) as client:
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
