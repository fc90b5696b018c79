"""Sessions written to a CalDAV calendar (any CalDAV server, Apple's iCloud included): the
``write``/``remove`` half of the CalDAV calendar kind (the reading half, calendars and busy
times, is the CalDAV source's).

The ``caldav`` library (1.x) is synchronous: each call runs in a thread and is given up after
``IMMERSIO_CALENDAR_TIMEOUT_SECONDS``. The event is an iCalendar VEVENT whose UID is the
session's; saving the same UID again replaces it (moved, seats changed, link added).
The server's address is vetted like any outgoing request (``kit.http``) before the library
connects to it: a teacher's CalDAV URL never reaches a private address unless allowed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from typing import TypeVar

import caldav
import icalendar
from caldav.lib import error as caldav_error

from immersio_booking.calendars.source import CalendarUnavailable, ListedCalendar, SessionEvent
from immersio_booking.config import Settings
from immersio_booking.jobs import context
from immersio_booking.kit import clock
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.kit.http import OutgoingPolicy, UnsafeTarget, vetted_addresses
from immersio_booking.models import Credential

T = TypeVar("T")
PRODID = "-//Immersio Booking//Sessions//EN"


@dataclass(frozen=True)
class CaldavAccount:
    url: str
    username: str
    password: str


def account_of(credential: Credential, box: SecretBox) -> CaldavAccount:
    """The server and login of a CalDAV credential (``key``: url, username, sealed password)."""
    key = credential.key
    return CaldavAccount(
        url=str(key["url"]), username=str(key["username"]), password=box.open(key["password"])
    )


def session_ics(event: SessionEvent, sequence: int = 0) -> str:
    """The session as one VEVENT in a VCALENDAR."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", clock.now().astimezone(UTC))
    vevent.add("dtstart", event.start.astimezone(UTC))
    vevent.add("dtend", event.end.astimezone(UTC))
    vevent.add("summary", event.title)
    vevent.add("description", event.description)
    vevent.add("sequence", sequence)
    if event.location:
        vevent.add("location", event.location)
    if event.meeting_url:
        vevent.add("url", event.meeting_url)
    for email in event.attendee_emails:
        attendee = icalendar.vCalAddress(f"mailto:{email}")
        attendee.params["ROLE"] = icalendar.vText("REQ-PARTICIPANT")
        vevent.add("attendee", attendee, encode=False)
    calendar.add_component(vevent)
    ics: bytes = calendar.to_ical()
    return ics.decode()


class CaldavEventsOut:
    """``write`` and ``remove`` of the CalDAV kind; the event's id there is its UID. Without
    ``settings`` it uses the running job's (``jobs.context``)."""

    credential_type = "caldav_calendar"

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings

    @property
    def settings(self) -> Settings:
        return self._settings or context.settings()

    async def _run(self, credential: Credential, work: Callable[[caldav.DAVClient], T]) -> T:
        settings = self.settings
        account = account_of(credential, SecretBox.of(settings))
        try:
            await vetted_addresses(account.url, OutgoingPolicy.of(settings))
        except UnsafeTarget as exc:
            raise CalendarUnavailable(exc.message, refused=True) from exc
        timeout = settings.calendar_timeout_seconds

        def call() -> T:
            with caldav.DAVClient(
                url=account.url,
                username=account.username,
                password=account.password,
                timeout=int(timeout),
            ) as client:
                return work(client)

        try:
            async with asyncio.timeout(timeout):
                return await asyncio.to_thread(call)
        except TimeoutError as exc:
            raise CalendarUnavailable("The CalDAV server did not answer in time") from exc
        except caldav_error.AuthorizationError as exc:
            raise CalendarUnavailable("The CalDAV server refused the login", refused=True) from exc
        except (caldav_error.DAVError, OSError) as exc:
            raise CalendarUnavailable(f"The CalDAV server failed: {exc}") from exc

    async def write(self, credential: Credential, external_id: str, event: SessionEvent) -> str:
        ics = session_ics(event)

        def save(client: caldav.DAVClient) -> str:
            calendar = client.calendar(url=external_id)  # type: ignore[no-untyped-call]
            calendar.save_event(ics)
            return event.uid

        return await self._run(credential, save)

    async def remove(self, credential: Credential, external_id: str, event_id: str) -> None:
        def delete(client: caldav.DAVClient) -> None:
            try:
                calendar = client.calendar(url=external_id)  # type: ignore[no-untyped-call]
                calendar.event_by_uid(event_id).delete()
            except caldav_error.NotFoundError:
                return  # already gone: done

        await self._run(credential, delete)

    async def calendars(self, credential: Credential) -> list[ListedCalendar]:
        """The account's calendars, the first one primary: what a destination may name (the
        CalDAV source lists them the same way for busy times)."""

        def listed(client: caldav.DAVClient) -> list[ListedCalendar]:
            found = client.principal().calendars()  # type: ignore[no-untyped-call]
            return [
                ListedCalendar(
                    external_id=str(calendar.url),
                    name=str(calendar.name or calendar.url),
                    primary=index == 0,
                    read_only=False,
                )
                for index, calendar in enumerate(found)
            ]

        return await self._run(credential, listed)
