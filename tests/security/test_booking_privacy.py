"""A student's booking stays theirs: its uid is never handed to strangers, and the booking's
pages show nothing without the signed manage token (issue 12, item 1)."""

from __future__ import annotations

from typing import Any

import httpx

from tests import dates
from tests.bookings.helpers import book, seating, student, teacher_hours, token_of, workshop
from tests.factories import Tenant
from tests.helpers import assert_error, data, tampered

SEATS = seating(3)


async def _seated_booking(client: httpx.AsyncClient, tenant: Tenant) -> tuple[Any, Any, str]:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, title="Private Club", seats=SEATS)
    start = dates.at(dates.monday(), "10:00")
    booked = data(await book(client, et["id"], start, attendee=student("victim@example.com")), 201)
    return et, booked, start


def _slots_query(et: dict[str, Any]) -> dict[str, Any]:
    day = dates.monday()
    return {"eventTypeId": et["id"], "start": day.isoformat(), "end": day.isoformat()}


async def test_public_slots_do_not_hand_out_a_students_booking_uid(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    et, booked, _ = await _seated_booking(client, tenant)
    for headers in ({}, other_tenant.headers):  # a visitor, and a key of another school
        reply = await client.get("/v2/slots", params=_slots_query(et), headers=headers)
        assert reply.status_code == 200
        assert booked["uid"] not in reply.text
        session = data(reply)[dates.monday().isoformat()][1]
        assert session["seatsBooked"] == 1 and "bookingUid" not in session
    # The school's own staff still see which booking a session is (as Cal.com shows them).
    staff = data(await client.get("/v2/slots", params=_slots_query(et), headers=tenant.headers))
    assert staff[dates.monday().isoformat()][1]["bookingUid"] == booked["uid"]


async def test_already_booked_does_not_reveal_the_existing_booking(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et, booked, start = await _seated_booking(client, tenant)
    again = await book(client, et["id"], start, attendee=student("victim@example.com"))
    assert_error(again, 409, "already_booked")
    assert booked["uid"] not in again.text


async def test_booking_pages_need_the_manage_token(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, booked, _ = await _seated_booking(client, tenant)
    uid, token = booked["uid"], token_of(booked)
    for path in (f"/booking/{uid}", f"/booking/{uid}/ics"):
        for params in ({}, {"token": tampered(token)}, {"token": "1.x"}):
            refused = await client.get(path, params=params)
            assert refused.status_code == 404, (path, params)
            for secret in ("Private Club", "victim", "Ada Student", "BEGIN:VCALENDAR"):
                assert secret not in refused.text, (path, params, secret)
    # The same answer as for a booking that does not exist: nothing tells the two apart.
    assert (await client.get("/booking/no-such-booking")).status_code == 404
    page = await client.get(f"/booking/{uid}", params={"token": token})
    assert page.status_code == 200 and "Private Club" in page.text
    assert f"/booking/{uid}/ics?token=" in page.text  # the student's own links carry the token
    ics = await client.get(f"/booking/{uid}/ics", params={"token": token})
    assert ics.status_code == 200 and ics.text.startswith("BEGIN:VCALENDAR")


async def test_a_token_of_one_booking_opens_no_other(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et, mine, start = await _seated_booking(client, tenant)
    other = data(await book(client, et["id"], start, attendee=student("other@example.com")), 201)
    for path in (f"/booking/{other['uid']}", f"/booking/{other['uid']}/ics"):
        assert (await client.get(path, params={"token": token_of(mine)})).status_code == 404


async def test_the_reschedule_page_needs_the_manage_token(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et, booked, _ = await _seated_booking(client, tenant)
    page = f"/{tenant.slug}/{et['slug']}"
    forged = await client.get(page, params={"reschedule": booked["uid"], "token": "1.forged"})
    assert forged.status_code == 200
    assert "Choose a new time" not in forged.text and booked["uid"] not in forged.text
    real = await client.get(page, params={"reschedule": booked["uid"], "token": token_of(booked)})
    assert "Choose a new time" in real.text
