"""Attacks first: another teacher of the school, another school, a student without a key and
hostile URLs never reach a teacher's calendars or the school's network."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from immersio_booking.app import create_app
from immersio_booking.calendars import sealing
from immersio_booking.config import Settings
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.models import Credential
from tests import versions
from tests.bookings.helpers import teacher_hours, workshop
from tests.calendars.helpers import DAY, at, connect_caldav, free_starts, refresh
from tests.calendars.servers import Radicale
from tests.factories import Member, Tenant, make_member
from tests.helpers import assert_error, data


def selection(credential: dict[str, Any], calendar: str) -> dict[str, Any]:
    return {
        "integration": "caldav_calendar",
        "externalId": calendar,
        "credentialId": credential["id"],
    }


async def attempts(
    client: httpx.AsyncClient, headers: dict[str, str], credential: dict[str, Any], calendar: str
) -> list[httpx.Response]:
    """Everything one could try on someone else's credential."""
    return [
        await client.post(
            "/v2/selected-calendars", headers=headers, json=selection(credential, calendar)
        ),
        await client.delete(
            "/v2/selected-calendars", headers=headers, params=selection(credential, calendar)
        ),
        await client.post(
            "/v2/calendars/caldav/disconnect", headers=headers, json={"id": credential["id"]}
        ),
        await client.get(
            "/v2/calendars/busy-times",
            headers=headers,
            params={
                "loggedInUsersTz": "UTC",
                "dateFrom": DAY.isoformat(),
                "dateTo": DAY.isoformat(),
                "calendarsToLoad[0][credentialId]": credential["id"],
                "calendarsToLoad[0][externalId]": calendar,
            },
        ),
    ]


@pytest.mark.parametrize("who", ["colleague", "other_school"])
async def test_nobody_else_reaches_a_teachers_calendar(
    who: str,
    client: httpx.AsyncClient,
    teacher: Tenant,
    other_tenant: Tenant,
    radicale: Radicale,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    credential, _, (calendar,) = await connect_caldav(client, teacher, radicale)
    if who == "colleague":
        colleague: Member = await make_member(sessionmaker, teacher, role="ADMIN")
        headers = colleague.headers
    else:
        headers = other_tenant.headers
    for r in await attempts(client, headers, credential, calendar):
        assert_error(r, 404, "calendar_credential_not_found")
    listed = data(await client.get("/v2/calendars", headers=headers))
    assert listed["connectedCalendars"] == []
    assert data(await client.post("/v2/calendars/busy-times/refresh", headers=headers)) == []
    # The owner still has it, selected.
    mine = data(await client.get("/v2/calendars", headers=teacher.headers))
    assert mine["connectedCalendars"][0]["calendars"][0]["isSelected"]


async def test_a_student_without_a_key_is_unauthorized(client: httpx.AsyncClient) -> None:
    for r in (
        await client.get("/v2/calendars"),
        await client.post(
            "/v2/calendars/ics-feed/save", json={"urls": ["https://example.com/a.ics"]}
        ),
        await client.post("/v2/selected-calendars", json={}),
    ):
        assert r.status_code == 401, r.text


async def test_selection_names_a_calendar_of_the_credential_and_its_kind(
    client: httpx.AsyncClient, teacher: Tenant, radicale: Radicale
) -> None:
    credential, _, (calendar,) = await connect_caldav(client, teacher, radicale)
    r = await client.post(
        "/v2/selected-calendars",
        headers=teacher.headers,
        json={**selection(credential, calendar), "externalId": radicale.url + "t99/other/"},
    )
    assert_error(r, 404, "calendar_not_found")
    r = await client.post(
        "/v2/selected-calendars",
        headers=teacher.headers,
        json={**selection(credential, calendar), "integration": "ics-feed_calendar"},
    )
    assert_error(r, 400, "integration_mismatch")
    r = await client.post(
        "/v2/calendars/ics-feed/disconnect", headers=teacher.headers, json={"id": credential["id"]}
    )
    assert_error(r, 404, "calendar_credential_not_found")
    r = await client.post(
        "/v2/calendars/zoom/disconnect", headers=teacher.headers, json={"id": credential["id"]}
    )
    assert_error(r, 400, "calendar_kind_unknown")
    r = await client.post(
        "/v2/selected-calendars",
        headers=teacher.headers,
        json={**selection(credential, calendar), "color": "red"},
    )
    assert_error(r, 400, "unsupported_field")


async def test_one_teachers_calendar_does_not_take_another_teachers_slots(
    client: httpx.AsyncClient, teacher: Tenant, radicale: Radicale, other_tenant: Tenant
) -> None:
    _, username, (calendar,) = await connect_caldav(client, teacher, radicale)
    radicale.add_event(username, calendar, at(DAY, "10:00"), at(DAY, "11:00"))
    await refresh(client, teacher)
    await teacher_hours(client, other_tenant)
    elsewhere = await workshop(client, other_tenant)
    assert "10:00" in await free_starts(client, elsewhere["id"], DAY)
    mine = await workshop(client, teacher)
    assert "10:00" not in await free_starts(client, mine["id"], DAY)


@pytest.fixture
async def production_like(
    settings: Settings, engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    """The API as in production: private and loopback targets refused."""
    strict = settings.model_copy(update={"allow_private_network_targets": False})
    transport = httpx.ASGITransport(app=create_app(strict, engine=engine))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", event_hooks=versions.HOOKS
    ) as client:
        yield client


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5232/",
        "http://169.254.169.254/latest/",
        "http://[::1]/",
        "http://10.0.0.8/",
    ],
)
async def test_private_addresses_are_refused_in_production(
    production_like: httpx.AsyncClient, tenant: Tenant, url: str
) -> None:
    r = await production_like.post(
        "/v2/calendars/caldav/credentials",
        headers=tenant.headers,
        json={"url": url, "username": "u", "password": "p"},
    )
    body = assert_error(r, 400, "calendar_unreachable")
    assert "non-public" in body["error"]["message"]
    r = await production_like.post(
        "/v2/calendars/ics-feed/save", headers=tenant.headers, json={"urls": [url + "feed.ics"]}
    )
    body = assert_error(r, 400, "ics_feed_unreadable")
    assert "non-public" in body["error"]["message"]


async def test_rotate_keys_reseals_calendar_passwords(
    client: httpx.AsyncClient,
    teacher: Tenant,
    radicale: Radicale,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    credential, username, _ = await connect_caldav(client, teacher, radicale)
    new = Fernet.generate_key().decode()
    rotated = settings.model_copy(
        update={"encryption_keys": ",".join([new, *settings.resolved_encryption_keys()])}
    )
    async with sessionmaker() as session:
        async with session.begin():
            assert await sealing.rotate_all(session, rotated) >= 1
            row = await session.get(Credential, credential["id"])
            assert row is not None
            assert sealing.secret(SecretBox([new]), row, "password") == f"pw-{username}"
            await session.rollback()  # other tests keep using the session's keys
