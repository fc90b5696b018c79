"""Assertions shared by the API tests."""

from __future__ import annotations

from typing import Any

import httpx


def assert_error(response: httpx.Response, status: int, reason: str) -> dict[str, Any]:
    """The response is Cal.com's error envelope with our stable ``reason``."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == "error"
    assert body["error"]["details"]["reason"] == reason, body
    assert body["error"]["message"]
    assert body["error"]["details"]["statusCode"] == status
    assert body["path"].startswith("/")
    return body


def data(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == "success"
    return body["data"]
