"""Which provider makes a session's meeting: one resolver per location integration.

Built in: ``cal-video`` and ``jitsi`` (Jitsi Meet) and ``zoom`` (the school's Zoom app).
Other packages add theirs at wiring time (the calendars package registers ``google-meet``).
A resolver answers None when it cannot serve this session (the host has not connected Google,
the school has not connected Zoom): the session then gets a Jitsi room and the school's admins
are told.

A workshop whose metadata says ``zoom_auto_create`` uses Zoom whatever its location; otherwise
the booking's location decides (``integrations:<name>``); any other location has no meeting.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import meeting_links
from immersio_booking.config import Settings
from immersio_booking.models import EventType
from immersio_booking.models.metadata import EventTypeMetadata
from immersio_booking.video import zoom
from immersio_booking.video.jitsi import JitsiProvider
from immersio_booking.video.provider import SessionInfo, VideoProvider

Resolver = Callable[[AsyncSession, SessionInfo, Settings], Awaitable[VideoProvider | None]]

JITSI_INTEGRATIONS = ("cal-video", "jitsi")


async def _jitsi(session: AsyncSession, info: SessionInfo, settings: Settings) -> VideoProvider:
    del session, info
    return JitsiProvider(settings)


_resolvers: dict[str, Resolver] = {
    "cal-video": _jitsi,
    "jitsi": _jitsi,
    "zoom": zoom.resolve,
}


def register(integration: str, resolver: Resolver) -> None:
    """Make ``resolver`` answer for the location ``integrations:<integration>``."""
    _resolvers[integration] = resolver


def registered() -> dict[str, Resolver]:
    return dict(_resolvers)


def integration_for(et: EventType | None, location: str | None) -> str | None:
    """The integration whose meeting a seat at ``location`` of ``et`` joins, or None."""
    if et is not None and EventTypeMetadata.model_validate(et.metadata_ or {}).zoom_auto_create:
        return "zoom"
    name = meeting_links.integration_of(location)
    return name if name in _resolvers else None


def gets_meeting(location: str | None, et: EventType | None) -> bool:
    """Whether a provider makes a meeting for sessions at ``location`` of ``et``: installed
    at wiring as ``bookings.meeting_links``' port, so an email waits for a link on its way."""
    return integration_for(et, location) is not None


def runs_in_transaction(integration: str) -> bool:
    """Jitsi needs no network: its meeting is made in the booking's own transaction."""
    return integration in JITSI_INTEGRATIONS


async def resolve(
    session: AsyncSession, integration: str, info: SessionInfo, settings: Settings
) -> VideoProvider | None:
    resolver = _resolvers.get(integration)
    return await resolver(session, info, settings) if resolver else None


async def for_reference_type(
    session: AsyncSession, reference_type: str, info: SessionInfo, settings: Settings
) -> VideoProvider | None:
    """A provider able to move or remove a meeting of ``reference_type`` (the one that made it)."""
    for resolver in _resolvers.values():
        provider = await resolver(session, info, settings)
        if provider is not None and provider.reference_type == reference_type:
            return provider
    return None
