"""Jitsi rooms: made in the booking's transaction, one per session, shared by its seats,
kept when the session moves, removed with its last seat; signed room tokens when configured."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from email.message import Message
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from immersio_booking.app import create_app
from immersio_booking.bookings.meeting_links import MeetingLink
from immersio_booking.config import Settings
from immersio_booking.video.jitsi import host_link
from tests import dates, versions
from tests.bookings.helpers import (
    MONDAY,
    book,
    cancel_as_school,
    student,
    teacher_hours,
    token_of,
    workshop,
)
from tests.dates import DAY
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.video.helpers import live_references, live_workshop, references

APP_ID = "immersio-test"
APP_SECRET = "jitsi-app-secret-for-tests-0123456789"


async def test_seats_of_a_session_share_one_unguessable_room_and_sessions_differ(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    et = await live_workshop(client, tenant)
    ten, eleven = dates.at(MONDAY, "10:00"), dates.at(MONDAY, "11:00")
    seats = [data(await book(client, et["id"], ten), 201) for _ in range(3)]
    other = data(await book(client, et["id"], eleven), 201)
    # made in the booking's own transaction: no job has run
    found = await live_references(sessionmaker, *(b["uid"] for b in [*seats, other]))
    assert len(found) == 4
    shared = {found[b["uid"]].uid for b in seats}
    assert len(shared) == 1
    room = shared.pop()
    assert {found[b["uid"]].meeting_url for b in seats} == {f"https://meet.jit.si/{room}"}
    assert {found[b["uid"]].type for b in seats} == {"jitsi_video"}
    assert room.startswith("immersio-") and len(room) >= len("immersio-") + 32
    assert found[other["uid"]].uid != room


async def test_a_workshop_without_a_video_location_has_no_meeting(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, locations=[{"type": "address", "address": "1 Rue X"}])
    booked = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    assert await references(sessionmaker, booked["uid"]) == {}


async def test_cancelling_seats_keeps_the_room_until_the_last_one_goes(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    et = await live_workshop(client, tenant)
    start = dates.at(MONDAY, "10:00")
    first, second = [data(await book(client, et["id"], start), 201) for _ in range(2)]
    await cancel_as_school(client, tenant, first)
    left = await references(sessionmaker, first["uid"], second["uid"])
    assert left[first["uid"]].deleted and not left[second["uid"]].deleted
    room = left[second["uid"]].uid
    third = data(await book(client, et["id"], start), 201)  # a later seat joins the same room
    assert (await live_references(sessionmaker, third["uid"]))[third["uid"]].uid == room
    await cancel_as_school(client, tenant, second)
    await cancel_as_school(client, tenant, third)
    assert await live_references(sessionmaker, first["uid"], second["uid"], third["uid"]) == {}


async def test_a_rescheduled_single_seat_session_keeps_its_room(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    et = await live_workshop(client, tenant)
    first = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    room = (await live_references(sessionmaker, first["uid"]))[first["uid"]].uid
    moved = data(
        await client.post(
            f"/v2/bookings/{first['uid']}/reschedule",
            params={"token": token_of(first)},
            json={"start": dates.at(MONDAY + DAY, "10:00")},
        ),
        201,
    )
    found = await references(sessionmaker, first["uid"], moved["uid"])
    assert found[first["uid"]].deleted
    assert not found[moved["uid"]].deleted and found[moved["uid"]].uid == room


async def test_a_seat_moving_to_another_session_takes_that_sessions_room(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    et = await live_workshop(client, tenant)
    ten, eleven = dates.at(MONDAY, "10:00"), dates.at(MONDAY, "11:00")
    mover, stayer = [data(await book(client, et["id"], ten), 201) for _ in range(2)]
    there = data(await book(client, et["id"], eleven), 201)
    rooms = await live_references(sessionmaker, mover["uid"], stayer["uid"], there["uid"])
    moved = data(
        await client.post(
            f"/v2/bookings/{mover['uid']}/reschedule",
            params={"token": token_of(mover)},
            json={"start": eleven},
        ),
        201,
    )
    after = await live_references(sessionmaker, mover["uid"], stayer["uid"], moved["uid"])
    assert mover["uid"] not in after
    assert after[moved["uid"]].uid == rooms[there["uid"]].uid
    assert after[stayer["uid"]].uid == rooms[stayer["uid"]].uid != rooms[there["uid"]].uid


def with_room_tokens(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "jitsi_base_url": "https://meet.school.example",
            "jitsi_app_id": APP_ID,
            "jitsi_app_secret": APP_SECRET,
        }
    )


@pytest.fixture
async def token_client(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(with_room_tokens(settings), engine=engine))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", event_hooks=versions.HOOKS
    ) as client:
        yield client


def _claims(url: str, secret: str = APP_SECRET) -> dict[str, object]:
    token = parse_qs(urlsplit(url).query)["jwt"][0]
    return dict(jwt.decode(token, secret, algorithms=["HS256"], audience="jitsi"))


async def test_room_tokens_are_signed_and_only_the_host_is_moderator(
    token_client: httpx.AsyncClient,
    tenant: Tenant,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await teacher_hours(token_client, tenant)
    et = await live_workshop(token_client, tenant)
    booked = data(await book(token_client, et["id"], dates.at(MONDAY, "10:00")), 201)
    reference = (await live_references(sessionmaker, booked["uid"]))[booked["uid"]]
    assert reference.meeting_url
    assert reference.meeting_url.startswith(f"https://meet.school.example/{reference.uid}?jwt=")
    student = _claims(reference.meeting_url)
    assert student["room"] == reference.uid and student["iss"] == APP_ID
    assert student["sub"] == "meet.school.example"
    assert student["context"] == {
        "user": {"name": "Participant", "moderator": False, "affiliation": "member"}
    }
    end = dates.instant(MONDAY, "11:00")
    assert int(str(student["exp"])) > end.timestamp()
    with pytest.raises(jwt.InvalidSignatureError):
        _claims(reference.meeting_url, "another-secret-of-the-same-length-000")

    own = with_room_tokens(settings)
    meeting = MeetingLink(
        url=reference.meeting_url,
        type=reference.type,
        meeting_id=reference.meeting_id,
        password=None,
    )
    link = host_link(meeting, own, end, "Marie", "m@school.example")
    host = _claims(link)
    assert host["room"] == reference.uid
    assert host["context"] == {
        "user": {
            "name": "Marie",
            "moderator": True,
            "affiliation": "owner",
            "email": "m@school.example",
        }
    }
    # without tokens configured (any more), the host joins the room the students were sent to
    assert host_link(meeting, settings, end, None, None) == (
        f"https://meet.school.example/{reference.uid}"
    )


async def test_a_request_gets_its_room_when_the_host_confirms_it_and_none_when_declined(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    et = await live_workshop(client, tenant, confirmationPolicy={"type": "always"})
    asked = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    other = data(await book(client, et["id"], dates.at(MONDAY, "11:00")), 201)
    assert asked["status"] == "pending"
    assert await references(sessionmaker, asked["uid"], other["uid"]) == {}
    data(await client.post(f"/v2/bookings/{asked['uid']}/confirm", headers=tenant.headers))
    data(await client.post(f"/v2/bookings/{other['uid']}/decline", headers=tenant.headers))
    found = await live_references(sessionmaker, asked["uid"], other["uid"])
    assert set(found) == {asked["uid"]} and found[asked["uid"]].type == "jitsi_video"


def _emailed_link(message: Message) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = re.search(r"Join the video call: (\S+)", body.get_content())
    assert found, "the email gives no join link"
    return found.group(1)


async def test_the_teacher_joins_by_email_and_calendar_invite_as_moderator_the_student_not(
    token_client: httpx.AsyncClient,
    tenant: Tenant,
    settings: Settings,
    inbox: Inbox,
    database_url: str,
) -> None:
    await teacher_hours(token_client, tenant)
    et = await live_workshop(token_client, tenant)
    when = dates.at(MONDAY, "10:00")
    data(await book(token_client, et["id"], when, attendee=student("ada@example.com")), 201)
    mailing = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": inbox.port})
    await run_jobs(database_url, with_room_tokens(mailing))
    [to_student] = inbox.to("ada@example.com")
    [to_teacher] = inbox.to(tenant.owner_email)
    student_claims = _claims(_emailed_link(to_student))
    teacher_claims = _claims(_emailed_link(to_teacher))
    assert student_claims["room"] == teacher_claims["room"]
    assert student_claims["context"]["user"]["moderator"] is False  # type: ignore[index]
    assert teacher_claims["context"]["user"]["moderator"] is True  # type: ignore[index]
    assert teacher_claims["context"]["user"]["email"] == tenant.owner_email  # type: ignore[index]
    for message, moderator in ((to_student, False), (to_teacher, True)):
        invite = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        event = Calendar.from_ical(invite.get_payload(decode=True)).walk("VEVENT")[0]
        claims = _claims(str(event["URL"]))
        assert claims["context"]["user"]["moderator"] is moderator  # type: ignore[index]
