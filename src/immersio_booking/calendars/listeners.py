"""Calendars at start-up (``wiring.wire``): the kinds this package reads, and the live busy
check the booking path asks for."""

from __future__ import annotations

from immersio_booking.bookings import busy_check
from immersio_booking.calendars import kinds, live_check
from immersio_booking.calendars.caldav_kind import AppleSource, CalDavSource
from immersio_booking.calendars.ics_feed import IcsFeedSource


def subscribe() -> None:
    kinds.register(CalDavSource())
    kinds.register(AppleSource())
    kinds.register(IcsFeedSource())
    busy_check.install(live_check.live_busy)
