"""The calendar kinds the service can read, by ``Credential.type``.

Each kind registers one ``CalendarSource`` (``listeners.subscribe`` registers CalDAV, Apple and
ICS feeds at wiring; Google registers itself the same way). A source is shared by every
request and job, so it keeps no settings of its own: the caller states the settings in force
with ``using(settings)`` around its calls, and a source reads them with ``settings()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from immersio_booking.calendars.source import CalendarSource
from immersio_booking.config import Settings
from immersio_booking.kit.errors import BadRequest

_sources: dict[str, CalendarSource] = {}
_settings: ContextVar[Settings | None] = ContextVar("calendar_settings", default=None)
_timeout: ContextVar[float | None] = ContextVar("calendar_timeout", default=None)


def register(source: CalendarSource) -> None:
    _sources[source.credential_type] = source


def source_for(credential_type: str) -> CalendarSource:
    source = _sources.get(credential_type)
    if source is None:
        known = ", ".join(sorted(_sources)) or "none"
        raise BadRequest(
            f"{credential_type} is not a calendar kind this service reads (known: {known})",
            reason="calendar_kind_unknown",
        )
    return source


def is_calendar(credential_type: str) -> bool:
    return credential_type in _sources


def registered() -> list[str]:
    return sorted(_sources)


@contextmanager
def using(settings: Settings, timeout: float | None = None) -> Iterator[None]:
    """Run sources with ``settings`` and at most ``timeout`` seconds per call to a calendar
    (default ``calendar_fetch_timeout_seconds``); nested calls keep the innermost."""
    token = _settings.set(settings)
    limit = _timeout.set(timeout)
    try:
        yield
    finally:
        _timeout.reset(limit)
        _settings.reset(token)


def timeout() -> float:
    return _timeout.get() or settings().calendar_fetch_timeout_seconds


def settings() -> Settings:
    found = _settings.get()
    if found is None:
        raise RuntimeError("calendar sources called outside kinds.using(settings)")
    return found
