"""Set-up shared by the join-link tests: meetings written as the video providers write them
(one ``BookingReference`` per seat, ``type`` ending in ``_video``), and the providers' port."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from email.message import Message
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.bookings import meeting_links
from immersio_booking.db.session import transaction
from immersio_booking.models import Booking, BookingReference
from immersio_booking.video import registry
from tests.factories import Tenant
from tests.helpers import data
from tests.video.helpers import FakeZoom, connect_zoom

# Enough 500s for every call a test's meeting jobs make while Zoom is on hold.
ZOOM_DOWN = 1000


def room_url() -> str:
    return f"https://meet.example.org/immersio-{secrets.token_hex(8)}"


async def add_meeting(
    sessionmaker: async_sessionmaker[AsyncSession],
    uid: str,
    *,
    url: str | None = None,
    type: str = "jitsi_video",
    password: str | None = None,
    deleted: bool = False,
    organization_id: int | None = None,
) -> str:
    """The meeting of booking ``uid`` as a provider stores it, in place of the live one the
    video listener made (a Jitsi room for a cal-video workshop); references already marked
    deleted stay; returns its join link."""
    url = url or room_url()
    async with transaction(sessionmaker) as session:
        booking = (await session.execute(select(Booking).where(Booking.uid == uid))).scalar_one()
        await session.execute(
            delete(BookingReference).where(
                BookingReference.booking_id == booking.id, BookingReference.deleted.is_(False)
            )
        )
        session.add(
            BookingReference(
                organization_id=organization_id or booking.organization_id,
                booking_id=booking.id,
                type=type,
                uid=url.rsplit("/", 1)[-1],
                meeting_id=url.rsplit("/", 1)[-1],
                meeting_password=password,
                meeting_url=url,
                deleted=deleted,
            )
        )
    return url


async def meeting_made(sessionmaker: async_sessionmaker[AsyncSession], uid: str) -> str:
    """The join link the video providers gave booking ``uid`` (it must have one)."""
    async with sessionmaker() as session:
        booking = (await session.execute(select(Booking).where(Booking.uid == uid))).scalar_one()
        link = await meeting_links.link_of(session, booking.organization_id, booking.id)
    assert link is not None, f"no meeting for {uid}"
    return link.url


@pytest.fixture
def providers_wired() -> Iterator[None]:
    """The video providers' port filled as ``wiring`` fills it once they exist: sessions on a
    video integration (or with ``zoom_auto_create``) get a meeting, so emails wait for it."""
    meeting_links.expect_links(registry.gets_meeting)
    try:
        yield
    finally:
        meeting_links.expect_links(registry.gets_meeting)  # as wiring leaves it


@pytest.fixture
async def zoom_jobs(
    fake_zoom: FakeZoom,
    database_url: str,
    data_dir: Path,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[FakeZoom]:
    """The test's jobs call the Zoom simulator, and an email waiting for its link goes only
    when :func:`run_waiting_emails_now` says so (not on its own a few seconds later).
    At the end the school's meeting jobs still retrying (Zoom held down) are cancelled: a
    later test's worker would otherwise run them against that test's simulator."""
    with fake_zoom.jobs(database_url, data_dir, IMMERSIO_MEETING_LINK_RETRY_SECONDS="600"):
        yield fake_zoom
    async with transaction(sessionmaker) as session:
        await session.execute(
            text(
                "SELECT procrastinate_cancel_job_v1(id, true, false) FROM procrastinate_jobs"
                " WHERE task_name = 'video_meetings' AND status = 'todo'"
                " AND (args->>'organization_id')::bigint = :org"
            ),
            {"org": tenant.id},
        )


async def zoom_on_hold(client: httpx.AsyncClient, tenant: Tenant, fake_zoom: FakeZoom) -> None:
    """The school's Zoom app connected, then Zoom answering 500 to every call: the meeting of
    a Zoom session is on its way (its job retries) but not made, until :func:`zoom_back`."""
    data(await connect_zoom(client, tenant))
    fake_zoom.faults(serverErrorNext=ZOOM_DOWN)


async def zoom_back(
    fake_zoom: FakeZoom, sessionmaker: async_sessionmaker[AsyncSession], tenant: Tenant
) -> None:
    """Zoom answers again, and the school's meeting job (retrying) is due now."""
    fake_zoom.faults()
    async with transaction(sessionmaker) as session:
        due = await session.execute(
            text(
                "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE task_name ="
                " 'video_meetings' AND status = 'todo' AND attempts > 0"
                " AND (args->>'organization_id')::bigint = :org"
            ),
            {"org": tenant.id},
        )
        assert int(due.rowcount) == 1  # type: ignore[attr-defined]


def zoom_meeting(fake_zoom: FakeZoom) -> str:
    """The join link of the one meeting the simulator holds."""
    (meeting,) = fake_zoom.meetings()
    return str(meeting["join_url"])


async def run_waiting_emails_now(
    sessionmaker: async_sessionmaker[AsyncSession], uid: str, kind: str | None = None
) -> int:
    """Let the emails of booking ``uid`` that wait for their link run now instead of in a few
    seconds (the job queue compares with the database's clock); returns how many waited."""
    async with transaction(sessionmaker) as session:
        moved = await session.execute(
            text(
                "UPDATE procrastinate_jobs SET scheduled_at = now() "
                "WHERE task_name = 'send_booking_email' AND status = 'todo' "
                "AND scheduled_at > now() AND (args->>'booking_id')::bigint = "
                "(SELECT id FROM bookings WHERE uid = :uid) "
                "AND (CAST(:kind AS text) IS NULL OR args->>'kind' = :kind)"
            ),
            {"uid": uid, "kind": kind},
        )
        return int(moved.rowcount)  # type: ignore[attr-defined]


def text_of(message: Message) -> str:
    return str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]


def html_of(message: Message) -> str:
    return str(message.get_body(("html",)).get_content())  # type: ignore[union-attr]


def invite_of(message: Message) -> bytes:
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert parts, "no invite attached"
    return bytes(parts[0].get_payload(decode=True))  # type: ignore[arg-type]
