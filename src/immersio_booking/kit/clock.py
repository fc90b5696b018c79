"""The one clock of the service.

Every read of the current time goes through :func:`now` (requests through the ``Now``
dependency, which reads it once per request). Tests move it with :func:`shifted` or pin it with
:func:`frozen`, and derive their own dates from it, so the suite passes on any day; in
production it is the machine's clock. Only monotonic timers (durations, timeouts) read
``time.monotonic`` directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends


def _machine_time() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = _machine_time


def now() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return _source()


def timestamp() -> float:
    """The current instant as seconds since the epoch (for signatures that want a number)."""
    return now().timestamp()


@contextmanager
def frozen(at: datetime) -> Iterator[datetime]:
    """Pin the clock at ``at`` (aware) inside the block."""
    if at.tzinfo is None:
        raise ValueError("frozen() needs an aware datetime")
    global _source
    previous = _source
    _source = lambda: at.astimezone(UTC)  # noqa: E731
    try:
        yield at
    finally:
        _source = previous


@contextmanager
def shifted(by: timedelta) -> Iterator[None]:
    """Run the clock ``by`` ahead (or behind) of where it is, still ticking, inside the block."""
    global _source
    previous = _source
    _source = lambda: previous() + by  # noqa: E731
    try:
        yield
    finally:
        _source = previous


def _request_now() -> datetime:
    return now()


Now = Annotated[datetime, Depends(_request_now)]
"""The instant of a request, read once: every rule the request applies sees the same time."""
