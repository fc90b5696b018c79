"""The query window of ``GET /v2/slots``: dates or instants, bounded, in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from immersio_booking.kit.errors import BadRequest

INVALID_RANGE = "Invalid time range given - check the 'start' and 'end' query parameters."


def _parse(value: str, name: str, is_end: bool) -> datetime:
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time(0), tzinfo=UTC)
            # A bare end date includes that whole day.
            return moment + timedelta(days=1) if is_end else moment
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadRequest(
            f"{name} must be an ISO-8601 date or date-time", reason="invalid_time_range"
        ) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    if is_end and parsed.time() == time(0):
        parsed += timedelta(days=1)  # Cal.com moves an end at 00:00:00 to the end of that day
    return parsed


def parse_window(start: str, end: str, max_days: int) -> tuple[datetime, datetime]:
    """The window, at most ``max_days`` long (setting ``slots_max_range_days``)."""
    window_start = _parse(start, "start", is_end=False)
    window_end = _parse(end, "end", is_end=True)
    if window_end <= window_start:
        raise BadRequest(INVALID_RANGE, reason="invalid_time_range")
    if window_end - window_start > timedelta(days=max_days):
        raise BadRequest(
            f"The time range is too long: at most {max_days} days per query.",
            reason="time_range_too_long",
            details={"limit": "slots_max_range_days", "max": max_days},
        )
    return window_start, window_end
