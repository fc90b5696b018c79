"""Cal.com's 2024-04-15 shapes, over the same services as today's: a legacy booking is the
same booking (seats, whitelist, payment hold apply), legacy lists page with a cursor, legacy
event types and slots read and write the same rows. Only what a school owns is reachable."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from tests import dates
from tests.bookings.helpers import MONDAY, seating, teacher_hours, workshop
from tests.dates import DAY
from tests.factories import Tenant, unique
from tests.helpers import assert_error, data

LEGACY = {"cal-api-version": "2024-04-15"}
CURRENT = {"cal-api-version": "2024-08-13"}


def legacy_body(event_type_id: int, start: str, email: str, **extra: Any) -> dict[str, Any]:
    return {
        "eventTypeId": event_type_id,
        "start": start,
        "timeZone": "Europe/Paris",
        "language": "fr",
        "metadata": {},
        "responses": {"name": {"firstName": "Ada", "lastName": "Student"}, "email": email},
        **extra,
    }


async def legacy_book(client: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    return await client.post("/v2/bookings", json=body, headers=LEGACY)


async def test_legacy_booking_is_the_same_booking(
    bare: httpx.AsyncClient, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, seats=seating(2))
    start = dates.at(MONDAY, "10:00")
    answers = {
        "name": {"firstName": "Ada", "lastName": "Student"},
        "email": "ada@example.com",
        "guests": ["mum@example.com"],
    }
    body = legacy_body(
        et["id"], start, "ada@example.com", end=dates.at(MONDAY, "11:00"), responses=answers
    )
    # guests go where today's guests go: a seated workshop takes none
    assert_error(await bare.post("/v2/bookings", json=body), 400, "guests_not_allowed")
    del answers["guests"]
    created = data(await bare.post("/v2/bookings", json=body), 201)  # no header: legacy
    assert created["startTime"] == f"{MONDAY}T10:00:00.000Z"
    assert created["endTime"] == f"{MONDAY}T11:00:00.000Z"
    assert created["status"] == "ACCEPTED" and created["eventTypeId"] == et["id"]
    assert created["attendees"][0]["name"] == "Ada Student"
    assert created["attendees"][0]["locale"] == "fr"
    today = data(await client.get(f"/v2/bookings/{created['uid']}", headers=tenant.headers))
    assert datetime.fromisoformat(today["start"]) == datetime.fromisoformat(created["startTime"])
    assert today["attendees"][0]["email"] == "ada@example.com"
    # the same seat rules: the same student twice, then a full session
    assert_error(await legacy_book(bare, body), 409, "already_booked")
    data(await legacy_book(bare, legacy_body(et["id"], start, "bob@example.com")), 201)
    assert_error(
        await legacy_book(bare, legacy_body(et["id"], start, "cy@example.com")), 409, "seats_full"
    )
    # an end that is no length of the workshop is refused, as today's lengthInMinutes is
    wrong = legacy_body(et["id"], dates.at(MONDAY + DAY, "10:00"), "d@example.com")
    wrong["end"] = dates.at(MONDAY + DAY, "10:45")
    assert_error(await legacy_book(bare, wrong), 400, "invalid_duration")
    # Cal.com fields we do not apply are named in a 400, never ignored
    rescheduling = {**legacy_body(et["id"], start, "e@example.com"), "rescheduleUid": "x"}
    refused = assert_error(await legacy_book(bare, rescheduling), 400, "unsupported_field")
    assert refused["error"]["details"]["fields"] == ["rescheduleUid"]


async def test_legacy_booking_keeps_whitelist_and_payment_hold(
    bare: httpx.AsyncClient, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    listed = await workshop(client, tenant, metadata={"registration_mode": "whitelist"})
    start = dates.at(MONDAY, "10:00")
    assert_error(
        await legacy_book(bare, legacy_body(listed["id"], start, "stranger@example.com")),
        403,
        "not_whitelisted",
    )
    priced = await workshop(client, tenant, price=2500, currency="eur")
    held = data(await legacy_book(bare, legacy_body(priced["id"], start, "payer@example.com")), 201)
    assert held["status"] == "PENDING" and held["paid"] is False and held["payment"]
    assert data(await client.get(f"/v2/bookings/{held['uid']}", headers=tenant.headers))[
        "holdExpiresAt"
    ]


async def test_legacy_list_get_and_cancel(
    bare: httpx.AsyncClient,
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    uids = [
        data(
            await legacy_book(
                bare,
                legacy_body(
                    et["id"],
                    dates.at(MONDAY + n * DAY, "10:00"),
                    f"s{n}@x.org",
                    responses={"name": f"Student {n}", "email": f"s{n}@x.org", "notes": "Hi"},
                ),
            ),
            201,
        )["uid"]
        for n in range(3)
    ]
    query = {"filters[status]": "upcoming", "filters[eventTypeIds]": et["id"], "limit": 2}
    first = data(await bare.get("/v2/bookings", params=query, headers=tenant.headers))
    assert [b["uid"] for b in first["bookings"]] == uids[:2] and first["nextCursor"] == 2
    rest = data(
        await bare.get(
            "/v2/bookings", params={**query, "cursor": first["nextCursor"]}, headers=tenant.headers
        )
    )
    assert [b["uid"] for b in rest["bookings"]] == uids[2:] and rest["nextCursor"] is None
    assert rest["recurringInfo"] == []
    # `take` (2024-08-13's page size, sent by clients without the header) reads as `limit`
    by_take = {"filters[eventTypeIds]": et["id"], "take": 1}
    taken = data(await bare.get("/v2/bookings", params=by_take, headers=tenant.headers))
    assert [b["uid"] for b in taken["bookings"]] == uids[:1] and taken["nextCursor"] == 1
    assert_error(
        await bare.get("/v2/bookings", params={**query, "take": 1}, headers=tenant.headers),
        400,
        "validation_failed",
    )
    # Several workshops at once: a booking of any of them (another school's id finds nothing).
    other = await workshop(client, tenant)
    theirs = await workshop(client, other_tenant)
    only_other = {"filters[eventTypeIds]": f"{other['id']},{theirs['id']}"}
    listed = data(await bare.get("/v2/bookings", params=only_other, headers=tenant.headers))
    assert listed["bookings"] == []
    many = {"filters[eventTypeIds][]": [et["id"], other["id"]]}
    listed = data(await bare.get("/v2/bookings", params=many, headers=tenant.headers))
    assert [b["uid"] for b in listed["bookings"]] == uids
    refused = await bare.get(
        "/v2/bookings", params={"filters[teamsIds]": 1}, headers=tenant.headers
    )
    assert (
        "filters[teamsIds]" in assert_error(refused, 400, "unsupported_field")["error"]["message"]
    )

    one = data(await bare.get(f"/v2/bookings/{uids[0]}", headers=tenant.headers))
    assert one["uid"] == uids[0] and one["user"]["id"] == tenant.owner_id
    assert one["responses"] == {"name": "Student 0", "email": "s0@x.org", "notes": "Hi"}
    # another school, a stranger: not found / no key, in the legacy shapes too
    assert_error(
        await bare.get(f"/v2/bookings/{uids[0]}", headers=other_tenant.headers), 404, "not_found"
    )
    other = data(await bare.get("/v2/bookings", headers=other_tenant.headers))
    assert other["bookings"] == []
    assert (await bare.get("/v2/bookings")).status_code == 401

    cancelled = data(
        await bare.post(
            f"/v2/bookings/{uids[0]}/cancel",
            headers=tenant.headers,
            json={"cancellationReason": "Ill"},
        )
    )
    assert cancelled == {
        "bookingId": one["id"],
        "bookingUid": uids[0],
        "onlyRemovedAttendee": False,
    }
    today = data(await client.get(f"/v2/bookings/{uids[0]}", headers=tenant.headers))
    assert (today["status"], today["cancellationReason"]) == ("cancelled", "Ill")


async def test_legacy_event_types(
    bare: httpx.AsyncClient, client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    body = {
        "length": 45,
        "slug": unique("w"),
        "title": "Conversation",
        "locations": [
            {"type": "inPerson", "address": "1 rue de Paris", "displayLocationPublicly": True}
        ],
        "beforeEventBuffer": 5,
    }
    created = data(await bare.post("/v2/event-types", json=body, headers=tenant.headers), 201)
    assert (created["length"], created["beforeEventBuffer"]) == (45, 5)
    assert created["locations"] == [
        {"type": "inPerson", "address": "1 rue de Paris", "displayLocationPublicly": True}
    ]
    today = data(await client.get(f"/v2/event-types/{created['id']}", headers=tenant.headers))
    assert today["lengthInMinutes"] == 45
    assert today["locations"][0]["type"] == "address"

    listed = data(await bare.get("/v2/event-types", headers=tenant.headers))
    group = listed["eventTypeGroups"][0]
    assert [et["id"] for et in group["eventTypes"]] == [created["id"]]
    assert listed["profiles"][0]["slug"] == group["profile"]["slug"]
    filtered = await bare.get("/v2/event-types", params={"username": "x"}, headers=tenant.headers)
    assert_error(filtered, 400, "unsupported_field")
    got = data(await bare.get(f"/v2/event-types/{created['id']}", headers=tenant.headers))
    assert got["eventType"]["slug"] == body["slug"]

    patched = data(
        await bare.patch(
            f"/v2/event-types/{created['id']}", json={"length": 30}, headers=tenant.headers
        )
    )
    assert patched["length"] == 30
    assert_error(
        await bare.patch(
            f"/v2/event-types/{created['id']}", json={"length": 30}, headers=other_tenant.headers
        ),
        404,
        "not_found",
    )
    assert (
        data(await bare.get("/v2/event-types", headers=other_tenant.headers))["eventTypeGroups"][0][
            "eventTypes"
        ]
        == []
    )
    deleted = data(await bare.delete(f"/v2/event-types/{created['id']}", headers=tenant.headers))
    assert deleted == {
        "id": created["id"],
        "length": 30,
        "slug": body["slug"],
        "title": "Conversation",
    }


async def test_legacy_slots_reserve_and_release(
    bare: httpx.AsyncClient, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    window = {
        "eventTypeId": et["id"],
        "startTime": f"{MONDAY}T00:00:00.000Z",
        "endTime": f"{MONDAY}T23:59:59.999Z",
    }

    async def times() -> list[str]:
        slots = data(await bare.get("/v2/slots/available", params=window))["slots"]
        return [s["time"] for s in slots[str(MONDAY)]]

    ten = f"{MONDAY}T10:00:00.000Z"
    assert ten in await times()
    ranged = data(await bare.get("/v2/slots/available", params={**window, "slotFormat": "range"}))[
        "slots"
    ][str(MONDAY)][0]
    assert ranged == {"startTime": f"{MONDAY}T09:00:00.000Z", "endTime": f"{MONDAY}T10:00:00.000Z"}
    paris = data(
        await bare.get("/v2/slots/available", params={**window, "timeZone": "Europe/Paris"})
    )["slots"][str(MONDAY)]
    assert paris[0]["time"] == f"{MONDAY}T10:00:00.000+01:00"
    refused = await bare.get("/v2/slots/available", params={**window, "debug": "true"})
    assert_error(refused, 400, "unsupported_field")

    hold = {
        "eventTypeId": et["id"],
        "slotUtcStartDate": ten,
        "slotUtcEndDate": f"{MONDAY}T11:00:00.000Z",
    }
    reserved = await bare.post("/v2/slots/reserve", json=hold)
    uid = data(reserved, 201)
    assert isinstance(uid, str) and reserved.cookies.get("uid") == uid
    assert ten not in await times()
    bare.cookies.clear()
    released = await bare.delete("/v2/slots/selected-slot", params={"uid": uid})
    assert released.json() == {"status": "success"}
    assert ten in await times()
