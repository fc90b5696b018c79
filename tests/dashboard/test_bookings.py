"""The bookings list (filters, pages, CSV export safe in a spreadsheet) and a booking's page
(history, cancel with the refund shown first, reschedule to a free time, confirm, mark paid)."""

from __future__ import annotations

import csv
import io

import httpx

from tests import dates
from tests.bookings.helpers import (
    MONDAY,
    book,
    booking_state,
    cancellation_history,
    teacher_hours,
    workshop,
)
from tests.dashboard.bookings_setup import seated_session
from tests.dashboard.staff import Staff, csrf_of
from tests.factories import Tenant
from tests.helpers import data, exported_uid


async def test_the_list_filters_and_the_export_is_safe_in_a_spreadsheet(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    et, seats = await seated_session(client, tenant, name='=HYPERLINK("http://evil")')
    email = seats[1]["attendees"][0]["email"]
    async with staff.signed_in(tenant.owner_id, tenant.id) as owner:
        everything = await owner.get("/dashboard/bookings")
        assert everything.status_code == 200
        assert all(s["uid"] in everything.text for s in seats)
        one = await owner.get("/dashboard/bookings", params={"student": email})
        assert seats[1]["uid"] in one.text and seats[0]["uid"] not in one.text
        day = MONDAY.isoformat()
        ranged = await owner.get(
            "/dashboard/bookings",
            params={"workshop": et["id"], "status": "upcoming", "from": day, "to": day},
        )
        assert all(s["uid"] in ranged.text for s in seats)
        before = (MONDAY - dates.DAY).isoformat()
        earlier = await owner.get("/dashboard/bookings", params={"from": before, "to": before})
        assert seats[0]["uid"] not in earlier.text
        bad = await owner.get(
            "/dashboard/bookings", params={"status": "everything", "from": "soon"}
        )
        assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text
        assert (await owner.get("/dashboard/bookings", params={"sort": "x"})).status_code == 400
        exported = await owner.get("/dashboard/bookings.csv", params={"workshop": et["id"]})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert {exported_uid(r["uid"]) for r in rows} == {s["uid"] for s in seats}
    assert all(r["student"].startswith("'=HYPERLINK") for r in rows)
    assert all(r["payment"] == "free" for r in rows)


async def test_a_page_of_its_own_for_each_twenty_five(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    await seated_session(client, tenant, seats=3)
    async with staff.signed_in(tenant.owner_id, tenant.id) as owner:
        first = await owner.get("/dashboard/bookings")
        assert "3 bookings" in first.text and "Next page" not in first.text
        beyond = await owner.get("/dashboard/bookings", params={"page": "2"})
        assert "No booking matches." in beyond.text


async def test_cancel_shows_the_refund_then_writes_the_history(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    _, [seat] = await seated_session(client, tenant, seats=1)
    async with staff.signed_in(tenant.owner_id, tenant.id) as owner:
        page = await owner.get(f"/dashboard/bookings/{seat['uid']}")
        assert "Cancelling now refunds nothing: nothing was paid online." in page.text
        r = await owner.post(
            f"/dashboard/bookings/{seat['uid']}/cancel",
            data={"csrf": csrf_of(page.text), "reason": "Teacher ill"},
        )
        assert r.status_code == 303
        after = await owner.get(r.headers["location"])
    assert "The booking is cancelled." in after.text and "Teacher ill" in after.text
    assert (await booking_state(client, tenant, seat["uid"]))["status"] == "cancelled"
    [entry] = await cancellation_history(client, tenant, seat["uid"])
    assert entry["cancellationReason"] == "Teacher ill"


async def test_reschedule_to_a_free_time_keeps_the_chain(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    _, [seat] = await seated_session(client, tenant, seats=1)
    async with staff.signed_in(tenant.owner_id, tenant.id) as owner:
        choose = await owner.get(
            f"/dashboard/bookings/{seat['uid']}/reschedule", params={"from": MONDAY.isoformat()}
        )
        assert choose.status_code == 200
        new_start = dates.instant(MONDAY, "14:00").isoformat()
        assert f'value="{new_start}"' in choose.text
        r = await owner.post(
            f"/dashboard/bookings/{seat['uid']}/reschedule",
            data={"csrf": csrf_of(choose.text), "start": new_start},
        )
        assert r.status_code == 303
        moved = await owner.get(r.headers["location"])
        bad = await owner.post(
            f"/dashboard/bookings/{seat['uid']}/reschedule",
            data={"csrf": csrf_of(choose.text), "start": "tomorrow"},
        )
    assert "The booking is moved" in moved.text
    assert f'href="/dashboard/bookings/{seat["uid"]}"' in moved.text  # the chain links back
    assert (await booking_state(client, tenant, seat["uid"]))["status"] == "cancelled"
    assert bad.status_code == 400


async def test_a_request_waiting_for_its_payment_is_marked_paid_then_confirmed(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(
        client, tenant, price=1200, currency="eur", confirmationPolicy={"type": "always"}
    )
    request = data(await book(client, et["id"], dates.at(MONDAY, "11:00")), 201)
    other = data(await book(client, et["id"], dates.at(MONDAY, "13:00")), 201)
    path = f"/dashboard/bookings/{request['uid']}"
    async with staff.signed_in(tenant.owner_id, tenant.id) as owner:
        page = await owner.get(path)
        token = csrf_of(page.text)
        assert "Waiting for payment" in page.text and "Mark as paid" in page.text
        early = await owner.post(f"{path}/confirm", data={"csrf": token})
        assert early.status_code == 409 and "still waits for its payment" in early.text
        assert (await owner.post(f"{path}/mark-paid", data={"csrf": token})).status_code == 303
        paid = await owner.get(path)
        assert "Paid offline" in paid.text
        assert (await owner.post(f"{path}/confirm", data={"csrf": token})).status_code == 303
        declined = await owner.post(
            f"/dashboard/bookings/{other['uid']}/decline", data={"csrf": token, "reason": "Full"}
        )
        assert declined.status_code == 303
    assert (await booking_state(client, tenant, request["uid"]))["status"] == "accepted"
    assert (await booking_state(client, tenant, other["uid"]))["status"] == "rejected"
