"""Dates for tests, derived from the service's clock (``kit.clock``), so the suite passes on
any day. Never write a literal future date in a test: take one from here."""

from __future__ import annotations

from datetime import date, timedelta

from immersio_booking.kit import clock


def today() -> date:
    return clock.now().date()


def monday(weeks_ahead: int = 8) -> date:
    """The first Monday at least ``weeks_ahead`` weeks after today."""
    day = today() + timedelta(weeks=weeks_ahead)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def at(day: date, hhmm: str = "10:00") -> str:
    """``day`` at ``hhmm`` UTC as the API writes an instant: ``YYYY-MM-DDTHH:MM:00Z``."""
    return f"{day.isoformat()}T{hhmm}:00Z"
