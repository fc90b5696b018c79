"""Attackers first: a destination calendar is one of the caller's own connected calendars."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.models import DestinationCalendar
from tests.calendars_out.conftest import Dav
from tests.calendars_out.helpers import caldav_credential, choose_destination, make_calendar
from tests.factories import Tenant, make_member
from tests.helpers import assert_error


async def _destinations(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: int
) -> list[DestinationCalendar]:
    async with sessionmaker() as session:
        return list(
            (
                await session.execute(
                    select(DestinationCalendar).where(DestinationCalendar.user_id == user_id)
                )
            ).scalars()
        )


async def test_another_teachers_calendar_is_not_found(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    dav: Dav,
) -> None:
    await caldav_credential(sessionmaker, settings, tenant.id, tenant.owner_id, dav)
    victims_calendar = await make_calendar(dav)
    colleague = await make_member(sessionmaker, tenant)
    # a colleague in the same school, with a calendar account of their own
    await caldav_credential(sessionmaker, settings, tenant.id, colleague.id, dav, "other")
    body = {"integration": "caldav_calendar", "externalId": victims_calendar}
    for headers in (colleague.headers, other_tenant.headers):
        assert_error(
            await client.put("/v2/destination-calendars", headers=headers, json=body),
            404,
            "calendar_not_found",
        )
    # the school of the other tenant's owner has no such credential at all either
    assert await _destinations(sessionmaker, colleague.id) == []
    assert await _destinations(sessionmaker, other_tenant.owner_id) == []
    # the owner may
    await choose_destination(client, tenant.headers, victims_calendar)
    (row,) = await _destinations(sessionmaker, tenant.owner_id)
    assert row.external_id == victims_calendar and row.organization_id == tenant.id


async def test_a_student_without_a_key_cannot_choose(client: httpx.AsyncClient) -> None:
    assert_error(
        await client.put(
            "/v2/destination-calendars",
            json={"integration": "caldav_calendar", "externalId": "x"},
        ),
        401,
        "missing_api_key",
    )


async def test_unsupported_integrations_and_fields_are_refused(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    for body, named in (
        ({"integration": "office365_calendar", "externalId": "x"}, "office365_calendar"),
        (
            {"integration": "caldav_calendar", "externalId": "x", "delegationCredentialId": "1"},
            "delegationCredentialId",
        ),
        ({"integration": "caldav_calendar"}, "externalId"),
    ):
        response = await client.put("/v2/destination-calendars", headers=tenant.headers, json=body)
        assert response.status_code == 400, (body, response.text)
        assert named in response.text, (body, response.text)
