"""The one interface every calendar kind implements (CalDAV, Apple, ICS feed, Google).

The refresh job reads busy times through ``busy`` into ``calendar_busy_times``; the booking
path calls it live with a short timeout. Kinds that can be written to (not ICS feeds) also
make, move and remove one event per session in the destination calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from immersio_booking.models import Credential


@dataclass(frozen=True)
class Busy:
    start: datetime
    end: datetime
    external_id: str  # the calendar it came from


@dataclass(frozen=True)
class ListedCalendar:
    external_id: str
    name: str
    primary: bool
    read_only: bool


@dataclass(frozen=True)
class SessionEvent:
    """What a destination calendar shows for a session."""

    uid: str  # stable per session: the same across its seats
    title: str
    start: datetime
    end: datetime
    description: str
    location: str | None
    meeting_url: str | None
    attendee_emails: tuple[str, ...]


class CalendarUnavailable(Exception):
    """The calendar did not answer, or refused the credential (``refused``)."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


class CalendarSource(Protocol):
    credential_type: str  # Credential.type, e.g. "caldav_calendar", "ics-feed_calendar"

    async def calendars(self, credential: Credential) -> list[ListedCalendar]: ...

    async def busy(
        self, credential: Credential, external_ids: list[str], start: datetime, end: datetime
    ) -> list[Busy]: ...


class WritableCalendar(CalendarSource, Protocol):
    async def write(self, credential: Credential, external_id: str, event: SessionEvent) -> str:
        """Create or update the event (by ``event.uid``); returns the event's id there."""
        ...

    async def remove(self, credential: Credential, external_id: str, event_id: str) -> None: ...
