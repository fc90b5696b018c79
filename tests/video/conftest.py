"""The Zoom simulator on a free loopback port (fresh for each test), and an app that calls it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from immersio_booking.fakes.served import BackgroundServer
from immersio_booking.fakes.zoom import create_simulator
from immersio_booking.video import zoom_client
from tests import versions
from tests.video.helpers import ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET, FakeZoom


@pytest.fixture
def fake_zoom() -> Iterator[FakeZoom]:
    server = BackgroundServer(create_simulator(ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET)).start()
    zoom_client.forget_tokens()
    yield FakeZoom(server.url)
    server.stop()
    zoom_client.forget_tokens()


@pytest.fixture
async def zoom_client_app(
    fake_zoom: FakeZoom, settings: Settings, engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    """The API with Zoom's addresses on the simulator."""
    app = create_app(settings.model_copy(update=fake_zoom.settings), engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", event_hooks=versions.HOOKS
    ) as client:
        yield client
