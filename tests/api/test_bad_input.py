"""Bad input on every route gets a 4xx in the error envelope, never a 500, and writes nothing."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.api.test_tenant_isolation import objects_of_tenant_a, snapshot
from tests.api_catalog import PUBLIC_CAPABILITIES, operations, wrong_type
from tests.factories import Tenant, make_member


def assert_clean_4xx(response: httpx.Response, what: str) -> None:
    assert 400 <= response.status_code < 500, f"{what}: {response.status_code} {response.text}"
    body = response.json()
    assert body["status"] == "error", what
    assert body["error"]["code"] and body["error"]["message"], what
    assert body["error"]["details"]["reason"], what


async def test_every_route_refuses_bad_input_cleanly(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    app: FastAPI = client._transport.app  # type: ignore[attr-defined]
    ids = {**await objects_of_tenant_a(client, tenant, sessionmaker), "uid": "no-such-hold"}
    before = await snapshot(client, tenant, ids)
    tried = 0
    for op in operations(app):
        url = op.url(ids)
        if op.body_schema is not None:
            r = await client.request(
                op.method,
                url,
                headers={**tenant.headers, "Content-Type": "application/json"},
                content=b'{"broken": ',
            )
            assert_clean_4xx(r, f"{op} with malformed JSON")
            for body in wrong_type(op.body_schema):
                r = await client.request(op.method, url, headers=tenant.headers, json=body)
                assert_clean_4xx(r, f"{op} with {body!r}")
                tried += 1
        for name in op.params if op.path not in PUBLIC_CAPABILITIES else ():
            for bad in ("abc", "0", "-1", "99999999999999999999", "1.5"):
                r = await client.request(
                    op.method, op.url({**ids, name: bad}), headers=tenant.headers, json={}
                )
                assert_clean_4xx(r, f"{op} with {name}={bad}")
                tried += 1
        if op.path.startswith("/v2/"):
            r = await client.request(
                op.method, url + "?take=0&skip=-1", headers={"Authorization": "Bearer x"}
            )
            assert_clean_4xx(r, f"{op} with a bad key")
    assert tried > 50
    assert await snapshot(client, tenant, ids) == before


async def test_unknown_route_and_method_use_the_error_envelope(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    r = await client.get("/v2/nothing-here", headers=tenant.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "NotFoundException"
    r = await client.put("/v2/me", headers=tenant.headers)
    assert r.status_code == 405 and r.json()["status"] == "error"
    member = await make_member(sessionmaker, tenant)
    r = await client.get(f"/v2/organizations/{tenant.id}/users?take=999", headers=member.headers)
    assert r.status_code == 400
    assert r.json()["error"]["details"]["errors"][0]["property"] == "take"


async def test_ops_endpoints(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert (
        ready.json()["checks"]["migrations"]["current"]
        == ready.json()["checks"]["migrations"]["head"]
    )
    metrics = await client.get("/metrics")
    assert "immersio_http_requests_total" in metrics.text
    r = await client.get("/healthz", headers={"X-Request-Id": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    assert len((await client.get("/healthz")).headers["x-request-id"]) == 32
    spec = (await client.get("/openapi.json")).json()
    assert "/v2/organizations/{orgId}/users" in spec["paths"]
