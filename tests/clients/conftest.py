"""Published Cal.com clients pointed at our API on a real port, as a school would run them.

Both clients are MCP servers whose tools are plain functions calling Cal.com with ``requests``;
each reads ``CALCOM_API_KEY`` from the environment when imported and has Cal.com's address
written in (``CALCOM_API_BASE_URL``). The fixtures below set both on the imported module, as
an integrator does when pointing a client elsewhere, and undo it after each test.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from tests.bookings.helpers import teacher_hours, workshop
from tests.factories import Tenant
from tests.served import free_port, in_thread


@pytest.fixture(scope="session")
def api_url(settings: Settings) -> Iterator[str]:
    """The whole service on a loopback port (its own engine, the tests' database)."""
    port = free_port()
    served = settings.model_copy(update={"public_base_url": f"http://127.0.0.1:{port}"})
    with in_thread(create_app(served), port) as base:
        yield base


def pointed(monkeypatch: pytest.MonkeyPatch, module: str, base: str, key: str) -> ModuleType:
    """The published client ``module``, calling our ``/v2`` with ``key`` instead of api.cal.com
    with its environment's key."""
    client = importlib.import_module(module)
    assert "site-packages" in str(client.__file__)  # the published module, not one of ours
    monkeypatch.setattr(client, "CALCOM_API_BASE_URL", f"{base}/v2")
    monkeypatch.setattr(client, "CALCOM_API_KEY", key)
    return client


def assert_accounted_for(client: ModuleType, called: set[str], not_served: dict[str, str]) -> None:
    """Every function the client module defines (its MCP tools and helpers alike) is called by
    the tests or listed as not served, with a reason: a new release's function shows up here."""
    defined = {
        name
        for name, value in vars(client).items()
        if inspect.isfunction(value) and value.__module__ == client.__name__
    }
    assert defined == called | not_served.keys()
    assert all(not_served.values())


async def conversation_club(
    published: ModuleType, client: httpx.AsyncClient, tenant: Tenant
) -> dict[str, Any]:
    """The published client finds its key configured; the school opens a teacher's hours and
    the workshop the client then lists and books."""
    assert published.get_api_status() == "Cal.com API key is configured."
    await teacher_hours(client, tenant)
    return await workshop(client, tenant, title="Conversation Club")


def failed(result: Any) -> bool:
    """The clients turn an HTTP error into ``{"error": ..., "status_code": ...}``."""
    return isinstance(result, dict) and "error" in result


def refused(result: Any, status: int, *names: str) -> None:
    """The call failed with ``status``, our error naming each of ``names``."""
    assert failed(result) and result["status_code"] == status, result
    text = str(result.get("response_text"))
    assert all(name in text for name in names), text
