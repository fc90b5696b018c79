"""The session's video meeting in a webhook payload, as Cal.com sends it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import meeting_links
from immersio_booking.bookings.meeting_links import MeetingLink


def with_meeting(payload: dict[str, Any], link: MeetingLink) -> dict[str, Any]:
    """The payload with the session's meeting as Cal.com sends it: ``location`` is the join
    link, ``metadata.videoCallUrl`` too, and ``videoCallData {type, id, password, url}``."""
    return {
        **payload,
        "location": link.url,
        "metadata": {**(payload.get("metadata") or {}), "videoCallUrl": link.url},
        "videoCallData": {
            "type": link.type,
            "id": link.meeting_id,
            "password": link.password,
            "url": link.url,
        },
    }


async def with_late_meeting(
    session: AsyncSession, organization_id: int, body: dict[str, Any]
) -> dict[str, Any] | None:
    """``body`` with the meeting its booking has now, when it had none when the event was
    written (a Zoom meeting is made moments after booking); None when nothing changes."""
    payload = body.get("payload")
    if not isinstance(payload, dict) or "videoCallData" in payload:
        return None
    booking_id = payload.get("bookingId")
    if not isinstance(booking_id, int):
        return None
    link = await meeting_links.link_of(session, organization_id, booking_id)
    return None if link is None else {**body, "payload": with_meeting(payload, link)}
