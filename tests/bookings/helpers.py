"""Set-up shared by the booking tests: a teacher with hours and a workshop to book."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import Booking, Payment
from tests import dates
from tests.factories import Tenant
from tests.helpers import data

MONDAY = dates.first_monday(2)
"""The Monday the booking tests book on: in early February, at least eight weeks ahead, so
Paris is at UTC+1 (10:00Z is 11:00 there) and the next two weeks stay in the same month."""


async def teacher_hours(
    client: httpx.AsyncClient, tenant: Tenant, zone: str = "UTC", end: str = "17:00"
) -> None:
    data(
        await client.post(
            "/v2/schedules",
            headers=tenant.headers,
            json={
                "name": "Hours",
                "timeZone": zone,
                "isDefault": True,
                "availability": [
                    {
                        "days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
                        "startTime": "09:00",
                        "endTime": end,
                    }
                ],
            },
        ),
        201,
    )


def seating(per_slot: int) -> dict[str, Any]:
    """A workshop's ``seats`` field: ``per_slot`` seats a session, availability counts shown."""
    return {"seatsPerTimeSlot": per_slot, "showAttendeeInfo": False, "showAvailabilityCount": True}


async def workshop(client: httpx.AsyncClient, tenant: Tenant, **fields: Any) -> dict[str, Any]:
    body = {
        "lengthInMinutes": 60,
        "title": "Workshop",
        "slug": f"w-{secrets.token_hex(3)}",
        "minimumBookingNotice": 0,
        **fields,
    }
    return data(await client.post("/v2/event-types", headers=tenant.headers, json=body), 201)  # type: ignore[no-any-return]


async def one_booking(
    client: httpx.AsyncClient, tenant: Tenant, start: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A teacher's hours, a free workshop, and one student's booking at ``start``: the workshop
    and the booking."""
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    return et, data(await book(client, et["id"], start), 201)


def student(email: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "name": "Ada Student",
        "email": email or f"s-{secrets.token_hex(4)}@example.com",
        "timeZone": "Europe/Paris",
        **extra,
    }


async def book(
    client: httpx.AsyncClient,
    event_type_id: int,
    start: str,
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> httpx.Response:
    body = {
        "eventTypeId": event_type_id,
        "start": start,
        "attendee": fields.pop("attendee", student()),
        **fields,
    }
    return await client.post(
        "/v2/bookings", json=body, headers={"cal-api-version": "2024-08-13", **(headers or {})}
    )


async def book_paid_offline(
    client: httpx.AsyncClient, tenant: Tenant, event_type: dict[str, Any], start: str, **fields: Any
) -> dict[str, Any]:
    """The school books a priced workshop for a student who paid offline (accepted and paid)."""
    return data(  # type: ignore[no-any-return]
        await book(
            client, event_type["id"], start, headers=tenant.headers, paidOffline=True, **fields
        ),
        201,
    )


def token_of(booking: dict[str, Any]) -> str:
    return parse_qs(urlsplit(booking["manageUrl"]).query)["token"][0]


def manage_token(booking: dict[str, Any]) -> dict[str, str]:
    """The headers a student's page sends: the booking's manage token, as the page's script does."""
    return {"X-Manage-Token": token_of(booking)}


async def booking_state(client: httpx.AsyncClient, tenant: Tenant, uid: str) -> dict[str, Any]:
    """The booking as the school's owner reads it."""
    return data(await client.get(f"/v2/bookings/{uid}", headers=tenant.headers))  # type: ignore[no-any-return]


async def cancellation_history(
    client: httpx.AsyncClient, tenant: Tenant, uid: str
) -> list[dict[str, Any]]:
    return data(  # type: ignore[no-any-return]
        await client.get(f"/v2/bookings/{uid}/cancellation-history", headers=tenant.headers)
    )


async def cancel_as_school(
    client: httpx.AsyncClient, tenant: Tenant, booking: dict[str, Any]
) -> dict[str, Any]:
    """The school's owner cancels the booking (no reason given)."""
    return data(  # type: ignore[no-any-return]
        await client.post(f"/v2/bookings/{booking['uid']}/cancel", headers=tenant.headers, json={})
    )


async def cancel_with_token(client: httpx.AsyncClient, booking: dict[str, Any]) -> dict[str, Any]:
    """The student cancels through the manage link's token."""
    return data(  # type: ignore[no-any-return]
        await client.post(
            f"/v2/bookings/{booking['uid']}/cancel", params={"token": token_of(booking)}, json={}
        )
    )


async def payment_of(sessionmaker: async_sessionmaker[AsyncSession], uid: str) -> Payment:
    """The Payment row of the booking ``uid``."""
    async with sessionmaker() as session:
        return (
            await session.execute(
                select(Payment)
                .join(Booking, Booking.id == Payment.booking_id)
                .where(Booking.uid == uid)
            )
        ).scalar_one()
