"""Joining the waitlist of a full session: the attacks first, then the rules (issue 19)."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.models import WaitlistEntry
from tests import dates
from tests.bookings.helpers import MONDAY, book, seating, student, teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import assert_error, data
from tests.security.limits import limited
from tests.waitlist.helpers import START, email, full_session, join


async def test_a_session_with_a_free_seat_is_booked_not_waited_for(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, seats=seating(2))
    data(await book(client, et["id"], START, attendee=student(email())), 201)
    assert_error(await join(client, et["id"]), 409, "session_not_full")


async def test_a_workshop_without_seats_and_a_time_that_is_no_slot_are_refused(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et = await full_session(client, tenant)
    plain = await workshop(client, tenant)
    afternoon = dates.at(MONDAY, "14:00")
    data(await book(client, plain["id"], afternoon), 201)
    assert_error(await join(client, plain["id"], afternoon), 400, "not_seated")
    off_grid = dates.at(MONDAY, "10:17")
    assert_error(await join(client, et["id"], off_grid), 400, "slot_unavailable")
    night = dates.at(MONDAY, "23:00")
    assert_error(await join(client, et["id"], night), 400, "slot_unavailable")
    assert_error(await join(client, 987654321), 404, "not_found")


async def test_a_whitelist_workshop_takes_listed_students_only(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    listed, seated = email("listed"), email("seat")
    await teacher_hours(client, tenant)
    et = await workshop(
        client, tenant, seats=seating(1), metadata={"registration_mode": "whitelist"}
    )
    for address in (listed, seated):
        data(
            await client.post(
                f"/v2/event-types/{et['id']}/whitelist",
                headers=tenant.headers,
                json={"email": address},
            ),
            201,
        )
    data(await book(client, et["id"], START, attendee=student(seated)), 201)
    assert_error(
        await join(client, et["id"], attendee=student(email("stranger"))), 403, "not_whitelisted"
    )
    assert (
        data(await join(client, et["id"], attendee=student(listed.upper())), 201)["position"] == 1
    )


async def test_invite_only_and_staff_only_workshops_keep_their_rules(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    invited = await workshop(
        client, tenant, seats=seating(1), metadata={"registration_mode": "invite_only"}
    )
    data(await book(client, invited["id"], START, headers=tenant.headers), 201)
    assert_error(await join(client, invited["id"]), 403, "invitation_required")
    # The school's staff may put a student in line without an invitation.
    data(await join(client, invited["id"], headers=tenant.headers), 201)
    staff = await workshop(client, tenant, seats=seating(1), bookingRequiresAuthentication=True)
    afternoon = dates.at(MONDAY, "14:00")
    data(await book(client, staff["id"], afternoon, headers=tenant.headers), 201)
    assert_error(await join(client, staff["id"], afternoon), 401, "missing_api_key")


async def test_a_student_with_a_seat_or_a_place_in_line_cannot_join_again(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    seated = email("seated")
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, seats=seating(1))
    data(await book(client, et["id"], START, attendee=student(seated)), 201)
    assert_error(await join(client, et["id"], attendee=student(seated)), 409, "already_booked")
    waiting = email("waiting")
    first = data(await join(client, et["id"], attendee=student(waiting)), 201)
    assert first["position"] == 1 and first["status"] == "waiting"
    again = await join(client, et["id"], attendee=student(f" {waiting.upper()} "))
    assert_error(again, 409, "already_waiting")


async def test_joining_answers_the_entry_and_its_place_in_line(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    et = await full_session(client, tenant, seats=2)
    first = data(await join(client, et["id"]), 201)
    second = data(await join(client, et["id"], attendee=student(email(), language="fr")), 201)
    assert first["eventTypeId"] == et["id"] and first["start"].startswith(START[:16])
    assert (first["position"], second["position"]) == (1, 2)
    async with sessionmaker() as session:
        row = (
            await session.execute(select(WaitlistEntry).where(WaitlistEntry.uid == second["uid"]))
        ).scalar_one()
    assert row.language == "fr" and row.organization_id == tenant.id


async def test_unknown_fields_are_refused(client: httpx.AsyncClient, tenant: Tenant) -> None:
    et = await full_session(client, tenant)
    r = await join(client, et["id"], seats=3)
    assert_error(r, 400, "unsupported_field")


async def test_a_flood_of_joins_is_rate_limited(
    client: httpx.AsyncClient, tenant: Tenant, settings: Settings, engine: AsyncEngine
) -> None:
    et = await full_session(client, tenant)
    async with limited(settings, engine, rate_limit_bookings_per_address="3/hour") as visitor:
        codes = [(await join(visitor, et["id"])).status_code for _ in range(5)]
    assert codes == [201, 201, 201, 429, 429]
