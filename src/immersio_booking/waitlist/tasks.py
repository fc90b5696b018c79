"""The waitlist's jobs: the offer and expiry emails, booking an offer at once
(``waitlistAutoBook``), and the sweep of offers that ran out."""

from __future__ import annotations

import structlog

from immersio_booking.jobs import context
from immersio_booking.jobs.app import job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import clock
from immersio_booking.kit.errors import DomainError
from immersio_booking.models.waitlist import WaitlistEntry, WaitlistStatus
from immersio_booking.waitlist import accepting, emails, expiry

log = structlog.get_logger(__name__)


@job_app.task(name="send_waitlist_offer_email", retry=5, pass_context=False)
async def send_offer_email(entry_id: int) -> int:
    return await emails.send(
        context.settings(), "waitlist_offered", entry_id, WaitlistStatus.OFFERED
    )


@job_app.task(name="send_waitlist_expired_email", retry=5, pass_context=False)
async def send_expired_email(entry_id: int) -> int:
    return await emails.send(
        context.settings(), "waitlist_expired", entry_id, WaitlistStatus.EXPIRED
    )


@job_app.task(name="book_waitlist_offer", retry=3, pass_context=False)
async def book_offer(entry_id: int) -> str:
    """``waitlistAutoBook``: book the seat held for the entry, with the booking's own emails.
    When the booking flow refuses (the workshop changed meanwhile), the student gets the offer
    email instead and may still take the seat until it runs out."""
    settings = context.settings()
    try:
        async with job_session() as session:
            entry = await session.get(WaitlistEntry, entry_id)
            if entry is None:
                return "gone"
            return (await accepting.accept(session, entry, settings, clock.now())).outcome
    except DomainError as refused:
        log.info("waitlist_auto_book_refused", entry_id=entry_id, reason=refused.reason)
        await send_offer_email.defer_async(entry_id=entry_id)
        return "offered"


@job_app.periodic(cron="* * * * *")
@job_app.task(
    name="expire_waitlist_offers", queueing_lock="expire_waitlist_offers", pass_context=False
)
async def expire_offers(timestamp: int) -> int:
    """Offers past their end → EXPIRED, their seats on to the next in line."""
    del timestamp
    async with job_session() as session:
        return await expiry.expire(session, clock.now())
