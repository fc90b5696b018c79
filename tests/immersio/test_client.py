"""The client's pages, errors and retries against the simulator."""

from __future__ import annotations

import httpx
import pytest

from immersio_booking.fakes.immersio import create_simulator, generate
from immersio_booking.fakes.served import BackgroundServer
from immersio_booking.immersio.client import (
    ImmersioClient,
    ImmersioForbidden,
    ImmersioNotFound,
    ImmersioUnauthorized,
    ImmersioUnavailable,
)


@pytest.fixture
def big_course() -> BackgroundServer:
    server = BackgroundServer(create_simulator("k", "org", generate(courses=2, students=250)))
    return server.start()


async def test_the_client_follows_cursors_and_types_errors(big_course: BackgroundServer) -> None:
    try:
        async with ImmersioClient(big_course.url, "org", "k", allow_private=True) as api:
            students = await api.students("crs_1")
            assert len(students) == 250 and len({s.id for s in students}) == 250
            with pytest.raises(ImmersioNotFound):
                await api.students("crs_404")
            httpx.put(f"{big_course.url}/_control/faults", json={"serverErrorNext": 100})
            with pytest.raises(ImmersioUnavailable):
                await api.courses()
        async with ImmersioClient(big_course.url, "org", "wrong", allow_private=True) as api:
            with pytest.raises(ImmersioUnauthorized):
                await api.courses()
        async with ImmersioClient(big_course.url, "other", "k", allow_private=True) as api:
            with pytest.raises(ImmersioForbidden):
                await api.courses()
        calls = httpx.get(f"{big_course.url}/_control/stats").json()["calls"]
        assert calls["students"] == 3 + 1  # three pages, then the unknown course
    finally:
        big_course.stop()
