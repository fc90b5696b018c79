"""Steps the calendar tests share: connecting calendars, reading slots, refreshing the cache."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import httpx

from tests import dates
from tests.calendars.servers import Radicale
from tests.factories import Tenant
from tests.helpers import data

DAY = dates.monday()
"""A Monday about eight weeks ahead: inside the 120-day busy-times horizon, whatever today is."""


def at(day: date, hhmm: str) -> datetime:
    return dates.instant(day, hhmm)


async def connect_caldav(
    client: httpx.AsyncClient, tenant: Tenant, radicale: Radicale, calendars: int = 1
) -> tuple[dict[str, Any], str, list[str]]:
    """A fresh Radicale account with ``calendars`` calendars, connected by the tenant's owner:
    the credential, the account name and the calendars' URLs."""
    username, password = radicale.account()
    urls = [radicale.make_calendar(username, f"Cal {i}") for i in range(calendars)]
    credential = data(
        await client.post(
            "/v2/calendars/caldav/credentials",
            headers=tenant.headers,
            json={"url": radicale.url, "username": username, "password": password},
        ),
        201,
    )
    return credential, username, urls


async def refresh(client: httpx.AsyncClient, tenant: Tenant) -> list[dict[str, Any]]:
    return data(  # type: ignore[no-any-return]
        await client.post("/v2/calendars/busy-times/refresh", headers=tenant.headers)
    )


async def free_starts(client: httpx.AsyncClient, event_type_id: int, day: date) -> set[str]:
    """The workshop's free starts on ``day`` (UTC), as ``HH:MM``."""
    found = data(
        await client.get(
            "/v2/slots",
            params={
                "eventTypeId": event_type_id,
                "start": day.isoformat(),
                "end": (day + timedelta(days=1)).isoformat(),
                "timeZone": "UTC",
            },
            headers={"cal-api-version": "2024-09-04"},
        )
    )
    return {s["start"][11:16] for s in found.get(day.isoformat(), [])}
