"""Jitsi Meet, the no-setup default (``integrations:cal-video`` and ``integrations:jitsi``).

Nothing is called over the network: a room exists as soon as someone opens its link, so the
meeting is made in the booking's own transaction and the confirmation email already has it.

Room names are random (128 bits from ``secrets``), drawn once per session and stored in the
booking references: nobody can guess a room from the school, the workshop or the time, and a
rescheduled session keeps its room, so a link already mailed keeps working. (A keyed HMAC of
the session would be unguessable too, but it changes with the time it is keyed on and with the
app secret, and gives nothing back: the room is stored anyway.)

With ``IMMERSIO_JITSI_APP_ID`` and ``IMMERSIO_JITSI_APP_SECRET`` (a self-hosted Jitsi with token
authentication) links carry a signed room token (HS256): the students' link a participant's,
``host_link`` a moderator's.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import quote, urlsplit

import jwt

from immersio_booking.bookings.meeting_links import MeetingLink
from immersio_booking.config import Settings
from immersio_booking.kit import clock
from immersio_booking.video.provider import Meeting, SessionInfo

REFERENCE_TYPE = "jitsi_video"
# A token stays valid this long after the session's end (late starts, overruns).
TOKEN_GRACE = timedelta(hours=2)
# Jitsi's token plugin checks ``aud``; "jitsi" is its default audience.
AUDIENCE = "jitsi"


def new_room() -> str:
    return f"immersio-{secrets.token_hex(16)}"


def room_token(
    settings: Settings,
    room: str,
    until: datetime,
    *,
    moderator: bool,
    name: str | None = None,
    email: str | None = None,
) -> str:
    """A room token for ``room`` valid until ``until`` (+ grace); needs the app id and secret."""
    if not (settings.jitsi_app_id and settings.jitsi_app_secret):
        raise ValueError(
            "Jitsi room tokens need IMMERSIO_JITSI_APP_ID and IMMERSIO_JITSI_APP_SECRET"
        )
    user: dict[str, object] = {
        "name": name or ("Host" if moderator else "Participant"),
        "moderator": moderator,
        "affiliation": "owner" if moderator else "member",
    }
    if email:
        user["email"] = email
    claims = {
        "aud": AUDIENCE,
        "iss": settings.jitsi_app_id,
        "sub": urlsplit(settings.jitsi_base_url).hostname or "meet.jitsi",
        "room": room,
        "exp": int((until + TOKEN_GRACE).timestamp()),
        "iat": int(clock.now().timestamp()),
        "context": {"user": user},
    }
    return jwt.encode(claims, settings.jitsi_app_secret, algorithm="HS256")


def tokens_enabled(settings: Settings) -> bool:
    return bool(settings.jitsi_app_id and settings.jitsi_app_secret)


def room_url(
    settings: Settings,
    room: str,
    until: datetime,
    *,
    moderator: bool = False,
    name: str | None = None,
    email: str | None = None,
) -> str:
    url = f"{settings.jitsi_base_url}/{quote(room)}"
    if not tokens_enabled(settings):
        return url
    token = room_token(settings, room, until, moderator=moderator, name=name, email=email)
    return f"{url}?jwt={token}"


def host_link(
    link: MeetingLink, settings: Settings, until: datetime, name: str | None, email: str | None
) -> str:
    """The link the teacher joins with: for a Jitsi room with room tokens, a moderator's token
    valid until ``until`` (the session's end) plus grace; otherwise the meeting's link.
    Installed at wiring as ``bookings.meeting_links``' host linker."""
    if link.type != REFERENCE_TYPE or not link.meeting_id:
        return link.url
    room = link.url.split("?", 1)[0]  # the room where it was made, without the student's token
    if not tokens_enabled(settings):
        return room
    token = room_token(settings, link.meeting_id, until, moderator=True, name=name, email=email)
    return f"{room}?jwt={token}"


class JitsiProvider:
    """Rooms on ``IMMERSIO_JITSI_BASE_URL``; no network, so it runs inside transactions."""

    reference_type = REFERENCE_TYPE

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def create(self, session: SessionInfo) -> Meeting:
        room = new_room()
        return Meeting(
            reference_type=REFERENCE_TYPE,
            uid=room,
            meeting_id=room,
            url=room_url(self.settings, room, session.end),
        )

    async def update(self, meeting: Meeting, session: SessionInfo) -> Meeting:
        """Same room (links already sent keep working); a fresh token for the new end."""
        room = meeting.meeting_id or meeting.uid
        return replace(meeting, url=room_url(self.settings, room, session.end))

    async def delete(self, meeting: Meeting) -> None:
        """A Jitsi room has nothing to remove: it exists only while people are in it."""
        del meeting
