"""Slot reservations: holds that the engine and seat counts honour until they expire."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.kit import clock
from immersio_booking.models import SlotReservation
from tests import dates
from tests.bookings.helpers import MONDAY, book, seating, teacher_hours, workshop
from tests.dates import DAY
from tests.factories import Tenant
from tests.helpers import assert_error, data

START = dates.at(MONDAY, "10:00")


async def test_hold_blocks_others_until_it_expires_or_is_used(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    held = data(
        await client.post(
            "/v2/slots/reservations", json={"eventTypeId": et["id"], "slotStart": START}
        ),
        201,
    )
    assert (held["slotDuration"], held["reservationDuration"]) == (60, 5)
    assert held["slotEnd"] == dates.at(MONDAY, "11:00")
    until = datetime.fromisoformat(held["reservationUntil"])
    assert timedelta(minutes=4) < until - clock.now() <= timedelta(minutes=5)
    assert_error(await book(client, et["id"], START), 409, "slot_unavailable")
    assert_error(
        await client.post(
            "/v2/slots/reservations", json={"eventTypeId": et["id"], "slotStart": START}
        ),
        422,
        "slot_unavailable",
    )
    slots = data(
        await client.get(
            "/v2/slots",
            params={"eventTypeId": et["id"], "start": str(MONDAY), "end": str(MONDAY)},
        )
    )
    assert f"{MONDAY}T10:00:00.000Z" not in [s["start"] for s in slots[str(MONDAY)]]
    fetched = data(await client.get(f"/v2/slots/reservations/{held['reservationUid']}"))
    assert fetched["reservationUid"] == held["reservationUid"] and "reservationDuration" not in {
        k for k, v in fetched.items() if v is not None
    }
    # the holder books with its reservation: the hold becomes the booking
    mine = data(await book(client, et["id"], START, reservationUid=held["reservationUid"]), 201)
    assert mine["status"] == "accepted"
    assert data(await client.get(f"/v2/slots/reservations/{held['reservationUid']}")) is None

    other = data(
        await client.post(
            "/v2/slots/reservations",
            json={"eventTypeId": et["id"], "slotStart": dates.at(MONDAY, "12:00")},
        ),
        201,
    )
    async with transaction(sessionmaker) as session:  # time passes: the hold has expired
        await session.execute(
            update(SlotReservation)
            .where(SlotReservation.uid == other["reservationUid"])
            .values(expires_at=clock.now() - timedelta(seconds=1))
        )
    data(await book(client, et["id"], dates.at(MONDAY, "12:00")), 201)


async def test_seat_holds_count_and_staff_choose_length(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(
        client,
        tenant,
        seats=seating(2),
    )
    body = {"eventTypeId": et["id"], "slotStart": START}
    data(await client.post("/v2/slots/reservations", json=body), 201)
    slots = data(
        await client.get(
            "/v2/slots",
            params={"eventTypeId": et["id"], "start": str(MONDAY), "end": str(MONDAY)},
        )
    )
    ten = next(s for s in slots[str(MONDAY)] if s["start"] == f"{MONDAY}T10:00:00.000Z")
    assert (ten["seatsBooked"], ten["seatsRemaining"]) == (1, 1)
    data(await book(client, et["id"], START), 201)
    assert_error(await book(client, et["id"], START), 409, "seats_full")

    assert_error(
        await client.post(
            "/v2/slots/reservations",
            json={**body, "reservationDuration": 10, "slotStart": dates.at(MONDAY + DAY, "10:00")},
        ),
        401,
        "missing_api_key",
    )
    assert_error(
        await client.post(
            "/v2/slots/reservations",
            headers=other_tenant.headers,
            json={**body, "reservationDuration": 10, "slotStart": dates.at(MONDAY + DAY, "10:00")},
        ),
        403,
        "staff_only",
    )
    long = data(
        await client.post(
            "/v2/slots/reservations",
            headers=tenant.headers,
            json={**body, "reservationDuration": 15, "slotStart": dates.at(MONDAY + DAY, "10:00")},
        ),
        201,
    )
    assert long["reservationDuration"] == 15
    assert_error(
        await client.post("/v2/slots/reservations", json={**body, "reservationDuration": 16}),
        400,
        "validation_failed",
    )
    moved = data(
        await client.patch(
            f"/v2/slots/reservations/{long['reservationUid']}",
            headers=tenant.headers,
            json={**body, "slotStart": dates.at(MONDAY + 2 * DAY, "10:00")},
        )
    )
    assert moved["slotStart"] == dates.at(MONDAY + 2 * DAY, "10:00")
    r = await client.delete(f"/v2/slots/reservations/{long['reservationUid']}")
    assert r.json() == {"status": "success"}
    assert_error(
        await client.patch(f"/v2/slots/reservations/{long['reservationUid']}", json=body),
        404,
        "not_found",
    )
    assert_error(
        await client.post(
            "/v2/slots/reservations", json={**body, "slotStart": dates.at(MONDAY, "10:10")}
        ),
        400,
        "slot_unavailable",
    )


async def test_reservation_with_idempotency_key(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    body = {"eventTypeId": et["id"], "slotStart": START}
    headers = {"Idempotency-Key": "hold-1"}
    first = await client.post("/v2/slots/reservations", json=body, headers=headers)
    again = await client.post("/v2/slots/reservations", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
