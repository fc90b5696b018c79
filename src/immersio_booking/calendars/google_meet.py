"""Google Meet as a video provider: the meeting of a session is a Google Calendar event in the
host's primary calendar with a Meet conference (``conferenceData.createRequest``); its
``hangoutLink`` is the join link. Registered in the video registry as ``google-meet``; a host
without a Google credential has no Meet (the resolver answers ``None``)."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.calendars import google_oauth, kinds
from immersio_booking.calendars.google_calendar import GoogleCalendar, utc_stamp
from immersio_booking.calendars.source import CalendarUnavailable
from immersio_booking.config import Settings
from immersio_booking.models import Credential
from immersio_booking.video.provider import CredentialRefused, Meeting, ProviderFailed, SessionInfo

REFERENCE_TYPE = "google_meet_video"
INTEGRATION = "google-meet"
PRIMARY = "primary"


def _times(session: SessionInfo) -> dict[str, Any]:
    return {
        "summary": session.title,
        "start": {"dateTime": utc_stamp(session.start), "timeZone": session.time_zone},
        "end": {"dateTime": utc_stamp(session.end), "timeZone": session.time_zone},
    }


class GoogleMeet:
    reference_type = REFERENCE_TYPE

    def __init__(self, credential: Credential, settings: Settings) -> None:
        self._credential = credential
        self._settings = settings
        self._calendar = GoogleCalendar()

    async def _run(self, work: Any) -> Any:
        try:
            with kinds.using(self._settings):
                api = await self._calendar.service(self._credential)
                return await self._calendar.call(lambda: work(api.events()))
        except CalendarUnavailable as exc:
            if exc.refused:
                raise CredentialRefused(str(exc)) from exc
            raise ProviderFailed(str(exc)) from exc

    def _meeting(self, event: dict[str, Any]) -> Meeting:
        link = event.get("hangoutLink")
        if not link:
            raise ProviderFailed("Google made the event without a Meet link (yet)")
        return Meeting(
            reference_type=REFERENCE_TYPE,
            uid=str(event["id"]),
            url=str(link),
            meeting_id=str(event["id"]),
            credential_id=self._credential.id,
        )

    async def create(self, session: SessionInfo) -> Meeting:
        body = {
            **_times(session),
            "conferenceData": {
                "createRequest": {
                    "requestId": secrets.token_hex(12),
                    "conferenceSolutionKey": {"type": "hangoutsMeet"},
                }
            },
        }
        event = await self._run(
            lambda events: events.insert(
                calendarId=PRIMARY, body=body, conferenceDataVersion=1
            ).execute()
        )
        return self._meeting(event)

    async def update(self, meeting: Meeting, session: SessionInfo) -> Meeting:
        event = await self._run(
            lambda events: events.patch(
                calendarId=PRIMARY, eventId=meeting.uid, body=_times(session)
            ).execute()
        )
        return self._meeting(event)

    async def delete(self, meeting: Meeting) -> None:
        try:
            with kinds.using(self._settings):
                await self._calendar.remove(self._credential, PRIMARY, meeting.uid)
        except CalendarUnavailable as exc:
            raise (CredentialRefused if exc.refused else ProviderFailed)(str(exc)) from exc


async def resolve(
    session: AsyncSession, info: SessionInfo, settings: Settings
) -> GoogleMeet | None:
    """Meet for a host who connected Google (a valid credential); otherwise none."""
    if info.host_user_id is None:
        return None
    credential = await google_oauth.credential_of_user(
        session, info.organization_id, info.host_user_id
    )
    if credential is None or credential.invalid:
        return None
    return GoogleMeet(credential, settings)
