"""Other packages' providers (the calendars package's Google Meet) plug in through the
registry: the job makes, moves and removes their meetings; a resolver that cannot serve the
session falls back to Jitsi."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.video import registry
from immersio_booking.video.provider import Meeting, SessionInfo, VideoProvider
from tests import dates
from tests.bookings.helpers import MONDAY, book, cancel_as_school, teacher_hours
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import job_environment, run_jobs
from tests.video.helpers import live_references, live_workshop, references

MEET = [{"type": "integration", "integration": "google-meet"}]


@dataclass
class Recorder:
    """A provider of the registry's contract that keeps its meetings in memory."""

    reference_type: str = "google_meet_video"
    made: list[SessionInfo] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    async def create(self, session: SessionInfo) -> Meeting:
        self.made.append(session)
        uid = f"meet-{len(self.made)}"
        return Meeting(self.reference_type, uid, f"https://meet.google.com/{uid}", uid)

    async def update(self, meeting: Meeting, session: SessionInfo) -> Meeting:
        del session
        return meeting

    async def delete(self, meeting: Meeting) -> None:
        self.deleted.append(meeting.uid)


async def _run(database_url: str, data_dir: Path) -> None:
    with job_environment(database_url, data_dir):
        await run_jobs(database_url)
        await run_jobs(database_url)


async def test_a_registered_provider_makes_and_removes_the_sessions_meeting_in_the_job(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = Recorder()

    async def resolve(
        session: AsyncSession, info: SessionInfo, settings: Settings
    ) -> VideoProvider:
        del session, info, settings
        return recorder

    monkeypatch.setitem(registry._resolvers, "google-meet", resolve)
    await teacher_hours(client, tenant)
    et = await live_workshop(client, tenant, locations=MEET)
    start = dates.at(MONDAY, "10:00")
    seats = [data(await book(client, et["id"], start), 201) for _ in range(2)]
    assert await references(sessionmaker, *(s["uid"] for s in seats)) == {}  # not in the request
    await _run(database_url, data_dir)
    found = await live_references(sessionmaker, *(s["uid"] for s in seats))
    assert {r.uid for r in found.values()} == {"meet-1"} and len(found) == 2
    assert {r.type for r in found.values()} == {"google_meet_video"}
    (info,) = recorder.made
    assert (info.organization_id, info.event_type_id) == (tenant.id, et["id"])
    for seat in seats:
        await cancel_as_school(client, tenant, seat)
    await _run(database_url, data_dir)
    assert recorder.deleted == ["meet-1"]
    assert await live_references(sessionmaker, *(s["uid"] for s in seats)) == {}


async def test_a_resolver_that_cannot_serve_falls_back_to_jitsi(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def not_connected(
        session: AsyncSession, info: SessionInfo, settings: Settings
    ) -> VideoProvider | None:
        del session, info, settings
        return None

    monkeypatch.setitem(registry._resolvers, "google-meet", not_connected)
    await teacher_hours(client, tenant)
    et = await live_workshop(client, tenant, locations=MEET)
    booked = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    await _run(database_url, data_dir)
    reference = (await live_references(sessionmaker, booked["uid"]))[booked["uid"]]
    assert reference.type == "jitsi_video"
