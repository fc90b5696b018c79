"""CalDAV calendars (any server, ``caldav_calendar``) and Apple's iCloud calendars (CalDAV at
``IMMERSIO_APPLE_CALDAV_URL``, ``apple_calendar``), read and written with the ``caldav``
library: calendars and busy times in, one event per session out (``write``/``remove``: a
VEVENT whose UID is the session's; saving the same UID again replaces it).

The library is synchronous: each call runs in a thread, bounded by the caller's timeout
(``kinds.timeout()``) both in the HTTP client and around the thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import caldav
import requests
from caldav.lib import error as caldav_error

from immersio_booking.calendars import ical_busy, kinds, sealing
from immersio_booking.calendars.events_out_content import session_ics
from immersio_booking.calendars.source import (
    Busy,
    CalendarUnavailable,
    ListedCalendar,
    SessionEvent,
)
from immersio_booking.calendars.vetted_requests import RefusedTarget, vetted_session
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.kit.http import OutgoingPolicy
from immersio_booking.models import Credential

T = TypeVar("T")

CALDAV = "caldav_calendar"
APPLE = "apple_calendar"


async def _in_thread(work: Callable[[], T]) -> T:
    limit = kinds.timeout()
    try:
        return await asyncio.wait_for(asyncio.to_thread(work), limit)
    except TimeoutError as exc:
        raise CalendarUnavailable(f"the calendar server did not answer within {limit:g} s") from exc
    except caldav_error.AuthorizationError as exc:
        raise CalendarUnavailable(
            "the calendar server refused the credentials", refused=True
        ) from exc
    except RefusedTarget as exc:
        raise CalendarUnavailable(str(exc), refused=False) from exc
    except (caldav_error.DAVError, requests.RequestException, ValueError) as exc:
        raise CalendarUnavailable(f"the calendar server failed: {type(exc).__name__}") from exc


class CalDavSource:
    credential_type = CALDAV
    app_id = "caldav"

    def url_of(self, credential: Credential) -> str:
        return str(credential.key["url"])

    def _client(self, url: str, username: str, password: str) -> caldav.DAVClient:
        settings = kinds.settings()
        client = caldav.DAVClient(
            url=url, username=username, password=password, timeout=int(kinds.timeout()) + 1
        )
        client.session.close()
        client.session = vetted_session(OutgoingPolicy.of(settings))
        return client

    def _client_of(self, credential: Credential) -> caldav.DAVClient:
        box = SecretBox.of(kinds.settings())
        return self._client(
            self.url_of(credential),
            str(credential.key["username"]),
            sealing.secret(box, credential, "password"),
        )

    async def probe(self, url: str, username: str, password: str) -> list[ListedCalendar]:
        """The calendars these credentials open (the check made before saving them)."""
        return await _in_thread(lambda: _listed(lambda: self._client(url, username, password)))

    async def calendars(self, credential: Credential) -> list[ListedCalendar]:
        return await _in_thread(lambda: _listed(lambda: self._client_of(credential)))

    async def busy(
        self, credential: Credential, external_ids: list[str], start: datetime, end: datetime
    ) -> list[Busy]:
        zone = ical_busy.zone_of(credential.key.get("timeZone"))

        def read(client: caldav.DAVClient) -> list[Busy]:
            found: list[Busy] = []
            for external_id in external_ids:
                calendar = client.calendar(url=external_id)  # type: ignore[no-untyped-call]
                for item in calendar.search(start=start, end=end, event=True, expand=False):
                    data = ical_busy.parsed(item.data)
                    found += ical_busy.busy_in(data, start, end, external_id, zone)
            return found

        return await _in_thread(lambda: self._with_client(credential, read))

    async def write(self, credential: Credential, external_id: str, event: SessionEvent) -> str:
        """Save the session's event (a new one, or the same UID replaced); its id is the UID."""
        ics = session_ics(event)

        def save(client: caldav.DAVClient) -> str:
            client.calendar(url=external_id).save_event(ics)  # type: ignore[no-untyped-call]
            return event.uid

        return await _in_thread(lambda: self._with_client(credential, save))

    async def remove(self, credential: Credential, external_id: str, event_id: str) -> None:
        def delete(client: caldav.DAVClient) -> None:
            try:
                calendar = client.calendar(url=external_id)  # type: ignore[no-untyped-call]
                calendar.event_by_uid(event_id).delete()
            except caldav_error.NotFoundError:
                return  # already gone: done

        await _in_thread(lambda: self._with_client(credential, delete))

    def _with_client(self, credential: Credential, work: Callable[[caldav.DAVClient], T]) -> T:
        client = self._client_of(credential)
        try:
            return work(client)
        finally:
            client.session.close()


class AppleSource(CalDavSource):
    credential_type = APPLE
    app_id = "apple-calendar"

    def url_of(self, credential: Credential) -> str:
        del credential  # every Apple account lives at the one iCloud address
        return kinds.settings().apple_caldav_url


def _listed(connect: Callable[[], caldav.DAVClient]) -> list[ListedCalendar]:
    client = connect()
    try:
        calendars = client.principal().calendars()  # type: ignore[no-untyped-call]
    finally:
        client.session.close()
    return [
        ListedCalendar(
            external_id=str(calendar.url),
            name=str(calendar.name or calendar.url),
            primary=index == 0,
            read_only=False,
        )
        for index, calendar in enumerate(calendars)
    ]
