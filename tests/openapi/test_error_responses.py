"""The OpenAPI document lists the error envelope we really send, under every status."""

from __future__ import annotations

from typing import Any

import httpx

REF = {"$ref": "#/components/schemas/ErrorEnvelope"}


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(p, m, op) for p, item in spec["paths"].items() for m, op in item.items()]


async def test_every_api_operation_documents_the_envelope_under_each_error_status(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert "ErrorEnvelope" in spec["components"]["schemas"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    api = [(p, m, op) for p, m, op in _operations(spec) if p.startswith("/v2/")]
    assert len(api) > 100
    for path, method, op in api:
        for status in ("400", "401", "403", "404", "409", "429"):
            response = op["responses"].get(status)
            assert response, f"{method.upper()} {path} lacks {status}"
            assert response["content"]["application/json"]["schema"] == REF
        if "requestBody" in op:
            assert "413" in op["responses"], f"{method.upper()} {path} lacks 413"


async def test_a_refused_input_matches_the_documented_envelope(client: httpx.AsyncClient) -> None:
    """What the document says is what a client gets: the 400 of a bad query, field by field."""
    spec = (await client.get("/openapi.json")).json()
    envelope = spec["components"]["schemas"]["ErrorEnvelope"]
    reply = await client.get("/v2/slots", params={"start": "not-a-date"})
    assert reply.status_code in (400, 401)
    body = reply.json()
    assert set(envelope["required"]) <= set(body)
    assert body["status"] == "error"
    assert set(spec["components"]["schemas"]["ErrorBody"]["required"]) <= set(body["error"])
    details = body["error"]["details"]
    assert {"message", "error", "statusCode"} <= set(details)
