"""Google Calendar as a calendar kind: the teacher's calendars, their busy times (freeBusy),
and one event per session written, moved and removed (events insert/patch/delete).

Calls go through Google's own client library (google-api-python-client) built from the
discovery document shipped inside it (no network to fetch it), at ``IMMERSIO_GOOGLE_API_BASE``.
The library is synchronous: each call runs in a thread and is given up after the caller's
timeout (``kinds.timeout()``, by default ``IMMERSIO_CALENDAR_FETCH_TIMEOUT_SECONDS``); like
every kind it reads the settings in force from ``kinds.using``. The access token is refreshed
before a call when it is about to expire (``google_oauth.access_token``).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import google.oauth2.credentials
import google_auth_httplib2
import httplib2
from googleapiclient import discovery
from googleapiclient.errors import HttpError

from immersio_booking.calendars import google_oauth, kinds
from immersio_booking.calendars.source import (
    Busy,
    CalendarUnavailable,
    ListedCalendar,
    SessionEvent,
)
from immersio_booking.kit import clock
from immersio_booking.models import Credential

T = TypeVar("T")
Service = Any  # googleapiclient's Resource is built at run time from the discovery document


def google_event_id(uid: str) -> str:
    """Google's id for the event of the session ``uid``: event ids are 5–1024 characters of
    base32hex (``a``–``v``, ``0``–``9``), so the id is a hex digest of the uid."""
    return hashlib.blake2b(uid.encode(), digest_size=16).hexdigest()


def utc_stamp(moment: datetime) -> str:
    """An instant as Google's API writes it: UTC with a ``Z``."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def event_body(event: SessionEvent) -> dict[str, Any]:
    body: dict[str, Any] = {
        "summary": event.title,
        "description": event.description,
        "start": {"dateTime": utc_stamp(event.start), "timeZone": "UTC"},
        "end": {"dateTime": utc_stamp(event.end), "timeZone": "UTC"},
        "attendees": [{"email": email} for email in event.attendee_emails],
    }
    if event.location:
        body["location"] = event.location
    return body


class GoogleCalendar:
    """``WritableCalendar`` for ``google_calendar`` credentials (called within
    ``kinds.using``)."""

    credential_type = google_oauth.GOOGLE_CALENDAR
    app_id = google_oauth.GOOGLE_APP

    async def service(self, credential: Credential) -> Service:
        """A Calendar API client authorised with a live access token of ``credential``."""
        settings = kinds.settings()
        try:
            token = await google_oauth.access_token(credential, settings, clock.now())
        except google_oauth.TokenRefused as exc:
            raise CalendarUnavailable(str(exc), refused=True) from exc
        except google_oauth.TokenEndpointFailed as exc:
            raise CalendarUnavailable(str(exc)) from exc
        http = google_auth_httplib2.AuthorizedHttp(
            google.oauth2.credentials.Credentials(token=token),  # type: ignore[no-untyped-call]
            http=httplib2.Http(timeout=int(kinds.timeout()) + 1, proxy_info=None),
        )
        return discovery.build(
            "calendar",
            "v3",
            http=http,
            static_discovery=True,
            cache_discovery=False,
            client_options={"api_endpoint": f"{settings.google_api_base.rstrip('/')}/calendar/v3/"},
        )

    async def call(self, work: Callable[[], T]) -> T:
        """Run one blocking library call in a thread, within the calendar timeout."""
        try:
            async with asyncio.timeout(kinds.timeout()):
                return await asyncio.to_thread(work)
        except TimeoutError as exc:
            raise CalendarUnavailable("Google Calendar did not answer in time") from exc
        except HttpError as exc:
            status = int(exc.resp.status)
            raise CalendarUnavailable(
                f"Google Calendar answered {status}", refused=status == 401
            ) from exc
        except (OSError, httplib2.HttpLib2Error) as exc:
            raise CalendarUnavailable(f"Google Calendar cannot be reached: {exc}") from exc

    async def calendars(self, credential: Credential) -> list[ListedCalendar]:
        api = await self.service(credential)
        answer = await self.call(lambda: api.calendarList().list().execute())
        return [
            ListedCalendar(
                external_id=item["id"],
                name=item.get("summaryOverride") or item.get("summary") or item["id"],
                primary=bool(item.get("primary")),
                read_only=item.get("accessRole") not in ("owner", "writer"),
            )
            for item in answer.get("items", [])
        ]

    async def busy(
        self, credential: Credential, external_ids: list[str], start: datetime, end: datetime
    ) -> list[Busy]:
        if not external_ids:
            return []
        api = await self.service(credential)
        body = {
            "timeMin": utc_stamp(start),
            "timeMax": utc_stamp(end),
            "items": [{"id": external_id} for external_id in external_ids],
        }
        answer = await self.call(lambda: api.freebusy().query(body=body).execute())
        return [
            Busy(
                start=datetime.fromisoformat(period["start"]),
                end=datetime.fromisoformat(period["end"]),
                external_id=external_id,
            )
            for external_id, found in answer.get("calendars", {}).items()
            for period in found.get("busy", [])
        ]

    async def write(self, credential: Credential, external_id: str, event: SessionEvent) -> str:
        """Patch the session's event, or insert it under its id when it does not exist yet."""
        return await self.write_event(credential, external_id, event, google_event_id(event.uid))

    async def write_event(
        self, credential: Credential, external_id: str, event: SessionEvent, event_id: str
    ) -> str:
        """Patch the event ``event_id`` (made by us, or the Meet event of the session), or
        insert it under that id with the session's UID when it does not exist."""
        api = await self.service(credential)
        body = event_body(event)

        def patch_or_insert() -> str:
            events = api.events()
            try:
                events.patch(
                    calendarId=external_id, eventId=event_id, body=body, sendUpdates="none"
                ).execute()
            except HttpError as exc:
                if int(exc.resp.status) not in (404, 410):
                    raise
                events.insert(
                    calendarId=external_id,
                    body={**body, "id": event_id, "iCalUID": event.uid},
                    sendUpdates="none",
                ).execute()
            return event_id

        return await self.call(patch_or_insert)

    async def remove(self, credential: Credential, external_id: str, event_id: str) -> None:
        api = await self.service(credential)

        def delete() -> None:
            try:
                api.events().delete(
                    calendarId=external_id, eventId=event_id, sendUpdates="none"
                ).execute()
            except HttpError as exc:
                if int(exc.resp.status) not in (404, 410):  # already gone: done
                    raise

        await self.call(delete)
