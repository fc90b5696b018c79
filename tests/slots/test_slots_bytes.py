"""The exact bytes of ``GET /v2/slots``: the route writes its answer itself (orjson from plain
data), so a change made to save CPU must leave every byte as it was. The expected bodies are
written out by hand from the rules (docs/slots.md), not produced by the code under test."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.bookings.helpers import seating
from tests.factories import Tenant
from tests.slots.test_slots_api import MONDAY, TUESDAY, add_booking, setup_workshop

HEADERS = {"cal-api-version": "2024-09-04"}


async def raw(
    client: httpx.AsyncClient, headers: dict[str, str] | None = None, **query: str
) -> bytes:
    r = await client.get(
        "/v2/slots",
        params={"start": str(MONDAY), "end": str(TUESDAY), **query},
        headers={**HEADERS, **(headers or {})},
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    assert int(r.headers["content-length"]) == len(r.content)
    return r.content


def body(days: dict[str, list[str]]) -> bytes:
    """Cal.com's envelope around ``days`` (each slot already written as JSON), compact."""
    inner = ",".join(f'"{day}":[{",".join(items)}]' for day, items in days.items())
    return f'{{"status":"success","data":{{{inner}}}}}'.encode()


async def test_a_workshop_without_seats_answers_the_same_bytes(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Weekdays 09:00–12:00 Berlin (UTC+1 in February), 60-minute slots; 10:00 Monday taken."""
    et = await setup_workshop(client, tenant)
    await add_booking(sessionmaker, tenant, f"{MONDAY}T10:00:00+01:00", 60, et["id"])
    event = str(et["id"])

    berlin = await raw(client, eventTypeId=event, timeZone="Europe/Berlin")
    assert berlin == body(
        {
            str(MONDAY): [f'{{"start":"{MONDAY}T{h}:00:00.000+01:00"}}' for h in ("09", "11")],
            str(TUESDAY): [
                f'{{"start":"{TUESDAY}T{h}:00:00.000+01:00"}}' for h in ("09", "10", "11")
            ],
        }
    )
    utc = await raw(client, eventTypeId=event)  # no timeZone: UTC, written with Z
    assert utc == body(
        {
            str(MONDAY): [f'{{"start":"{MONDAY}T{h}:00:00.000Z"}}' for h in ("08", "10")],
            str(TUESDAY): [f'{{"start":"{TUESDAY}T{h}:00:00.000Z"}}' for h in ("08", "09", "10")],
        }
    )
    ranged = await raw(client, eventTypeId=event, timeZone="Asia/Kolkata", format="range")
    kolkata = {"08": ("13:30", "14:30"), "09": ("14:30", "15:30"), "10": ("15:30", "16:30")}
    assert ranged == body(
        {
            str(day): [
                f'{{"start":"{day}T{kolkata[h][0]}:00.000+05:30",'
                f'"end":"{day}T{kolkata[h][1]}:00.000+05:30"}}'
                for h in hours
            ]
            for day, hours in ((MONDAY, ("08", "10")), (TUESDAY, ("08", "09", "10")))
        }
    )


async def test_a_seated_workshop_answers_the_same_bytes(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Two seats a session: one taken at 09:00 Monday, 10:00 Monday full (left out)."""
    et = await setup_workshop(client, tenant, seats=seating(2))
    first = await add_booking(sessionmaker, tenant, f"{MONDAY}T09:00:00+01:00", 60, et["id"])
    for _ in range(2):
        await add_booking(sessionmaker, tenant, f"{MONDAY}T10:00:00+01:00", 60, et["id"])
    event = str(et["id"])

    def seated(day: object, hour: str, booked: int, uid: str | None = None) -> str:
        counts = (
            f'"seatsBooked":{booked},"seatsRemaining":{2 - booked},"seatsTotal":2,'
            f'"attendeesCount":{booked}'
        )
        tail = f',"bookingUid":"{uid}"' if uid else ""
        return f'{{"start":"{day}T{hour}:00:00.000+01:00",{counts}{tail}}}'

    tuesday = [seated(TUESDAY, h, 0) for h in ("09", "10", "11")]
    public = await raw(client, eventTypeId=event, timeZone="Europe/Berlin")
    assert public == body(
        {str(MONDAY): [seated(MONDAY, "09", 1), seated(MONDAY, "11", 0)], str(TUESDAY): tuesday}
    )
    staff = await raw(client, tenant.headers, eventTypeId=event, timeZone="Europe/Berlin")
    assert staff == body(
        {
            str(MONDAY): [seated(MONDAY, "09", 1, first), seated(MONDAY, "11", 0)],
            str(TUESDAY): tuesday,
        }
    )
