"""Attackers first: a teacher by URL on another teacher's booking, one school's owner on
another school's booking, forged or missing CSRF, actions on a cancelled booking. Each is
refused and nothing is written."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.bookings.helpers import booking_state, cancel_as_school, cancellation_history
from tests.dashboard.bookings_setup import seated_session
from tests.dashboard.staff import Staff, csrf_at, csrf_of
from tests.factories import Tenant, make_member

ACTIONS = ("cancel", "confirm", "decline", "mark-paid", "reschedule")


async def test_a_teacher_reaches_no_other_teachers_booking(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
) -> None:
    _, [seat, _] = await seated_session(client, tenant)
    teacher = await make_member(sessionmaker, tenant)
    async with staff.signed_in(teacher.id, tenant.id) as page:
        token = await csrf_at(page)
        assert seat["uid"] not in (await page.get("/dashboard")).text
        assert (await page.get(f"/dashboard/bookings/{seat['uid']}")).status_code == 404
        assert (await page.get(f"/dashboard/bookings/{seat['uid']}/reschedule")).status_code == 404
        listed = await page.get("/dashboard/bookings")
        assert listed.status_code == 200 and seat["uid"] not in listed.text
        exported = await page.get("/dashboard/bookings.csv")
        assert seat["uid"] not in exported.text
        for action in ACTIONS:
            r = await page.post(f"/dashboard/bookings/{seat['uid']}/{action}", data={"csrf": token})
            assert r.status_code == 404, action
        for action in ("attendance", "message"):
            r = await page.post(
                f"/dashboard/sessions/{seat['uid']}/{action}",
                data={"csrf": token, "subject": "Hi", "message": "Hello"},
            )
            assert r.status_code == 404, action
    assert (await booking_state(client, tenant, seat["uid"]))["status"] == "accepted"


async def test_one_schools_owner_reaches_no_booking_of_another(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    _, [seat, _] = await seated_session(client, other_tenant)
    async with staff.signed_in(tenant.owner_id, tenant.id) as owner:
        token = await csrf_at(owner)
        assert (await owner.get(f"/dashboard/bookings/{seat['uid']}")).status_code == 404
        for action in ACTIONS:
            r = await owner.post(
                f"/dashboard/bookings/{seat['uid']}/{action}", data={"csrf": token}
            )
            assert r.status_code == 404, action
        r = await owner.post(
            f"/dashboard/sessions/{seat['uid']}/message",
            data={"csrf": token, "subject": "Hi", "message": "Hello"},
        )
        assert r.status_code == 404
    assert (await booking_state(client, other_tenant, seat["uid"]))["status"] == "accepted"


@pytest.mark.parametrize("forged", [None, "x" * 40])
async def test_every_post_needs_the_pages_csrf_token(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
    forged: str | None,
) -> None:
    _, [seat, _] = await seated_session(client, tenant)
    form = {"subject": "Hi", "message": "Hello", **({"csrf": forged} if forged else {})}
    async with staff.signed_in(tenant.owner_id, tenant.id) as owner:
        await owner.get("/dashboard")  # the CSRF cookie is set, the token not sent
        paths = [f"/dashboard/bookings/{seat['uid']}/{a}" for a in ACTIONS] + [
            f"/dashboard/sessions/{seat['uid']}/{a}" for a in ("attendance", "message")
        ]
        for path in paths:
            assert (await owner.post(path, data=form)).status_code == 403, path
    assert (await booking_state(client, tenant, seat["uid"]))["status"] == "accepted"


async def test_actions_on_a_cancelled_booking_show_why_and_write_nothing(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    _, [seat, _] = await seated_session(client, tenant)
    await cancel_as_school(client, tenant, seat)
    history = await cancellation_history(client, tenant, seat["uid"])
    async with staff.signed_in(tenant.owner_id, tenant.id) as owner:
        page = await owner.get(f"/dashboard/bookings/{seat['uid']}")
        assert page.status_code == 200
        token = csrf_of(page.text)
        refused = await owner.post(
            f"/dashboard/bookings/{seat['uid']}/cancel", data={"csrf": token, "reason": "again"}
        )
        assert refused.status_code == 400
        assert "no longer active: it cannot be cancelled" in refused.text
        assert 'role="alert"' in refused.text
        for action, reason in (("confirm", "pending request"), ("mark-paid", "no payment")):
            r = await owner.post(
                f"/dashboard/bookings/{seat['uid']}/{action}", data={"csrf": token}
            )
            assert r.status_code == 400, action
            assert reason in r.text, action
    assert (await booking_state(client, tenant, seat["uid"]))["status"] == "cancelled"
    assert await cancellation_history(client, tenant, seat["uid"]) == history
