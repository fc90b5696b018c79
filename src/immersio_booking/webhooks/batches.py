"""The deliveries one job sends: claimed together, marked together, in Core SQL.

A job claims its own delivery and the other due ones (``FOR UPDATE SKIP LOCKED``: two workers
never claim the same row) and cancels the queued jobs of those others in the same transaction,
so a batch costs one job. If the worker dies before the commit, the claim, the cancellations and
the marks roll back together: every delivery is pending again with its own job queued.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking import global_lookups
from immersio_booking.models import DeliveryStatus

# How many deliveries one job claims at most (its own included).
BATCH_SIZE = 32

# The jobs of the claimed deliveries that have not started: this job does their work.
_CANCEL_QUEUED = text(
    "SELECT procrastinate_cancel_job_v1(id, false, true) FROM procrastinate_jobs"
    " WHERE status = 'todo' AND queueing_lock = ANY(:locks)"
)

_MARK = text(
    """
UPDATE webhook_deliveries d
SET status = o.status, attempts = o.attempts, last_attempt_at = o.last_attempt_at,
    next_attempt_at = o.next_attempt_at, last_status_code = o.code, last_response = o.response
FROM unnest(
    CAST(:ids AS bigint[]), CAST(:statuses AS text[]), CAST(:attempts AS integer[]),
    CAST(:last_attempts AS timestamptz[]), CAST(:next_attempts AS timestamptz[]),
    CAST(:codes AS integer[]), CAST(:responses AS text[])
) AS o(id, status, attempts, last_attempt_at, next_attempt_at, code, response)
WHERE d.id = o.id
"""
)


def queueing_lock(delivery_id: int) -> str:
    """The queueing lock of a delivery's job: at most one waiting job per delivery, and the
    handle by which a batch finds the jobs it does the work of."""
    return f"delivery:{delivery_id}"


@dataclass
class Claimed:
    """A claimed delivery with its subscription's fields (None for the Immersio endpoint)."""

    id: int
    organization_id: int
    uid: str
    destination: str
    webhook_id: int | None
    body: dict[str, Any]
    attempts: int
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_response: str | None
    subscriber_url: str | None
    sealed_secret: str | None
    payload_template: str | None
    hook_active: bool | None

    # What becomes of it (set by the attempt, written by ``mark``).
    status: DeliveryStatus = DeliveryStatus.PENDING
    next_attempt_at: datetime | None = None


async def claim(
    session: AsyncSession, own: int, now: datetime, size: int, *, wait_for_own: bool = False
) -> list[Claimed]:
    """Lock ``own`` (when pending) and up to ``size - 1`` other due pending deliveries; their
    queued jobs are cancelled. ``wait_for_own``: wait for ``own``'s lock instead of skipping
    it (the batch that holds it may yet roll back)."""
    rows = await global_lookups.claim_webhook_deliveries(
        session, own, now, size, wait_for_own=wait_for_own
    )
    claimed = [Claimed(*tuple(row)) for row in rows]
    await cancel_queued(session, [queueing_lock(c.id) for c in claimed if c.id != own])
    return claimed


async def cancel_queued(session: AsyncSession, locks: Sequence[str]) -> None:
    """Drop the jobs with these queueing locks that have not started."""
    if locks:
        await session.execute(_CANCEL_QUEUED, {"locks": list(locks)})


async def mark(session: AsyncSession, batch: Sequence[Claimed]) -> None:
    """Write every claimed delivery's outcome in one statement."""
    if not batch:
        return
    await session.execute(
        _MARK,
        {
            "ids": [c.id for c in batch],
            "statuses": [str(c.status) for c in batch],
            "attempts": [c.attempts for c in batch],
            "last_attempts": [c.last_attempt_at for c in batch],
            "next_attempts": [c.next_attempt_at for c in batch],
            "codes": [c.last_status_code for c in batch],
            "responses": [c.last_response for c in batch],
        },
    )
