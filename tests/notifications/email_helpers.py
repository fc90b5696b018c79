"""A booking whose emails the worker sends through the test SMTP server, and the record of
them (``notifications.email_log``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import Booking, EmailDelivery
from immersio_booking.notifications import email_records
from tests import dates
from tests.bookings.helpers import MONDAY, book, student, teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import data

REFUSAL = "554 5.7.1 Mailbox full"


async def booked(client: httpx.AsyncClient, tenant: Tenant, email: str) -> dict[str, Any]:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, title="Conversation française")
    return data(  # type: ignore[no-any-return]
        await book(client, et["id"], dates.at(MONDAY, "10:00"), attendee=student(email)), 201
    )


async def emails_of(
    sessionmaker: async_sessionmaker[AsyncSession], tenant: Tenant, uid: str
) -> Sequence[EmailDelivery]:
    async with sessionmaker() as session:
        booking_id = (
            await session.execute(
                select(Booking.id).where(Booking.organization_id == tenant.id, Booking.uid == uid)
            )
        ).scalar_one()
        return await email_records.of_booking(session, tenant.id, booking_id)
