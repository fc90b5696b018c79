"""Housekeeping jobs."""

from __future__ import annotations

from typing import Any

from immersio_booking.jobs.app import job_app

RETENTION = "30 days"


@job_app.periodic(cron="17 3 * * *")
@job_app.task(
    name="purge_expired_api_keys", queueing_lock="purge_expired_api_keys", pass_context=True
)
async def purge_expired_api_keys(context: Any, timestamp: int) -> int:
    """Delete API keys revoked or expired more than 30 days ago (they can never work again;
    the month keeps them in listings long enough to explain a 401)."""
    del timestamp
    connector = context.app.connector
    # LEAST skips NULLs: a key is dead since the earlier of its revocation and its expiry
    # (COALESCE would keep a key that expired long ago but was revoked yesterday).
    rows = await connector.execute_query_all_async(
        "DELETE FROM api_keys WHERE LEAST(revoked_at, expires_at) < now() - interval '"
        + RETENTION
        + "' RETURNING id"
    )
    return len(rows)


@job_app.periodic(cron="41 * * * *")
@job_app.task(
    name="purge_idempotency_records", queueing_lock="purge_idempotency_records", pass_context=True
)
async def purge_idempotency_records(context: Any, timestamp: int) -> int:
    """Delete stored first answers whose 24 hours have passed."""
    del timestamp
    rows = await context.app.connector.execute_query_all_async(
        "DELETE FROM idempotency_records WHERE expires_at < now() RETURNING id"
    )
    return len(rows)


@job_app.periodic(cron="*/10 * * * *")
@job_app.task(
    name="purge_rate_limit_counters", queueing_lock="purge_rate_limit_counters", pass_context=True
)
async def purge_rate_limit_counters(context: Any, timestamp: int) -> int:
    """Delete rate-limit windows no estimate reads any more, and expired booker codes."""
    del timestamp
    connector = context.app.connector
    counters = await connector.execute_query_all_async(
        "DELETE FROM rate_limit_counters WHERE expires_at < now() RETURNING 1"
    )
    codes = await connector.execute_query_all_async(
        "DELETE FROM booker_email_codes WHERE expires_at < now() RETURNING 1"
    )
    return len(counters) + len(codes)


async def recover_stalled_jobs(app: Any, seconds_since_heartbeat: float = 30.0) -> int:
    """Jobs left in ``doing`` by a worker that died (no heartbeat) are queued again; every
    handler is idempotent, so at-least-once is safe."""
    stalled = list(
        await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds_since_heartbeat)
    )
    for job in stalled:
        await app.job_manager.retry_job(job)
    return len(stalled)


@job_app.periodic(cron="* * * * *")
@job_app.task(name="retry_stalled_jobs", queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context: Any, timestamp: int) -> int:
    del timestamp
    return await recover_stalled_jobs(context.app)
