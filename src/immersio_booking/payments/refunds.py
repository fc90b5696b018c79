"""Executing refunds: every cancellation-history row in ``pending`` becomes a provider refund.

``pending`` → ``processing`` → ``completed`` | ``failed`` (retried with backoff by the job
queue). The provider's idempotency key is the history row's id, so a retry never refunds twice. A
completed refund queues an email to the student in the same transaction.

The change that owes a refund queues its job in its own transaction (``start_soon``), so the
refund starts within seconds; the periodic sweep (``due``) stays as the safety net.
"""

from __future__ import annotations

from collections.abc import Sequence

from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import Settings
from immersio_booking.jobs.app import job_app
from immersio_booking.models import Booking, BookingCancellationHistory, Payment, RefundStatus
from immersio_booking.notifications.service import notify
from immersio_booking.payments.service import provider_for


async def due(session: AsyncSession, limit: int = 100) -> list[int]:
    rows = await session.execute(
        select(BookingCancellationHistory.id)
        .where(
            BookingCancellationHistory.refund_status.in_(
                (RefundStatus.PENDING, RefundStatus.PROCESSING)
            )
        )
        .order_by(BookingCancellationHistory.id)
        .limit(limit)
    )
    return [int(i) for i in rows.scalars()]


def queueing_lock(history_id: int) -> str:
    """One waiting refund job per history row, whoever queues it (the change or the sweep)."""
    return f"refund-{history_id}"


async def start_soon(session: AsyncSession, booking_ids: Sequence[int]) -> list[int]:
    """Queue the refund job of every pending refund of these bookings, on the session's own
    connection: the job exists if and only if the change that owes the refund commits."""
    if not booking_ids:
        return []
    rows = await session.execute(
        select(BookingCancellationHistory.id).where(
            BookingCancellationHistory.booking_id.in_(booking_ids),
            BookingCancellationHistory.refund_status == RefundStatus.PENDING,
        )
    )
    history_ids = [int(i) for i in rows.scalars()]
    if not history_ids:
        return []
    raw = await (await session.connection()).get_raw_connection()
    for history_id in history_ids:
        # A queueing-lock conflict would abort the whole transaction: try it in a SAVEPOINT.
        try:
            async with session.begin_nested():
                # By name: the task module imports this one.
                await job_app.configure_task(
                    "execute_refund",
                    connection=raw.driver_connection,
                    queueing_lock=queueing_lock(history_id),
                ).defer_async(history_id=history_id)
        except AlreadyEnqueued:
            continue  # the sweep queued it already
    return history_ids


async def execute(session: AsyncSession, history_id: int, settings: Settings) -> str:
    row = (
        await session.execute(
            select(BookingCancellationHistory)
            .where(BookingCancellationHistory.id == history_id)
            .with_for_update(skip_locked=True)
        )
    ).scalar_one_or_none()
    if row is None or row.refund_status not in (RefundStatus.PENDING, RefundStatus.PROCESSING):
        return "nothing to do"
    payment = (
        await session.execute(select(Payment).where(Payment.booking_id == row.booking_id))
    ).scalar_one_or_none()
    if payment is None or not payment.success or payment.refunded:
        row.refund_status = (
            RefundStatus.COMPLETED
            if payment is not None and payment.refunded
            else RefundStatus.FAILED
        )
        return row.refund_status
    if payment.app_id != "stripe" or payment.external_id is None:
        # Offline payments are refunded by the school; the row waits for staff.
        return "manual"
    connected = await provider_for(session, row.organization_id, settings)
    if connected is None:
        row.refund_status = RefundStatus.FAILED
        return "failed"
    row.refund_status = RefundStatus.PROCESSING
    await session.flush()
    refund = await connected.provider.refund(
        payment.external_id, row.refund_amount, idempotency_key=f"refund-{row.id}"
    )
    row.refund_transaction_id = refund.external_id
    row.refund_status = (
        RefundStatus.COMPLETED if refund.status in ("succeeded", "pending") else RefundStatus.FAILED
    )
    if row.refund_status == RefundStatus.COMPLETED:
        payment.refunded = True
        booking = await session.get(Booking, row.booking_id)
        if booking is not None:  # the student hears that the money is on its way back
            await notify(session, [booking], "refunded")
    return row.refund_status
