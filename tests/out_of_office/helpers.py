"""Set-up shared by the out-of-office tests: entries, teachers with hours, team workshops."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.auth import service as auth_service
from immersio_booking.db.session import transaction
from immersio_booking.models import User
from tests.factories import Member, Tenant, unique
from tests.helpers import data

ME = "/v2/me/ooo"


async def key_without_organization(sessionmaker: async_sessionmaker[AsyncSession]) -> str:
    """An API key of a user who belongs to no school."""
    async with transaction(sessionmaker) as session:
        user = User(email=f"{unique('nobody')}@example.com")
        session.add(user)
        await session.flush()
        _, key = await auth_service.issue_key(session, user)
    return key


def member_url(tenant: Tenant, user_id: int) -> str:
    return f"/v2/organizations/{tenant.id}/users/{user_id}/ooo"


async def away(
    client: httpx.AsyncClient,
    who: Tenant | Member,
    start: str,
    end: str,
    **fields: Any,
) -> dict[str, Any]:
    """``who`` records an out-of-office entry of their own; returns it."""
    body = {"start": start, "end": end, **fields}
    return data(await client.post(ME, headers=who.headers, json=body), 201)  # type: ignore[no-any-return]


async def hours(
    client: httpx.AsyncClient, who: Tenant | Member, start: str = "09:00", end: str = "12:00"
) -> None:
    """Weekday hours in UTC, as ``who``'s default schedule."""
    data(
        await client.post(
            "/v2/schedules",
            headers=who.headers,
            json={
                "name": "Hours",
                "timeZone": "UTC",
                "isDefault": True,
                "availability": [
                    {
                        "days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
                        "startTime": start,
                        "endTime": end,
                    }
                ],
            },
        ),
        201,
    )


async def team_workshop(
    client: httpx.AsyncClient, tenant: Tenant, kind: str, hosts: list[Member], **fields: Any
) -> dict[str, Any]:
    """A team of ``hosts`` and its ``kind`` ("roundRobin" or "collective") 60-minute workshop."""
    team = data(
        await client.post(
            f"/v2/organizations/{tenant.id}/teams",
            headers=tenant.headers,
            json={"name": f"Team {secrets.token_hex(3)}"},
        ),
        201,
    )
    base = f"/v2/organizations/{tenant.id}/teams/{team['id']}"
    for host in hosts:
        data(
            await client.post(
                f"{base}/memberships",
                headers=tenant.headers,
                json={"userId": host.id, "accepted": True},
            ),
            201,
        )
    return data(  # type: ignore[no-any-return]
        await client.post(
            f"{base}/event-types",
            headers=tenant.headers,
            json={
                "lengthInMinutes": 60,
                "title": kind,
                "slug": f"{kind.lower()}-{secrets.token_hex(3)}",
                "minimumBookingNotice": 0,
                "schedulingType": kind,
                "hosts": [{"userId": h.id} for h in hosts],
                **fields,
            },
        ),
        201,
    )


async def slot_times(
    client: httpx.AsyncClient, event_type_id: int, day: str, zone: str = "UTC"
) -> list[str]:
    """The workshop's free starts on ``day`` ("HH:MM" in ``zone``)."""
    found = data(
        await client.get(
            "/v2/slots",
            params={"eventTypeId": event_type_id, "start": day, "end": day, "timeZone": zone},
            headers={"cal-api-version": "2024-09-04"},
        )
    )
    return [s["start"][11:16] for s in found.get(day, [])]
