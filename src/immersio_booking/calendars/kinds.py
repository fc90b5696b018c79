"""STAND-IN (dropped at merge: helper "calin" writes the real registry). The calendar kinds by
``Credential.type``."""

from __future__ import annotations

from immersio_booking.calendars.source import CalendarSource

_kinds: dict[str, CalendarSource] = {}


def register(source: CalendarSource) -> None:
    _kinds[source.credential_type] = source


def source_for(credential_type: str) -> CalendarSource | None:
    return _kinds.get(credential_type)
