"""The "Today" page: one row per session with its seats, attendance through the API's
``mark_absent``, and one email per attendee answered to the teacher (rate-limited)."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.kit import clock
from tests.bookings.helpers import MONDAY, booking_state, cancel_as_school
from tests.dashboard.bookings_setup import START, seated_session
from tests.dashboard.staff import browser, csrf_of, open_session
from tests.factories import Tenant, unique
from tests.helpers import data
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.security.limits import limited
from tests.waitlist.offer_helpers import full_session, line_up

DAY = f"/dashboard?day={MONDAY.isoformat()}"


async def test_a_session_is_one_row_with_its_seats_and_attendance_is_marked(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    et, seats = await seated_session(client, tenant)
    cookie = await open_session(sessionmaker, settings, tenant.owner_id, tenant.id)
    async with browser(client, cookie) as owner:
        page = await owner.get(DAY)
        assert page.status_code == 200
        assert page.text.count(f'id="s-{seats[0]["uid"]}"') == 1
        assert f'id="s-{seats[1]["uid"]}"' not in page.text  # one row, not one per seat
        assert "2 seats taken, 1 left" in page.text
        assert page.text.count('class="dash-pay dash-pay-free"') == 2
        assert "once the session has started" in page.text
    with clock.frozen(START + timedelta(minutes=10)):
        # Staff sessions expire: sign in again on the day of the session.
        cookie = await open_session(sessionmaker, settings, tenant.owner_id, tenant.id)
        async with browser(client, cookie) as owner:
            page = await owner.get(DAY)
            token = csrf_of(page.text)
            absent = seats[1]["attendees"][0]["email"]
            r = await owner.post(
                f"/dashboard/sessions/{seats[0]['uid']}/attendance",
                data={"csrf": token, "absent": absent, "day": MONDAY.isoformat()},
            )
            assert r.status_code == 303
            assert "Attendance saved." in (await owner.get(r.headers["location"])).text
    assert (await booking_state(client, tenant, seats[1]["uid"]))["attendees"][0]["absent"]
    assert not (await booking_state(client, tenant, seats[0]["uid"]))["attendees"][0]["absent"]


async def test_marking_before_the_start_is_refused_beside_the_session(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    _, seats = await seated_session(client, tenant, seats=1)
    cookie = await open_session(sessionmaker, settings, tenant.owner_id, tenant.id)
    async with browser(client, cookie) as owner:
        token = csrf_of((await owner.get(DAY)).text)
        r = await owner.post(
            f"/dashboard/sessions/{seats[0]['uid']}/attendance",
            data={"csrf": token, "host_absent": "1", "day": MONDAY.isoformat()},
        )
    assert r.status_code == 400
    assert 'role="alert">Attendance can be marked once the session has started.' in r.text
    assert (await booking_state(client, tenant, seats[0]["uid"]))["absentHost"] is False


async def test_emailing_the_attendees_sends_one_email_each_answered_to_the_teacher(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
) -> None:
    _, seats = await seated_session(client, tenant)
    cookie = await open_session(sessionmaker, settings, tenant.owner_id, tenant.id)
    uid = seats[0]["uid"]
    async with browser(client, cookie) as owner:
        token = csrf_of((await owner.get(DAY)).text)
        empty = await owner.post(
            f"/dashboard/sessions/{uid}/message",
            data={"csrf": token, "subject": "", "message": "Bring <b>a pen</b>"},
        )
        assert empty.status_code == 400
        assert 'aria-invalid="true" aria-describedby="subject-' in empty.text
        assert "Bring &lt;b&gt;a pen&lt;/b&gt;" in empty.text  # kept, escaped
        # This test's own subject: the browser test of Today sends a "Room change" too, to the
        # same inbox.
        subject = unique("Room change")
        sent = await owner.post(
            f"/dashboard/sessions/{uid}/message",
            data={
                "csrf": token,
                "subject": subject,
                "message": "We meet in room 4.\n\nSee you!",
            },
        )
        assert sent.status_code == 303 and "sent=2" in sent.headers["location"]
    await run_jobs(database_url)
    for seat in seats:
        email = seat["attendees"][0]["email"]
        [message] = [m for m in inbox.to(email) if m["Subject"] == subject]
        assert tenant.owner_email in str(message["Reply-To"])
        assert "We meet in room 4." in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert all(len(rcpt) == 1 for rcpt in inbox.envelopes)
    assert sum(m["Subject"] == subject for m in inbox.messages) == 2


async def test_messages_are_rate_limited_per_staff_member(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    engine: AsyncEngine,
    tenant: Tenant,
) -> None:
    _, seats = await seated_session(client, tenant, seats=1)
    cookie = await open_session(sessionmaker, settings, tenant.owner_id, tenant.id)
    allowed = 3
    rate = {"rate_limit_staff_messages_per_user": f"{allowed}/hour"}
    async with limited(settings, engine, **rate) as app, browser(app, cookie) as owner:
        token = csrf_of((await owner.get(DAY)).text)
        form = {"csrf": token, "subject": "Hi", "message": "Hello"}
        for _ in range(allowed):
            r = await owner.post(f"/dashboard/sessions/{seats[0]['uid']}/message", data=form)
            assert r.status_code == 303
        refused = await owner.post(f"/dashboard/sessions/{seats[0]['uid']}/message", data=form)
    assert refused.status_code == 429
    assert "Too many messages for now" in refused.text


async def test_seats_held_by_a_waitlist_offer_or_a_booking_in_progress_are_not_left(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    full = await full_session(client, tenant, seats=3)
    await line_up(sessionmaker, full.et, 1)
    for seat in full.seats[:2]:  # the first freed seat is offered to the one in line
        await cancel_as_school(client, tenant, seat)
    cookie = await open_session(sessionmaker, settings, tenant.owner_id, tenant.id)
    async with browser(client, cookie) as owner:
        page = await owner.get(DAY)
        assert "1 seat taken, 1 left" in page.text
        assert "1 seat held for a waitlist offer" in page.text
        data(
            await client.post(
                "/v2/slots/reservations",
                json={"eventTypeId": full.et["id"], "slotStart": START.isoformat()},
            ),
            201,
        )
        page = await owner.get(DAY)
        assert "1 seat taken, 0 left" in page.text
        assert "1 seat held while a student books" in page.text
        french = await owner.get(DAY + "&lang=fr")
        assert "1 place prise, 0 restantes" in french.text
        assert "1 place retenue pour une offre de la liste d’attente" in french.text
        assert "1 place retenue pendant une réservation en cours" in french.text
    with clock.frozen(clock.now() + timedelta(minutes=10)):
        # The booking in progress let its hold run out: its seat is free again.
        cookie = await open_session(sessionmaker, settings, tenant.owner_id, tenant.id)
        async with browser(client, cookie) as owner:
            page = await owner.get(DAY)
            assert "1 seat taken, 1 left" in page.text
            assert "while a student books" not in page.text
