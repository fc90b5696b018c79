"""Set-up shared by the offer tests: a full seated session, students in its line (written
directly: joining is tested in test_joining.py), and what the offers left in the database."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.kit import clock
from immersio_booking.models import Booking, BookingStatus, EventType, SlotReservation
from immersio_booking.models.waitlist import WaitlistEntry, WaitlistStatus
from immersio_booking.waitlist import accepting
from tests.bookings.helpers import book, seating, student, teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import data
from tests.waitlist.helpers import START, email


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class Full:
    et: dict[str, Any]
    seats: list[dict[str, Any]]  # the bookings that fill the session


async def full_session(
    client: httpx.AsyncClient, tenant: Tenant, seats: int = 1, **fields: Any
) -> Full:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, seats=seating(seats), **fields)
    booked = [
        data(await book(client, et["id"], START, attendee=student(email("seat"))), 201)
        for _ in range(seats)
    ]
    return Full(et, booked)


async def line_up(
    sessionmaker: async_sessionmaker[AsyncSession], et: dict[str, Any], count: int
) -> list[str]:
    """``count`` students in the line of the session at ``START``, first come first; their
    entries' uids in order."""
    uids = []
    async with sessionmaker() as session, session.begin():
        for _ in range(count):
            entry = WaitlistEntry(
                uid=str(uuid.uuid4()),
                organization_id=et["organizationId"],
                event_type_id=et["id"],
                start_time=moment(START),
                email=email("line"),
                name="Lin Waiting",
                time_zone="Europe/Paris",
                language="en",
            )
            session.add(entry)
            await session.flush()
            uids.append(entry.uid)
    return uids


async def entries(
    sessionmaker: async_sessionmaker[AsyncSession], uids: list[str]
) -> list[WaitlistEntry]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(WaitlistEntry).where(WaitlistEntry.uid.in_(uids)).order_by(WaitlistEntry.id)
        )
        return list(rows.scalars())


async def statuses(
    sessionmaker: async_sessionmaker[AsyncSession], uids: list[str]
) -> list[WaitlistStatus]:
    return [e.status for e in await entries(sessionmaker, uids)]


async def seat_count(
    sessionmaker: async_sessionmaker[AsyncSession], event_type_id: int
) -> tuple[int, int]:
    """(bookings holding a seat, live reservations) of the session at ``START``."""
    now = clock.now()
    async with sessionmaker() as session:
        booked = (
            await session.execute(
                select(func.count())
                .select_from(Booking)
                .where(
                    Booking.event_type_id == event_type_id,
                    Booking.start_time == moment(START),
                    Booking.status.in_((BookingStatus.ACCEPTED, BookingStatus.PENDING)),
                )
            )
        ).scalar_one()
        held = (
            await session.execute(
                select(func.count())
                .select_from(SlotReservation)
                .where(
                    SlotReservation.event_type_id == event_type_id,
                    SlotReservation.start_time == moment(START),
                    SlotReservation.expires_at > now,
                )
            )
        ).scalar_one()
    return int(booked), int(held)


async def accept_url(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, uid: str
) -> str:
    (entry,) = await entries(sessionmaker, [uid])
    secret = settings.resolved_secret_key()
    return accepting.accept_link("", secret, entry, "en")


async def take_seat(client: httpx.AsyncClient, url: str) -> httpx.Response:
    """Open the accept link and press the button, as the student does."""
    page = await client.get(url)
    assert page.status_code == 200, page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert csrf and token, page.text
    return await client.post(
        url.split("?")[0], data={"token": token.group(1), "csrf": csrf.group(1), "lang": "en"}
    )


async def event_type(sessionmaker: async_sessionmaker[AsyncSession], et_id: int) -> EventType:
    async with sessionmaker() as session:
        found = await session.get(EventType, et_id)
        assert found is not None
        return found
