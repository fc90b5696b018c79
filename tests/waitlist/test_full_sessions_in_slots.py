"""``GET /v2/slots?includeFull=true`` (ours): a seated workshop's full sessions listed with
``full: true`` and every slot's ``waitlistCount`` (students waiting or offered a seat); the
answer without it is Cal.com's, byte for byte. docs/waitlist.md, "Full sessions in /v2/slots"."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from immersio_booking.web import workshops
from tests import versions
from tests.bookings.helpers import MONDAY, book, cancel_as_school, seating, student, workshop
from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data
from tests.scaleout.test_read_replica import grew, reads
from tests.waitlist.offer_helpers import (
    START,
    email,
    entries,
    full_session,
    line_up,
    statuses,
)
from tests.waitlist.offer_helpers import moment as instant

SLOTS_V = {"cal-api-version": "2024-09-04"}
DAY = str(MONDAY)


def iso(text: str) -> str:
    """``START`` as ``/v2/slots`` writes it in UTC (milliseconds, ``Z``)."""
    return instant(text).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def ask(
    client: httpx.AsyncClient,
    et_id: int,
    headers: dict[str, str] | None = None,
    **query: str,
) -> httpx.Response:
    return await client.get(
        "/v2/slots",
        params={"eventTypeId": et_id, "start": DAY, "end": DAY, **query},
        headers={**SLOTS_V, **(headers or {})},
    )


def at(day: list[dict[str, Any]], start: str) -> dict[str, Any]:
    return next(s for s in day if s["start"] == iso(start))


async def seats_raised(client: httpx.AsyncClient, tenant: Tenant, et_id: int, seats: int) -> None:
    data(
        await client.patch(
            f"/v2/event-types/{et_id}", headers=tenant.headers, json={"seats": seating(seats)}
        )
    )


async def test_full_sessions_come_with_their_line_and_the_default_answer_is_unchanged(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    full = await full_session(client, tenant, seats=2)
    line = await line_up(sessionmaker, full.et, 3)
    await cancel_as_school(client, tenant, full.seats[0])  # its seat is offered to the first
    assert [s.value for s in await statuses(sessionmaker, line)] == [
        "offered",
        "waiting",
        "waiting",
    ]
    before = await ask(client, full.et["id"])
    asked = data(await ask(client, full.et["id"], includeFull="true"))[DAY]

    # The full session is listed: one booked, one held for the offer, three in line.
    assert at(asked, START) == {
        "start": iso(START),
        "seatsBooked": 2,
        "seatsRemaining": 0,
        "seatsTotal": 2,
        "attendeesCount": 2,
        "full": True,
        "waitlistCount": 3,
    }
    free = [s for s in asked if s["start"] != iso(START)]
    assert free and all(s["full"] is False and s["waitlistCount"] == 0 for s in free)
    assert [s["start"] for s in asked] == sorted(s["start"] for s in asked)

    # Without the parameter (or with false): Cal.com's answer, the same bytes as before.
    cal_com = {
        DAY: [{k: v for k, v in s.items() if k not in ("full", "waitlistCount")} for s in free]
    }
    expected = orjson.dumps({"status": "success", "data": cal_com})
    assert before.content == expected
    assert (await ask(client, full.et["id"])).content == expected
    assert (await ask(client, full.et["id"], includeFull="false")).content == expected

    # A window that opens at the full session's very start includes it (start <= s < end).
    edge = data(await ask(client, full.et["id"], includeFull="true", start=START))[DAY]
    assert edge[0]["start"] == iso(START) and edge[0]["full"] is True

    # A range answer gives the full session its end too.
    ranged = data(await ask(client, full.et["id"], includeFull="true", format="range"))[DAY]
    end = instant(START) + timedelta(minutes=60)
    assert at(ranged, START)["end"] == iso(end.isoformat())


async def test_a_session_with_a_free_seat_counts_the_offers_it_holds(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    full = await full_session(client, tenant, seats=1)
    await line_up(sessionmaker, full.et, 3)
    await seats_raised(client, tenant, full.et["id"], 5)  # 3 offers, 1 seat left for anyone
    slot = at(data(await ask(client, full.et["id"], includeFull="true"))[DAY], START)
    assert slot == {
        "start": iso(START),
        "seatsBooked": 4,
        "seatsRemaining": 1,
        "seatsTotal": 5,
        "attendeesCount": 4,
        "full": False,
        "waitlistCount": 3,
    }


async def test_hidden_counts_stay_hidden_and_staff_see_the_free_sessions_uid(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    full = await full_session(client, tenant, seats=1)
    await line_up(sessionmaker, full.et, 2)
    staff = data(await ask(client, full.et["id"], tenant.headers, includeFull="true"))[DAY]
    assert "bookingUid" not in at(staff, START)  # a full session is not for joining
    seats = {**seating(1), "showAvailabilityCount": False}
    data(
        await client.patch(
            f"/v2/event-types/{full.et['id']}", headers=tenant.headers, json={"seats": seats}
        )
    )
    slot = at(data(await ask(client, full.et["id"], includeFull="true"))[DAY], START)
    assert slot == {"start": iso(START), "seatsTotal": 1, "full": True, "waitlistCount": 2}


async def test_what_includefull_refuses(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    full = await full_session(client, tenant, seats=1)
    plain = await workshop(client, tenant)
    for value in ("maybe", "1", "True", ""):
        refused = assert_error(
            await ask(client, full.et["id"], includeFull=value), 400, "validation_failed"
        )
        assert "includeFull" in refused["error"]["message"]
    # A workshop without seats has no full session: the parameter would change nothing.
    for who in ({}, tenant.headers, other_tenant.headers):
        refused = assert_error(
            await ask(client, plain["id"], who, includeFull="true"), 400, "include_full_not_seated"
        )
        assert refused["error"]["details"]["fields"] == ["includeFull"]
    me = data(await client.get("/v2/me", headers=tenant.headers))
    by_slug = await client.get(
        "/v2/slots",
        params={
            "eventTypeSlug": plain["slug"],
            "username": me["username"],
            "organizationSlug": tenant.slug,
            "start": DAY,
            "end": DAY,
            "includeFull": "true",
        },
        headers=SLOTS_V,
    )
    assert_error(by_slug, 400, "include_full_not_seated")
    group = await client.get(
        "/v2/slots",
        params={"usernames": "a,b", "start": DAY, "end": DAY, "includeFull": "true"},
        headers=SLOTS_V,
    )
    assert_error(group, 400, "unsupported_variant")  # no query spans several people
    assert_error(await ask(client, 999_999_999, includeFull="true"), 404, "not_found")
    # The legacy answer keeps Cal.com's old shape: the parameter is ours, for /v2/slots only.
    legacy = await client.get(
        "/v2/slots/available",
        params={
            "eventTypeId": full.et["id"],
            "startTime": DAY,
            "endTime": DAY,
            "includeFull": "true",
        },
        headers={"cal-api-version": "2024-06-14"},
    )
    body = assert_error(legacy, 400, "unsupported_field")
    assert body["error"]["details"]["fields"] == ["includeFull"]


async def test_counts_only_never_who_waits_and_hidden_workshops_stay_hidden(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    full = await full_session(client, tenant, seats=2)
    line = await line_up(sessionmaker, full.et, 2)
    await cancel_as_school(client, tenant, full.seats[0])  # the first in line holds an offer
    waiting = await entries(sessionmaker, line)
    secrets = [
        *(e.email for e in waiting),
        *(e.uid for e in waiting),
        *(e.reservation_uid for e in waiting if e.reservation_uid),
        waiting[0].name,
        *(seat["uid"] for seat in full.seats),
        *(seat["attendees"][0]["email"] for seat in full.seats),
    ]
    teacher = await make_member(sessionmaker, tenant)
    # A stranger, a student in line (anonymous, as on the booking page), another school's
    # admin: the counts, nobody's name, email, entry or booking.
    for who in ({}, other_tenant.headers):
        answer = await ask(client, full.et["id"], who, includeFull="true")
        assert at(data(answer)[DAY], START)["waitlistCount"] == 2
        assert not [s for s in secrets if s in answer.text], answer.text
    data(
        await client.patch(
            f"/v2/event-types/{full.et['id']}", headers=tenant.headers, json={"hidden": True}
        )
    )
    for who in ({}, other_tenant.headers):
        assert_error(await ask(client, full.et["id"], who, includeFull="true"), 404, "not_found")
    # The school's own teacher sees its hidden workshop, still with counts only for the line.
    answer = await ask(client, full.et["id"], teacher.headers, includeFull="true")
    assert at(data(answer)[DAY], START)["waitlistCount"] == 2
    assert not [e for e in waiting if e.email in answer.text or e.uid in answer.text]


def _page_starts(html: str) -> tuple[list[datetime], list[datetime]]:
    """The free and the full sessions the booking page lists for its chosen day."""
    values = re.compile(r'name="start" value="([^"]+)"')
    bookable, _, waitlist = html.partition('id="waitlist"')
    return (
        [datetime.fromisoformat(v) for v in values.findall(bookable)],
        [datetime.fromisoformat(v) for v in values.findall(waitlist)],
    )


async def test_the_booking_page_and_the_api_agree_on_a_window(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    full = await full_session(client, tenant, seats=1)
    et = full.et
    await line_up(sessionmaker, et, 1)
    later = instant(START) + timedelta(hours=2)
    data(await book(client, et["id"], later.isoformat(), attendee=student(email())), 201)
    month = MONDAY.replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    answer = data(
        await client.get(
            "/v2/slots",
            params={
                "eventTypeId": et["id"],
                "start": str(month),
                "end": str(following - timedelta(days=1)),
                "includeFull": "true",
            },
            headers=SLOTS_V,
        )
    )
    workshops._sessions.clear()  # pages keep free sessions a few seconds (web/memo.py)
    page = await client.get(f"/{tenant.slug}/{et['slug']}", params={"date": DAY, "tz": "UTC"})
    assert page.status_code == 200, page.text
    free, full_ones = _page_starts(page.text)
    api_day = answer[DAY]

    def when(s: dict[str, Any]) -> datetime:
        return datetime.fromisoformat(s["start"]).astimezone(UTC)

    assert full_ones == [when(s) for s in api_day if s["full"]] == [instant(START), later]
    assert free == [when(s) for s in api_day if not s["full"]]
    # The month: the page links every day with a session, free or full, as the API lists it.
    linked = re.findall(r"date=(\d{4}-\d{2}-\d{2})#sessions", page.text)
    assert sorted(set(linked)) == sorted(answer), (linked, list(answer))
    assert all(date.fromisoformat(d).month == month.month for d in answer)


async def test_an_anonymous_read_of_full_sessions_is_the_replicas(
    client: httpx.AsyncClient,
    tenant: Tenant,
    settings: Settings,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """The whole read, counts included, runs in the replica's read-only transaction (here the
    test database opened read-only; tests/scaleout has the real standby), a keyed one on the
    primary."""
    full = await full_session(client, tenant, seats=1)
    await line_up(sessionmaker, full.et, 2)
    app = create_app(
        settings.model_copy(update={"read_replica_url": settings.database_url}), engine=engine
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://testserver",
            event_hooks=versions.HOOKS,
        ) as replicated,
    ):
        before = await reads(replicated)
        answer = data(await ask(replicated, full.et["id"], includeFull="true"))
        assert at(answer[DAY], START)["waitlistCount"] == 2
        after = await reads(replicated)
        assert grew(before, after, "replica") and not grew(before, after, "primary_fallback")
        keyed = data(await ask(replicated, full.et["id"], tenant.headers, includeFull="true"))
        assert at(keyed[DAY], START)["waitlistCount"] == 2
        assert await reads(replicated) == after  # the school's read: the primary, not counted
