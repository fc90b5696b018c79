"""Deferring booking emails in the same transaction as the change that causes them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.jobs.app import defer_with_the_rest
from immersio_booking.models import Booking
from immersio_booking.notifications.tasks import send_booking_email


async def notify(
    session: AsyncSession, bookings: Sequence[Booking], kind: str, **extra: Any
) -> None:
    """Queue one email job per booking on the session's own connection: the jobs exist if and
    only if the booking change commits. ``extra``: the job's other arguments (``only``,
    ``note``)."""
    if not bookings:
        return
    for booking in bookings:
        await defer_with_the_rest(
            session, send_booking_email, booking_id=booking.id, kind=kind, **extra
        )
