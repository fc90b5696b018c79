"""Set-up shared by the waitlist tests: a full seated session and joining its line."""

from __future__ import annotations

import secrets
from typing import Any

import httpx

from tests import dates
from tests.bookings.helpers import MONDAY, book, seating, student, teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import data

START = dates.at(MONDAY, "10:00")


def email(prefix: str = "w") -> str:
    return f"{prefix}-{secrets.token_hex(5)}@example.com"


async def full_session(
    client: httpx.AsyncClient, tenant: Tenant, seats: int = 1, **fields: Any
) -> dict[str, Any]:
    """A seated workshop whose session at ``START`` is full (``seats`` students booked)."""
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, seats=seating(seats), **fields)
    for _ in range(seats):
        data(await book(client, et["id"], START, attendee=student(email("seat"))), 201)
    return et


async def join(
    client: httpx.AsyncClient,
    event_type_id: int,
    start: str = START,
    attendee: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> httpx.Response:
    body = {
        "eventTypeId": event_type_id,
        "start": start,
        "attendee": attendee or student(email()),
        **fields,
    }
    return await client.post("/v2/waitlist", json=body, headers=headers or {})
