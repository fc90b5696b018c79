"""Who a whitelist workshop admits."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import EventType
from immersio_booking.models.metadata import EventTypeMetadata
from immersio_booking.whitelist import repository


def whitelist_required(et: EventType) -> bool:
    """The workshop takes bookings from the students on its whitelist only."""
    meta = EventTypeMetadata.model_validate(et.metadata_ or {})
    return meta.whitelist_enabled or meta.registration_mode == "whitelist"


async def admits(session: AsyncSession, et: EventType, email: str) -> bool:
    """``email`` may book the workshop: it takes anyone, or the email is on its whitelist."""
    return not whitelist_required(et) or await repository.on_whitelist(
        session, et.organization_id, et.id, email
    )
