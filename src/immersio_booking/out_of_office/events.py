"""An out-of-office entry was recorded: told to the packages above (webhooks' OOO_CREATED)
inside the transaction that records it, as ``bookings.events`` does for bookings. Listeners
are subscribed by ``immersio_booking.wiring``; out_of_office imports none of them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import OutOfOfficeEntry

Listener = Callable[[AsyncSession, OutOfOfficeEntry], Awaitable[None]]
_created: list[Listener] = []


def on_created(listener: Listener) -> None:
    """Run ``listener`` in the transaction of every new entry (once per listener)."""
    if listener not in _created:
        _created.append(listener)


async def created(session: AsyncSession, entry: OutOfOfficeEntry) -> None:
    for listener in _created:
        await listener(session, entry)
