"""Cal.com's ``requiresBookerEmailVerification``: a workshop is booked only by someone who can
read the booker email's inbox.

A booking request without ``emailVerificationCode`` for such a workshop gets a 400
``email_verification_required`` and a six-digit code is emailed to the attendee (sends are rate
limited); the same request with the code then books. A code lives ``booker_code_minutes``,
is stored only as a keyed hash, takes ``booker_code_attempts`` wrong guesses and may serve
several bookings while it lives (a taken slot must not cost a new code). Staff of the
school are not asked. These checks run in their own short transactions: a wrong guess is
counted even though the request fails.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.auth.principal import Principal
from immersio_booking.bookings import events
from immersio_booking.bookings.eligibility import is_staff
from immersio_booking.bookings.requests import lookup_of
from immersio_booking.bookings.schemas import BookingCreate
from immersio_booking.config import Settings
from immersio_booking.db.session import keep, transaction
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.kit.errors import BadRequest, DomainError
from immersio_booking.models import BookerEmailCode, EventType
from immersio_booking.ratelimits.addresses import keyed_hash
from immersio_booking.slots import service as slots

FIELD = "emailVerificationCode"


def required(et: EventType) -> bool:
    return bool(et.options.requires_booker_email_verification)


def _hash(settings: Settings, organization_id: int, email: str, code: str) -> str:
    return keyed_hash(
        settings.resolved_secret_key(), "booker-code", f"{organization_id}:{email}:{code}"
    )


def _needed(email: str, minutes: int) -> BadRequest:
    return BadRequest(
        f"This workshop needs a verified email: we sent a code to {email}. Send the booking"
        f" again with the code in {FIELD} (it is valid for {minutes} minutes).",
        reason="email_verification_required",
        details={"field": FIELD, "codeSent": True, "expiresInMinutes": minutes},
    )


@dataclass(frozen=True)
class Claim:
    """Someone asking for a workshop with an email: a booking, or joining a session's
    waitlist (the same code serves both). ``language``: the code email's."""

    lookup: slots.EventTypeLookup
    email: str
    code: str | None
    language: str


def claim_of(body: BookingCreate) -> Claim:
    return Claim(
        lookup_of(body),
        str(body.attendee.email).strip().lower(),
        body.email_verification_code,
        body.attendee.language,
    )


async def _issue(
    session: AsyncSession,
    settings: Settings,
    et: EventType,
    language: str,
    email: str,
    now: datetime,
) -> None:
    """A new code replaces the previous one (and its attempts); the email job is queued with it."""
    code = f"{secrets.randbelow(10**6):06d}"
    code_hash = _hash(settings, et.organization_id, email, code)
    values = {
        "organization_id": et.organization_id,
        "email": email,
        "code_hash": code_hash,
        "expires_at": now + timedelta(minutes=settings.booker_code_minutes),
        "attempts": 0,
        "event_type_id": et.id,
    }
    statement = insert(BookerEmailCode).values(**values)
    upsert = statement.on_conflict_do_update(
        index_elements=["organization_id", "email"],
        set_={k: statement.excluded[k] for k in values if k not in ("organization_id", "email")},
    ).returning(BookerEmailCode.id)
    code_id = (await session.execute(upsert)).scalar_one()
    # The code travels to the mail job encrypted: the job queue keeps its arguments.
    sealed = SecretBox.of(settings).seal(code)
    requested = events.BookerCodeRequested(code_id, code_hash, sealed, language)
    await events.publish(session, requested)


async def _verify(
    session: AsyncSession, settings: Settings, et: EventType, email: str, code: str, now: datetime
) -> DomainError | None:
    row = (
        await session.execute(
            select(BookerEmailCode)
            .where(
                BookerEmailCode.organization_id == et.organization_id,
                BookerEmailCode.email == email,
            )
            .with_for_update()
        )
    ).scalar_one_or_none()
    if row is None or row.expires_at <= now:
        return BadRequest(
            "This email verification code has expired or was never sent. Send the booking"
            f" without {FIELD} to get a new code.",
            reason="email_verification_code_expired",
            details={"field": FIELD},
        )
    if row.attempts >= settings.booker_code_attempts:
        return BadRequest(
            f"Too many wrong codes. Send the booking without {FIELD} to get a new code.",
            reason="email_verification_attempts_exhausted",
            details={"field": FIELD},
        )
    expected = _hash(settings, et.organization_id, email, code.strip())
    if hmac.compare_digest(expected, row.code_hash):
        return None
    row.attempts += 1
    left = settings.booker_code_attempts - row.attempts
    return BadRequest(
        f"The email verification code is not right ({left} attempt(s) left).",
        reason="invalid_email_verification_code",
        details={"field": FIELD, "attemptsLeft": left},
    )


async def ensure_verified(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    principal: Principal | None,
    body: BookingCreate | Claim,
    now: datetime,
    before_sending: Callable[[str], Awaitable[None]],
) -> None:
    """Pass when the workshop does not ask, the caller is staff, or the code is right; else
    send a code (``before_sending`` may refuse: rate limits) or say what is wrong.

    The workshop is read in the request's ``session`` (the booking reads it again from there);
    codes are issued and checked in a transaction of their own (``sessionmaker``), which commits
    even when the booking then fails."""
    claim = body if isinstance(body, Claim) else claim_of(body)
    outcome: DomainError | None = None
    et = await slots.find_event_type(session, principal, claim.lookup)
    keep(session, et)
    if not required(et) or is_staff(principal, et):
        return
    async with transaction(sessionmaker) as own:
        if claim.code:
            outcome = await _verify(own, settings, et, claim.email, claim.code, now)
        else:
            await before_sending(claim.email)
            await _issue(own, settings, et, claim.language, claim.email, now)
            outcome = _needed(claim.email, settings.booker_code_minutes)
    if outcome is not None:  # raised after the commit: the new code or the wrong guess stays
        raise outcome
