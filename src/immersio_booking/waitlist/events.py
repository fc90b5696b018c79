"""Waitlist events: a student joined a line, was offered a seat, let an offer run out.

Published inside the transaction of the change, like ``bookings.events``: webhooks
(WAITLIST_JOINED / WAITLIST_OFFERED / WAITLIST_EXPIRED) and workflows subscribe at start-up
(``immersio_booking.wiring``); the waitlist imports none of them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models.waitlist import WaitlistEntry


@dataclass(frozen=True)
class WaitlistEvent:
    entry: WaitlistEntry
    trigger: ClassVar[str]


@dataclass(frozen=True)
class Joined(WaitlistEvent):
    trigger: ClassVar[str] = "WAITLIST_JOINED"


@dataclass(frozen=True)
class Offered(WaitlistEvent):
    """A seat is held for ``entry`` until its ``offer_expires_at``."""

    trigger: ClassVar[str] = "WAITLIST_OFFERED"


@dataclass(frozen=True)
class Expired(WaitlistEvent):
    """``entry``'s offer ran out unanswered; the seat went on to the next in line."""

    trigger: ClassVar[str] = "WAITLIST_EXPIRED"


TRIGGERS = (Joined.trigger, Offered.trigger, Expired.trigger)
Listener = Callable[[AsyncSession, WaitlistEvent], Awaitable[None]]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    """Run ``listener`` in the transaction of every waitlist event (once per listener)."""
    if listener not in _listeners:
        _listeners.append(listener)


async def publish(session: AsyncSession, event: WaitlistEvent) -> None:
    for listener in _listeners:
        await listener(session, event)
