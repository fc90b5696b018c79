"""BOOKING_NO_SHOW_UPDATED: Cal.com's payload (the booking's uid and id, the attendees whose
mark changed as ``{email, noShow}``, the host's mark when it changed, and a message)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import events
from immersio_booking.models import Booking
from immersio_booking.webhooks.emitter import PayloadOf


def message(event: events.AbsenceMarked) -> str:
    parts = []
    if event.attendees:
        absent = sum(event.attendees.values())
        parts.append(
            f"{absent} attendee(s) marked as no-show, {len(event.attendees) - absent} as present"
        )
    if event.host_absent is not None:
        parts.append("host marked as no-show" if event.host_absent else "host marked as present")
    return "; ".join(parts)


def payload_of(event: events.AbsenceMarked) -> PayloadOf:
    async def build(session: AsyncSession, booking: Booking) -> dict[str, Any]:
        del session
        payload: dict[str, Any] = {
            "bookingUid": booking.uid,
            "bookingId": booking.id,
            "attendees": [
                {"email": email, "noShow": absent} for email, absent in event.attendees.items()
            ],
            "message": message(event),
        }
        if event.host_absent is not None:
            payload["noShowHost"] = event.host_absent
        return payload

    return build
