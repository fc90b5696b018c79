"""Staff raised a workshop's seat count: told to the packages above (the waitlist offers the
new seats) inside the transaction of the change, as ``bookings.events`` does for bookings.
Listeners are subscribed by ``immersio_booking.wiring``; event_types imports none of them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import EventType

Listener = Callable[[AsyncSession, EventType], Awaitable[None]]
_seats_raised: list[Listener] = []


def on_seats_raised(listener: Listener) -> None:
    """Run ``listener`` in the transaction of every raised seat count (once per listener)."""
    if listener not in _seats_raised:
        _seats_raised.append(listener)


async def seats_raised(session: AsyncSession, et: EventType) -> None:
    for listener in _seats_raised:
        await listener(session, et)
