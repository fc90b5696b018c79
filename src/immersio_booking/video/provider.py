"""The one interface every video provider implements (Jitsi, Zoom, Google Meet).

A provider makes, moves and removes the meeting of one *session*: every seat of a workshop at
one start shares it. What it returns is stored as ``BookingReference`` rows (one per seat,
same ``uid``) whose ``type`` is the provider's ``reference_type`` (ending in ``_video``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class SessionInfo:
    """What a provider needs to know about the session it makes a meeting for."""

    organization_id: int
    event_type_id: int
    title: str
    start: datetime
    end: datetime
    host_user_id: int | None
    host_email: str | None
    host_name: str | None
    time_zone: str


@dataclass(frozen=True)
class Meeting:
    """A meeting as the provider made it; the fields of a ``BookingReference``."""

    reference_type: str
    uid: str
    url: str
    meeting_id: str | None = None
    password: str | None = None
    credential_id: int | None = None


class ProviderFailed(Exception):
    """The provider could not do it now (down, rate limited, credential refused); the job
    retries, the booking stands. ``retry_after`` (seconds) when the provider said so."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CredentialRefused(ProviderFailed):
    """The school's credential for the provider was refused (401): it is marked invalid.
    ``credential_id`` names the refused ``Credential`` row when the provider knows it."""

    def __init__(self, message: str, *, credential_id: int | None = None) -> None:
        super().__init__(message)
        self.credential_id = credential_id


class VideoProvider(Protocol):
    reference_type: str

    async def create(self, session: SessionInfo) -> Meeting: ...

    async def update(self, meeting: Meeting, session: SessionInfo) -> Meeting: ...

    async def delete(self, meeting: Meeting) -> None: ...
