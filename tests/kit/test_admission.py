"""Admission control lets at most N of a kind of work run at once in a process; the rest wait
their turn and all of it gets done."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from immersio_booking.kit.admission import admitted


async def test_at_most_the_limit_runs_at_once_and_every_one_runs() -> None:
    request: Any = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace()))
    inside, most, done = 0, 0, 0

    async def one() -> None:
        nonlocal inside, most, done
        async with admitted(request, "bookings", 3):
            inside += 1
            most = max(most, inside)
            for _ in range(5):  # yield to the others while holding a place, as a booking does
                await asyncio.sleep(0)
            inside -= 1
            done += 1

    await asyncio.gather(*(one() for _ in range(40)))
    assert most == 3
    assert done == 40
    # One gate per kind of work: another name has places of its own.
    async with admitted(request, "bookings", 3), admitted(request, "other", 1):
        assert set(request.app.state.admission) == {"bookings", "other"}
