"""Admission control: at most N of one kind of work in flight in this process.

A booking holds its session's lock across a dozen awaited statements. With 64 bookings
interleaved on one event loop, the holder waits behind all the others' Python between each of
its statements, so the lock is held for that whole time and every booking of that session
queues behind it. Letting only a few bookings run at once (the rest wait here, holding nothing)
keeps each holder's turn short: the same work, done in less lock time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Request


def _gate(request: Request, name: str, limit: int) -> asyncio.Semaphore:
    gates: dict[str, asyncio.Semaphore] = request.app.state.__dict__.setdefault("admission", {})
    gate = gates.get(name)
    if gate is None:
        gate = gates[name] = asyncio.Semaphore(limit)
    return gate


@asynccontextmanager
async def admitted(request: Request, name: str, limit: int) -> AsyncIterator[None]:
    """Wait for one of ``limit`` places of ``name`` in this process, for the block."""
    async with _gate(request, name, limit):
        yield
