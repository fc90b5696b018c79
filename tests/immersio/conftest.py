"""The Immersio simulator on a free loopback port, fresh for each test, and quick retries."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from immersio_booking.fakes.immersio import create_simulator, generate
from immersio_booking.fakes.served import BackgroundServer
from immersio_booking.immersio import client as immersio_client

API_KEY = "test-key"
IMMERSIO_ORG = "imm-org"


@dataclass
class FakeImmersio:
    url: str

    def control(self, method: str, path: str, body: Any = None) -> Any:
        response = httpx.request(method, f"{self.url}/_control{path}", json=body, timeout=10)
        assert response.status_code < 300, response.text
        return response.json()

    def faults(self, **faults: Any) -> None:
        self.control("PUT", "/faults", faults)

    def enrol(self, course_id: str, student_id: str, email: str, name: str = "New") -> None:
        self.control(
            "PUT", f"/courses/{course_id}/students/{student_id}", {"email": email, "name": name}
        )

    def drop(self, course_id: str, student_id: str) -> None:
        self.control("DELETE", f"/courses/{course_id}/students/{student_id}")

    def students(self, course_id: str) -> list[dict[str, Any]]:
        course = next(c for c in self.control("GET", "/data")["courses"] if c["id"] == course_id)
        return list(course["students"])

    def calls(self) -> dict[str, int]:
        return dict(self.control("GET", "/stats")["calls"])


@pytest.fixture
def fake_immersio() -> Iterator[FakeImmersio]:
    app = create_simulator(API_KEY, IMMERSIO_ORG, generate(seed=7, courses=5, students=10))
    server = BackgroundServer(app).start()
    yield FakeImmersio(server.url)
    server.stop()


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        immersio_client,
        "DEFAULT_RETRY",
        immersio_client.RetryPolicy(attempts=6, base_delay=0.01, max_delay=0.05),
    )


@pytest.fixture
async def jobs_env(database_url: str, data_dir: Any) -> AsyncIterator[None]:
    from tests.jobs import job_environment

    with job_environment(database_url, data_dir, IMMERSIO_ALLOW_PRIVATE_NETWORK_TARGETS="true"):
        yield
