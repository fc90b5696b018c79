"""A teacher sees the sessions they co-host: a collective team workshop's booking is in the
co-host's Today, Bookings (list, filters, CSV export) and booking page, exactly as the API's
access rule lets them act on it (``bookings.hosting``). Attackers first: a teacher of the
same team hosting none of it, another school's owner, a stranger, by URL and by filters."""

from __future__ import annotations

import csv
import io

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.bookings.helpers import MONDAY, booking_state
from tests.dashboard.cohost_setup import cohosted
from tests.dashboard.staff import Staff, csrf_at
from tests.factories import Tenant
from tests.helpers import exported_uid

DAY = f"/dashboard?day={MONDAY.isoformat()}"
ACTIONS = ("cancel", "confirm", "decline", "mark-paid", "reschedule")


def exported_uids(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {exported_uid(row["uid"]) for row in csv.DictReader(io.StringIO(response.text))}


async def test_a_cohost_sees_the_session_everywhere_and_nothing_of_a_colleague(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
) -> None:
    co = await cohosted(client, sessionmaker, tenant)
    uid = co.booking["uid"]
    colleagues = {seat["uid"] for seat in co.colleagues}
    for teacher in (co.lead, co.cohost):
        async with staff.signed_in(teacher.id, tenant.id) as page:
            today = await page.get(DAY)
            assert today.status_code == 200 and f'id="s-{uid}"' in today.text, teacher
            assert "Coco Student" in today.text
            listed = await page.get("/dashboard/bookings", params={"from": MONDAY.isoformat()})
            assert uid in listed.text and not colleagues & set(listed.text.split('"'))
            mine = await page.get("/dashboard/bookings", params={"workshop": co.workshop["id"]})
            assert uid in mine.text
            assert exported_uids(await page.get("/dashboard/bookings.csv")) == {uid}
            opened = await page.get(f"/dashboard/bookings/{uid}")
            assert opened.status_code == 200 and "Coco Student" in opened.text
            assert all(s not in today.text for s in colleagues)
    async with staff.signed_in(co.cohost.id, tenant.id) as page:
        # The teacher filter narrows a teacher's list (to sessions shared with that colleague)
        # and never widens it: asking for the owner's bookings shows none of them.
        shared = await page.get("/dashboard/bookings", params={"teacher": co.lead.id})
        assert uid in shared.text
        owners = await page.get("/dashboard/bookings.csv", params={"teacher": tenant.owner_id})
        assert exported_uids(owners) == set()
        for seat in colleagues:
            assert (await page.get(f"/dashboard/bookings/{seat}")).status_code == 404


async def test_a_team_teacher_hosting_none_of_it_and_another_school_reach_nothing(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    co = await cohosted(client, sessionmaker, tenant)
    uid = co.booking["uid"]
    async with staff.signed_in(co.bystander.id, tenant.id) as page:
        token = await csrf_at(page)
        assert uid not in (await page.get(DAY)).text
        for params in (
            {},
            {"workshop": str(co.workshop["id"])},
            {"teacher": str(co.lead.id)},
            {"teacher": str(co.cohost.id), "workshop": str(co.workshop["id"])},
            {"student": co.booking["attendees"][0]["email"]},
        ):
            listed = await page.get("/dashboard/bookings", params=params)
            assert listed.status_code == 200 and uid not in listed.text, params
            assert exported_uids(await page.get("/dashboard/bookings.csv", params=params)) == set()
        assert (await page.get(f"/dashboard/bookings/{uid}")).status_code == 404
        for action in ACTIONS:
            r = await page.post(f"/dashboard/bookings/{uid}/{action}", data={"csrf": token})
            assert r.status_code == 404, action
        for action in ("attendance", "message"):
            r = await page.post(
                f"/dashboard/sessions/{uid}/{action}",
                data={"csrf": token, "subject": "Hi", "message": "Hello"},
            )
            assert r.status_code == 404, action
    async with staff.signed_in(other_tenant.owner_id, other_tenant.id) as elsewhere:
        assert (await elsewhere.get(f"/dashboard/bookings/{uid}")).status_code == 404
        assert uid not in (await elsewhere.get(DAY)).text
        assert uid not in (await elsewhere.get("/dashboard/bookings.csv")).text
    stranger = await client.get(f"/dashboard/bookings/{uid}", follow_redirects=False)
    assert stranger.status_code == 303 and "sign-in" in stranger.headers["location"]
    assert (await booking_state(client, tenant, uid))["status"] == "accepted"


async def test_a_team_admin_sees_the_teams_sessions_as_the_api_lets_them(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
) -> None:
    co = await cohosted(client, sessionmaker, tenant, bystander_role="ADMIN")
    uid = co.booking["uid"]
    api = await client.get(f"/v2/bookings/{uid}", headers=co.bystander.headers)
    assert api.status_code == 200
    async with staff.signed_in(co.bystander.id, tenant.id) as page:
        assert f'id="s-{uid}"' in (await page.get(DAY)).text
        assert exported_uids(await page.get("/dashboard/bookings.csv")) == {uid}
        assert (await page.get(f"/dashboard/bookings/{uid}")).status_code == 200
