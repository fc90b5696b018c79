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


def tampered(token: str) -> str:
    """``token`` with one character in the middle of its signature (after the last ``.``)
    changed: never equal to it, and never a change that base64 would decode to the same bytes
    (as flipping the unused low bits of a final character can)."""
    head, dot, signature = token.rpartition(".")
    middle = len(signature) // 2
    swapped = "B" if signature[middle] == "A" else "A"
    return f"{head}{dot}{signature[:middle]}{swapped}{signature[middle + 1 :]}"


def exported_uid(cell: str) -> str:
    """A uid as read back from an exported CSV: cells are written formula-safe
    (``kit.spreadsheet``), so a uid starting with ``-`` carries a leading apostrophe there.
    Uids never start with an apostrophe themselves (URL-safe base64)."""
    return cell.removeprefix("'")
