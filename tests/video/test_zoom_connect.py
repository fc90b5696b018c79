"""Connecting a school's Zoom app: checked with Zoom, stored sealed, never shown again, only
by the school's OWNER/ADMIN."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from immersio_booking.models import Credential
from tests import versions
from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data
from tests.video.helpers import CLIENT_ID, CLIENT_SECRET, FakeZoom, connect_zoom
from tests.workflows.test_reminders import info_logs


async def _zoom_credentials(
    sessionmaker: async_sessionmaker[AsyncSession], tenant: Tenant
) -> list[Credential]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Credential).where(
                Credential.organization_id == tenant.id, Credential.type == "zoom_video"
            )
        )
        return list(rows.scalars())


async def test_another_school_or_a_teacher_cannot_touch_a_schools_zoom(
    zoom_client_app: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    data(await connect_zoom(zoom_client_app, tenant))
    path = f"/v2/organizations/{tenant.id}/conferencing/zoom"
    teacher = await make_member(sessionmaker, tenant, role="MEMBER")
    for who, status in ((other_tenant.headers, 404), (teacher.headers, 403)):
        for method in ("GET", "DELETE", "PUT"):
            answer = await zoom_client_app.request(
                method,
                path,
                headers=who,
                json={"accountId": "a", "clientId": "b", "clientSecret": "c"},
            )
            assert answer.status_code == status, (method, answer.text)
            assert CLIENT_SECRET not in answer.text and CLIENT_ID not in answer.text
    assert len(await _zoom_credentials(sessionmaker, tenant)) == 1
    assert await _zoom_credentials(sessionmaker, other_tenant) == []


async def test_refused_credentials_are_400_and_not_stored(
    zoom_client_app: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    for wrong in ({"clientSecret": "not-the-secret"}, {"accountId": "someone-else"}):
        answer = await connect_zoom(zoom_client_app, tenant, **wrong)
        assert_error(answer, 400, "zoom_credentials_refused")
    assert await _zoom_credentials(sessionmaker, tenant) == []
    answer = await zoom_client_app.put(
        f"/v2/organizations/{tenant.id}/conferencing/zoom",
        headers=tenant.headers,
        json={"accountId": "a", "clientId": "b"},
    )
    assert answer.status_code in (400, 422)


async def test_connect_show_and_disconnect_never_reveal_the_secret(
    zoom_client_app: httpx.AsyncClient,
    fake_zoom: FakeZoom,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    path = f"/v2/organizations/{tenant.id}/conferencing/zoom"
    assert_error(await zoom_client_app.get(path, headers=tenant.headers), 404, "zoom_not_connected")
    with info_logs() as entries:
        put = await connect_zoom(zoom_client_app, tenant)
        shown = data(put)
        got = await zoom_client_app.get(path, headers=tenant.headers)
        assert data(got) == shown
        assert shown["status"] == "connected" and shown["invalid"] is False
        assert shown["clientId"] != CLIENT_ID and shown["clientId"].endswith(CLIENT_ID[-4:])
        gone = await zoom_client_app.delete(path, headers=tenant.headers)
        data(gone)
    for answer in (put, got, gone):
        assert CLIENT_SECRET not in answer.text and CLIENT_ID not in answer.text
    assert CLIENT_SECRET not in repr(entries)
    assert fake_zoom.calls()["token"] == 1  # the credentials were checked with Zoom
    assert_error(await zoom_client_app.get(path, headers=tenant.headers), 404, "zoom_not_connected")
    assert await _zoom_credentials(sessionmaker, tenant) == []


async def test_the_secret_is_stored_sealed(
    zoom_client_app: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    data(await connect_zoom(zoom_client_app, tenant))
    (credential,) = await _zoom_credentials(sessionmaker, tenant)
    assert credential.team_id == tenant.id and credential.app_id == "zoom"
    assert CLIENT_SECRET not in repr(credential.key)
    assert credential.key["client_secret"].startswith("gAAAAA")


async def test_no_key_is_401_and_zoom_out_of_reach_is_502_with_nothing_stored(
    settings: Settings,
    engine: AsyncEngine,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    unreachable = settings.model_copy(
        update={"zoom_oauth_base": "http://127.0.0.1:9", "zoom_api_base": "http://127.0.0.1:9"}
    )
    transport = httpx.ASGITransport(app=create_app(unreachable, engine=engine))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", event_hooks=versions.HOOKS
    ) as client:
        path = f"/v2/organizations/{tenant.id}/conferencing/zoom"
        assert (await client.get(path)).status_code == 401
        answer = await connect_zoom(client, tenant)
        assert_error(answer, 502, "zoom_unreachable")
        assert CLIENT_SECRET not in answer.text
    assert await _zoom_credentials(sessionmaker, tenant) == []
