"""Starting the payment of a booking that holds its seat until paid.

Payments sits above bookings (it settles bookings when the money arrives), so bookings asks for
a payment through this port and ``immersio_booking.wiring`` installs the payments package's
implementation at start-up. Booking a priced workshop before that is a bug, refused loudly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings.schemas import PaymentOut
from immersio_booking.config import Settings
from immersio_booking.models import Booking, EventType


class StartPayment(Protocol):
    async def __call__(
        self, session: AsyncSession, booking: Booking, et: EventType, settings: Settings
    ) -> PaymentOut:
        """A payment for ``booking`` (a row, and at the provider an intent), in the session's
        transaction; a provider failure raises, so no seat is held without a way to pay."""
        ...


_start: StartPayment | None = None


def install(start: StartPayment) -> None:
    global _start
    _start = start


async def start_payments(
    session: AsyncSession, created: Sequence[Booking], settings: Settings
) -> dict[str, PaymentOut]:
    """A payment for each new booking that holds its seat until paid, by booking uid."""
    out: dict[str, PaymentOut] = {}
    for booking in created:
        if not booking.awaits_payment:
            continue
        if _start is None:
            raise RuntimeError("no payment starter installed (immersio_booking.wiring.wire)")
        et = await session.get(EventType, booking.event_type_id)
        assert et is not None
        out[booking.uid] = await _start(session, booking, et, settings)
    return out
