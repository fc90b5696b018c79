"""Full sessions in ``GET /v2/slots?includeFull=true`` (ours, not Cal.com's): the sessions of a
seated workshop whose seats are all taken, listed with ``full: true``, and the length of every
listed session's waitlist (``waitlistCount``).

Which sessions are full and who waits is the waitlist's knowledge (the booking page's query,
``waitlist/sessions.py``), and the waitlist sits above slots: ``immersio_booking.wiring``
installs it here. Only counts come through, never who is in line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.kit.errors import BadRequest
from immersio_booking.models import EventType
from immersio_booking.slots.model import Slot

NOT_SEATED = "include_full_not_seated"


@dataclass(frozen=True)
class Lines:
    """A window's full sessions and how many are in line (waiting or offered) per session."""

    full: Sequence[datetime] = ()
    waiting: dict[datetime, int] = field(default_factory=dict)


class FullSessions(Protocol):
    async def __call__(
        self,
        session: AsyncSession,
        et: EventType,
        window: tuple[datetime, datetime],
        now: datetime,
    ) -> Lines:
        """The full sessions of ``et`` starting in ``window`` (after ``now``) and the counts
        of the lines of its sessions in ``window``."""
        ...


_lines: FullSessions | None = None


def install(lines: FullSessions) -> None:
    global _lines
    _lines = lines


def ensure_seated(et: EventType) -> None:
    """400 ``include_full_not_seated``: only a seated workshop has sessions that fill up."""
    if not et.seats_per_time_slot:
        raise BadRequest(
            "includeFull=true is for workshops with seats: this workshop has no seats, so no"
            " session of it is ever full. Leave includeFull out.",
            reason=NOT_SEATED,
            details={"fields": ["includeFull"]},
        )


async def lines_of(
    session: AsyncSession, et: EventType, window: tuple[datetime, datetime], now: datetime
) -> Lines:
    if _lines is None:
        raise RuntimeError("no full sessions port installed (immersio_booking.wiring.wire)")
    return await _lines(session, et, window, now)


def with_full(free: list[Slot], lines: Lines, seats: int, length: int) -> list[Slot]:
    """``free`` and the full sessions of ``lines`` that are not free (every seat taken; a
    round-robin start still free with another teacher stays a free slot)."""
    offered = {s.start for s in free}
    span = timedelta(minutes=length)
    full = [
        Slot(start, start + span, seats_booked=seats, seats_total=seats)
        for start in lines.full
        if start not in offered
    ]
    return [*free, *full] if full else free


def mark(grouped: dict[str, list[dict[str, Any]]], lines: Lines) -> None:
    """Add ``full`` and ``waitlistCount`` to each slot of ``grouped`` (the wire shape, seat
    counts still shown)."""
    for day in grouped.values():
        for item in day:
            # Before the counts are hidden: a free slot always has a seat left.
            item["full"] = item["seatsRemaining"] == 0
            item["waitlistCount"] = lines.waiting.get(datetime.fromisoformat(item["start"]), 0)
