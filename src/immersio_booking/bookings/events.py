"""Booking events: what happened to bookings, published in the transaction of the change.

Bookings never imports the packages that react to a change. Notifications, webhooks,
workflows and payments subscribe at start-up (``immersio_booking.wiring``) and run inside the
transaction of the change, so what they queue (emails, webhook deliveries, reminders, refund
jobs) exists if and only if the change commits, and an exception in a listener rolls the
change back. Listeners run in the order they subscribed. Each seat is a booking: an event
about a seated session names the seats it concerns.

New bookings are announced before they are made, too: ``prepare`` tells every preparer the
workshop and the hosts a booking may go to before the booking takes its locks, so a listener
reads what does not depend on the locks (its settings, the school's subscriptions) there, keeps
it for the transaction (``db.session.Remembered``), and only writes once the locks are held.

Publishing before anything subscribed is a bug (the change would happen unheard), so
``publish`` refuses until ``mark_wired`` was called.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.jobs.app import together
from immersio_booking.models import Booking, BookingStatus, EventType


@dataclass(frozen=True)
class Booked:
    """New bookings: accepted, requested (waiting for the host) or holding a seat until paid."""

    bookings: Sequence[Booking]

    @property
    def accepted(self) -> list[Booking]:
        return [b for b in self.bookings if b.status == BookingStatus.ACCEPTED]

    @property
    def requested(self) -> list[Booking]:
        """Waiting for the host's confirmation (not for a payment)."""
        return [
            b for b in self.bookings if b.status == BookingStatus.PENDING and not b.awaits_payment
        ]

    @property
    def awaiting_payment(self) -> list[Booking]:
        return [b for b in self.bookings if b.awaits_payment]


@dataclass(frozen=True)
class Confirmed:
    """The host accepted a pending request."""

    booking: Booking


@dataclass(frozen=True)
class Paid:
    """The payment of a booking arrived (online or recorded by staff); the booking is now
    accepted, or still pending when the host must also confirm it."""

    booking: Booking


@dataclass(frozen=True)
class Cancelled:
    """Bookings cancelled by the student, the host or the school (refund rows already written)."""

    bookings: Sequence[Booking]


@dataclass(frozen=True)
class Rejected:
    """The host declined a pending request."""

    booking: Booking


@dataclass(frozen=True)
class Rescheduled:
    """``booking`` is the new booking; ``previous`` the one it replaces (now cancelled)."""

    booking: Booking
    previous: Booking


@dataclass(frozen=True)
class HoldsExpired:
    """Unpaid bookings whose payment hold ran out: cancelled with ``payment_expired``."""

    bookings: Sequence[Booking]


@dataclass(frozen=True)
class AbsenceMarked:
    """The host or the school marked who did not come to ``booking``'s session: the
    attendees whose mark changed (email → absent) and the host's mark when it was given."""

    booking: Booking
    attendees: dict[str, bool]
    host_absent: bool | None


@dataclass(frozen=True)
class GuestsAdded:
    """The host or the school added guests (new attendees) to ``booking``."""

    booking: Booking
    emails: Sequence[str]


@dataclass(frozen=True)
class LocationChanged:
    """The seats of one session moved to another of the workshop's locations."""

    bookings: Sequence[Booking]
    previous: str | None


@dataclass(frozen=True)
class Reassigned:
    """The seats of one session went to another teacher (a substitute)."""

    bookings: Sequence[Booking]
    previous_host_id: int | None
    reason: str | None = None


@dataclass(frozen=True)
class BookerCodeRequested:
    """A booker asked for the code that proves their email address."""

    code_id: int
    code_hash: str
    sealed_code: str
    language: str | None


@dataclass(frozen=True)
class Invited:
    """Staff invited a student to an invite-only workshop until ``expires``."""

    event_type_id: int
    email: str
    name: str | None
    language: str | None
    expires: datetime


@dataclass(frozen=True)
class Coming:
    """Bookings about to be made (before their locks): the workshop, and everyone they may go
    to (its hosts and the substitutes standing in)."""

    event_type: EventType
    host_ids: tuple[int, ...]


BookingEvent = (
    Booked
    | Confirmed
    | Paid
    | Cancelled
    | Rejected
    | Rescheduled
    | HoldsExpired
    | AbsenceMarked
    | GuestsAdded
    | LocationChanged
    | Reassigned
    | BookerCodeRequested
    | Invited
)
E = TypeVar("E", bound=BookingEvent)
Listener = Callable[[AsyncSession, Any], Awaitable[None]]


@dataclass(frozen=True)
class Preparer:
    """``ask``: one scalar SQL expression about the bookings ``Coming`` (every package's read
    together in one statement); ``keep``: given its value, keep what the listeners will need
    (more statements only where the value says there is something to load)."""

    ask: Callable[[Coming], ColumnElement[Any]]
    keep: Callable[[AsyncSession, Coming, Any], Awaitable[None]]


_listeners: dict[type[Any], list[Listener]] = {}
_preparers: list[Preparer] = []
_wired = False


class NotWired(RuntimeError):
    """A booking event was published before the listeners subscribed."""


def subscribe(kind: type[E], listener: Callable[[AsyncSession, E], Awaitable[None]]) -> None:
    """Run ``listener`` in the transaction of every ``kind`` event (once per listener)."""
    registered = _listeners.setdefault(kind, [])
    if listener not in registered:
        registered.append(listener)


class Listeners:
    """A package's listeners, declared where they are written (``@listeners.on(Booked)``) and
    subscribed together by ``immersio_booking.wiring``."""

    def __init__(self) -> None:
        self._pairs: list[tuple[type[Any], Listener]] = []
        self._preparers: list[Preparer] = []

    def preparing(self, preparer: Preparer) -> None:
        """``preparer`` reads, before a booking's locks, what this package's listeners will
        need about the bookings ``Coming``."""
        self._preparers.append(preparer)

    def on(
        self, kind: type[E]
    ) -> Callable[
        [Callable[[AsyncSession, E], Awaitable[None]]], Callable[[AsyncSession, E], Awaitable[None]]
    ]:
        def register(
            listener: Callable[[AsyncSession, E], Awaitable[None]],
        ) -> Callable[[AsyncSession, E], Awaitable[None]]:
            self._pairs.append((kind, listener))
            return listener

        return register

    def subscribe(self) -> None:
        for kind, listener in self._pairs:
            subscribe(kind, listener)
        for preparer in self._preparers:
            if preparer not in _preparers:
                _preparers.append(preparer)


def mark_wired() -> None:
    """Every listener has subscribed: events may be published from now on."""
    global _wired
    _wired = True


def is_wired() -> bool:
    return _wired


def listeners_of(kind: type[Any]) -> list[Listener]:
    return list(_listeners.get(kind, ()))


async def prepare(session: AsyncSession, coming: Coming) -> None:
    """Let every preparer read ahead, in the session's transaction, before the locks
    (nothing to do before the listeners are wired: ``publish`` refuses then)."""
    if not _preparers:
        return
    row = (await session.execute(select(*(p.ask(coming) for p in _preparers)))).one()
    for preparer, value in zip(_preparers, row, strict=True):
        await preparer.keep(session, coming, value)


async def publish(session: AsyncSession, event: BookingEvent) -> None:
    """Tell every subscriber of ``type(event)``, in order, in the session's transaction."""
    if not _wired:
        raise NotWired(
            f"{type(event).__name__} published before the booking listeners were wired"
            " (immersio_booking.wiring.wire)"
        )
    async with together(session):  # the listeners' jobs written in one statement
        for listener in _listeners.get(type(event), ()):
            await listener(session, event)
