"""Zoom meetings made by the job against the Zoom simulator (a real HTTP server): one per
session, moved and removed with it; 401, 429 and 500 handled."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import Credential
from tests import dates
from tests.bookings.helpers import MONDAY, book, cancel_as_school, student, teacher_hours, token_of
from tests.dates import DAY
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.video.helpers import (
    ZOOM_LOCATION,
    FakeZoom,
    connect_zoom,
    live_references,
    live_workshop,
    references,
)


async def _zoom_school(
    client: httpx.AsyncClient, tenant: Tenant, *, connected: bool = True, **fields: Any
) -> dict[str, Any]:
    await teacher_hours(client, tenant)
    if connected:
        data(await connect_zoom(client, tenant))
    fields.setdefault("locations", ZOOM_LOCATION)
    return await live_workshop(client, tenant, seats=25, **fields)


async def _settle(fake_zoom: FakeZoom, database_url: str, data_dir: Path) -> None:
    """Run the worker until the queue is empty, twice: the jobs the meeting job queues when it
    ends (the admins' email) may come after a worker that found the queue empty has stopped.
    A retry waiting for its back-off is not run."""
    with fake_zoom.jobs(database_url, data_dir):
        await run_jobs(database_url)
        await run_jobs(database_url)


async def _retry_due_now(sessionmaker: async_sessionmaker[AsyncSession], tenant: Tenant) -> None:
    """The school's one failed meeting job (failed once or more), due now instead of after
    its back-off."""
    async with sessionmaker() as session, session.begin():
        retried = await session.execute(
            text(
                "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE task_name ="
                " 'video_meetings' AND status = 'todo' AND attempts >= 1"
                " AND (args->>'organization_id')::bigint = :org RETURNING id"
            ),
            {"org": tenant.id},
        )
        assert len(retried.all()) == 1


async def test_one_zoom_meeting_for_a_session_made_by_the_job_not_the_request(
    zoom_client_app: httpx.AsyncClient,
    fake_zoom: FakeZoom,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    data_dir: Path,
) -> None:
    et = await _zoom_school(
        zoom_client_app,
        tenant,
        locations=[{"type": "address", "address": "Room 4"}],
        metadata={"zoom_auto_create": True},
    )
    start = dates.at(MONDAY, "10:00")
    first = data(await book(zoom_client_app, et["id"], start), 201)
    assert fake_zoom.meetings() == [] and await references(sessionmaker, first["uid"]) == {}
    await _settle(fake_zoom, database_url, data_dir)
    (meeting,) = fake_zoom.meetings()
    assert meeting["start_time"] == start.replace(".000", "")
    assert meeting["duration"] == 60
    reference = (await live_references(sessionmaker, first["uid"]))[first["uid"]]
    assert reference.type == "zoom_video" and reference.uid == str(meeting["id"])
    assert reference.meeting_url == meeting["join_url"]
    assert reference.meeting_password == meeting["password"]
    # a seat booked later gets a copy in its own transaction: no job, no second meeting
    later = data(await book(zoom_client_app, et["id"], start), 201)
    copied = (await live_references(sessionmaker, later["uid"]))[later["uid"]]
    assert copied.uid == reference.uid and copied.meeting_url == reference.meeting_url
    assert len(fake_zoom.meetings()) == 1


@pytest.mark.race
async def test_20_seats_booked_in_parallel_share_exactly_one_zoom_meeting(
    zoom_client_app: httpx.AsyncClient,
    fake_zoom: FakeZoom,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    data_dir: Path,
) -> None:
    et = await _zoom_school(zoom_client_app, tenant)
    start = dates.at(MONDAY, "10:00")
    answers = await asyncio.gather(
        *(
            book(zoom_client_app, et["id"], start, attendee=student(f"z{i}-{tenant.slug}@ex.com"))
            for i in range(20)
        )
    )
    booked = [data(answer, 201) for answer in answers]
    await _settle(fake_zoom, database_url, data_dir)
    (meeting,) = fake_zoom.meetings()
    found = await live_references(sessionmaker, *(b["uid"] for b in booked))
    assert len(found) == 20
    assert {r.uid for r in found.values()} == {str(meeting["id"])}
    assert fake_zoom.calls()["create"] == 1


async def test_the_zoom_meeting_moves_with_its_session_and_goes_with_its_last_seat(
    zoom_client_app: httpx.AsyncClient,
    fake_zoom: FakeZoom,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    data_dir: Path,
) -> None:
    et = await _zoom_school(zoom_client_app, tenant)
    first = data(await book(zoom_client_app, et["id"], dates.at(MONDAY, "10:00")), 201)
    await _settle(fake_zoom, database_url, data_dir)
    (made,) = fake_zoom.meetings()
    new_start = dates.at(MONDAY + DAY, "14:00")
    moved = data(
        await zoom_client_app.post(
            f"/v2/bookings/{first['uid']}/reschedule",
            params={"token": token_of(first)},
            json={"start": new_start},
        ),
        201,
    )
    # the moved seat keeps the link at once, while the job moves the meeting
    kept = (await live_references(sessionmaker, moved["uid"]))[moved["uid"]]
    assert kept.uid == str(made["id"]) and kept.meeting_url == made["join_url"]
    fake_zoom.faults(serverErrorNext=1)  # the move fails once: the link stays
    await _settle(fake_zoom, database_url, data_dir)
    assert fake_zoom.meetings()[0]["start_time"] == made["start_time"]
    assert moved["uid"] in await live_references(sessionmaker, moved["uid"])
    await _retry_due_now(sessionmaker, tenant)
    await _settle(fake_zoom, database_url, data_dir)
    (meeting,) = fake_zoom.meetings()
    assert meeting["id"] == made["id"] and meeting["start_time"] == new_start.replace(".000", "")
    assert fake_zoom.calls().get("update") == 2 and fake_zoom.calls()["create"] == 1
    found = await references(sessionmaker, first["uid"], moved["uid"])
    assert found[first["uid"]].deleted
    assert found[moved["uid"]].uid == str(made["id"]) and not found[moved["uid"]].deleted

    await cancel_as_school(zoom_client_app, tenant, moved)
    await _settle(fake_zoom, database_url, data_dir)
    assert fake_zoom.meetings() == []
    assert await live_references(sessionmaker, first["uid"], moved["uid"]) == {}


async def test_a_refused_app_is_marked_invalid_the_admins_told_and_students_get_jitsi(
    zoom_client_app: httpx.AsyncClient,
    fake_zoom: FakeZoom,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    data_dir: Path,
    inbox: Inbox,
) -> None:
    et = await _zoom_school(zoom_client_app, tenant)
    fake_zoom.control("PUT", "/credentials", {"clientSecret": "regenerated-by-the-school"})
    booked = data(await book(zoom_client_app, et["id"], dates.at(MONDAY, "10:00")), 201)
    await _settle(fake_zoom, database_url, data_dir)
    async with sessionmaker() as session:
        credential = (
            await session.execute(
                select(Credential).where(
                    Credential.organization_id == tenant.id, Credential.type == "zoom_video"
                )
            )
        ).scalar_one()
    assert credential.invalid
    status = data(
        await zoom_client_app.get(
            f"/v2/organizations/{tenant.id}/conferencing/zoom", headers=tenant.headers
        )
    )
    assert status["status"] == "invalid"
    (notice,) = [m for m in inbox.to(tenant.owner_email) if "Zoom refused" in str(m["Subject"])]
    assert "reconnect" in str(notice["Subject"]).lower()
    reference = (await live_references(sessionmaker, booked["uid"]))[booked["uid"]]
    assert reference.type == "jitsi_video" and fake_zoom.meetings() == []


async def test_a_school_without_zoom_gets_jitsi_and_its_admins_are_told(
    zoom_client_app: httpx.AsyncClient,
    fake_zoom: FakeZoom,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    data_dir: Path,
    inbox: Inbox,
) -> None:
    et = await _zoom_school(zoom_client_app, tenant, connected=False)
    booked = data(await book(zoom_client_app, et["id"], dates.at(MONDAY, "10:00")), 201)
    await _settle(fake_zoom, database_url, data_dir)
    reference = (await live_references(sessionmaker, booked["uid"]))[booked["uid"]]
    assert reference.type == "jitsi_video"
    assert [m for m in inbox.to(tenant.owner_email) if "Jitsi link" in str(m["Subject"])]


async def test_rate_limits_are_waited_out_and_expired_tokens_renewed(
    zoom_client_app: httpx.AsyncClient,
    fake_zoom: FakeZoom,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    data_dir: Path,
) -> None:
    et = await _zoom_school(zoom_client_app, tenant)
    first = data(await book(zoom_client_app, et["id"], dates.at(MONDAY, "10:00")), 201)
    fake_zoom.faults(rateLimitNext=2, retryAfterSeconds=0)
    await _settle(fake_zoom, database_url, data_dir)
    assert len(fake_zoom.meetings()) == 1
    assert fake_zoom.calls()["create"] == 3  # two 429s, then made
    assert first["uid"] in await live_references(sessionmaker, first["uid"])

    fake_zoom.control("POST", "/expire-tokens")
    tokens = fake_zoom.calls()["token"]
    second = data(await book(zoom_client_app, et["id"], dates.at(MONDAY, "11:00")), 201)
    await _settle(fake_zoom, database_url, data_dir)
    assert len(fake_zoom.meetings()) == 2
    assert fake_zoom.calls()["token"] == tokens + 1
    assert second["uid"] in await live_references(sessionmaker, second["uid"])


async def test_a_zoom_outage_keeps_the_booking_tells_the_admins_and_retries(
    zoom_client_app: httpx.AsyncClient,
    fake_zoom: FakeZoom,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    data_dir: Path,
    inbox: Inbox,
) -> None:
    et = await _zoom_school(zoom_client_app, tenant)
    # Down for longer than the settling below can last: a retry that comes due meanwhile (the
    # first back-off is 2 s; a loaded machine can take that long) fails too.
    fake_zoom.faults(serverErrorNext=1000)
    booked = data(await book(zoom_client_app, et["id"], dates.at(MONDAY, "10:00")), 201)
    await _settle(fake_zoom, database_url, data_dir)
    assert fake_zoom.meetings() == [] and await references(sessionmaker, booked["uid"]) == {}
    fake_zoom.faults(serverErrorNext=0)  # Zoom is back
    assert (
        data(await zoom_client_app.get(f"/v2/bookings/{booked['uid']}", headers=tenant.headers))[
            "status"
        ]
        == "accepted"
    )
    assert [m for m in inbox.to(tenant.owner_email) if "could not be made" in str(m["Subject"])]
    await _retry_due_now(sessionmaker, tenant)
    await _settle(fake_zoom, database_url, data_dir)
    (meeting,) = fake_zoom.meetings()
    assert (await live_references(sessionmaker, booked["uid"]))[booked["uid"]].uid == str(
        meeting["id"]
    )
