"""Set-up of the calendar tests: a teacher's CalDAV account and calendars on Radicale, their
credential, and the events read back with the caldav library."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import caldav
import httpx
import icalendar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.calendars import sealing
from immersio_booking.config import Settings
from immersio_booking.db.session import transaction
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.models import Booking, BookingReference, Credential
from tests.bookings.helpers import teacher_hours
from tests.calendars_out.conftest import Dav
from tests.factories import Tenant
from tests.helpers import data


@dataclass(frozen=True)
class Found:
    uid: str
    summary: str
    start: datetime
    end: datetime
    description: str
    location: str | None
    attendees: list[str]


def _client(dav: Dav, user: str) -> caldav.DAVClient:
    return caldav.DAVClient(
        url=dav.account_url(user), username=dav.username(user), password=dav.password(user)
    )


async def make_calendar(dav: Dav, user: str = "teacher") -> str:
    """A new calendar of the account of ``user`` (a role) on Radicale; its URL."""

    def make() -> str:
        with _client(dav, user) as client:
            made = client.principal().make_calendar(name=f"Lessons {secrets.token_hex(3)}")  # type: ignore[no-untyped-call]
            return str(made.url)

    return await asyncio.to_thread(make)


async def events_in(dav: Dav, calendar_url: str, user: str = "teacher") -> list[Found]:
    """Every event in the calendar, as read back from Radicale."""

    def read() -> list[Found]:
        with _client(dav, user) as client:
            calendar = client.calendar(url=calendar_url)  # type: ignore[no-untyped-call]
            found = []
            for item in calendar.events():
                for vevent in icalendar.Calendar.from_ical(item.data).walk("VEVENT"):
                    attendees = vevent.get("attendee", [])
                    if not isinstance(attendees, list):
                        attendees = [attendees]
                    found.append(
                        Found(
                            uid=str(vevent["uid"]),
                            summary=str(vevent["summary"]),
                            start=vevent["dtstart"].dt,
                            end=vevent["dtend"].dt,
                            description=str(vevent.get("description", "")),
                            location=str(vevent["location"]) if "location" in vevent else None,
                            attendees=sorted(str(a).removeprefix("mailto:") for a in attendees),
                        )
                    )
            return found

    return await asyncio.to_thread(read)


async def caldav_credential(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    organization_id: int,
    user_id: int,
    dav: Dav,
    user: str = "teacher",
    password: str | None = None,
    url: str | None = None,
) -> int:
    """A CalDAV credential of ``user_id`` (what POST /v2/calendars/caldav/credentials stores)."""
    box = SecretBox.of(settings)
    async with transaction(sessionmaker) as session:
        credential = Credential(
            organization_id=organization_id,
            user_id=user_id,
            type="caldav_calendar",
            app_id="caldav",
            key=sealing.sealed_key(
                box,
                {"password": password or dav.password(user)},
                url=url or dav.account_url(user),
                username=dav.username(user),
            ),
        )
        session.add(credential)
        await session.flush()
        return credential.id


async def choose_destination(
    client: httpx.AsyncClient, headers: dict[str, str], calendar_url: str
) -> dict[str, Any]:
    return data(  # type: ignore[no-any-return]
        await client.put(
            "/v2/destination-calendars",
            headers=headers,
            json={"integration": "caldav_calendar", "externalId": calendar_url},
        )
    )


async def writing_to_new_calendar(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    dav: Dav,
) -> str:
    """The school's owner teaches weekdays and has a new CalDAV calendar on Radicale chosen as
    the destination of their sessions; returns the calendar's URL."""
    await caldav_credential(sessionmaker, settings, tenant.id, tenant.owner_id, dav)
    calendar = await make_calendar(dav)
    await choose_destination(client, tenant.headers, calendar)
    await teacher_hours(client, tenant)
    return calendar


async def references_of(
    sessionmaker: async_sessionmaker[AsyncSession], uids: list[str]
) -> list[BookingReference]:
    """The calendar-event references of these bookings (not their video meetings')."""
    async with sessionmaker() as session:
        return list(
            (
                await session.execute(
                    select(BookingReference)
                    .join(Booking, Booking.id == BookingReference.booking_id)
                    .where(
                        Booking.uid.in_(uids),
                        BookingReference.type.in_(("caldav_calendar", "google_calendar")),
                    )
                    .order_by(BookingReference.id)
                )
            ).scalars()
        )
