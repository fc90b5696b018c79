"""Lockout after failed password sign-ins, with backoff.

Failures are counted per key: a keyed hash of the email typed (whether an account has it or
not, so a locked unknown address looks like a locked real one) and of the client's address.
From the ``threshold``-th failure in a row, each failure locks the key for ``first_lock``,
doubling with each further failure, up to ``longest_lock``. While locked, no password is
checked. A success clears the email's count; a day without failures forgets a key's count.
The count is one ``INSERT … ON CONFLICT`` per key, so concurrent failures all count."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import SignInFailures

FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Policy:
    threshold: int
    first_lock: timedelta = timedelta(minutes=1)
    longest_lock: timedelta = timedelta(hours=1)

    def lock_after(self, failures: int) -> timedelta | None:
        if failures < self.threshold:
            return None
        doublings = min(failures - self.threshold, 20)
        longer: timedelta = self.first_lock * (2**doublings)
        return min(longer, self.longest_lock)


# An account is guessed at from anywhere; an address (a school's office) signs many people in.
PER_ACCOUNT = Policy(threshold=5)
PER_ADDRESS = Policy(threshold=20)


async def locked_until(
    session: AsyncSession, keys: Sequence[str], now: datetime
) -> datetime | None:
    """The latest end of a lock on any of ``keys`` still running at ``now``, else None."""
    found = await session.execute(
        select(func.max(SignInFailures.locked_until)).where(
            SignInFailures.key.in_(keys), SignInFailures.locked_until > now
        )
    )
    return found.scalar_one_or_none()


async def record_failure(
    session: AsyncSession, key: str, policy: Policy, now: datetime
) -> datetime | None:
    """Count a failure against ``key``; the end of the lock it causes, if any."""
    statement = insert(SignInFailures).values(key=key, failures=1, last_failure_at=now)
    counted = await session.execute(
        statement.on_conflict_do_update(
            index_elements=[SignInFailures.key],
            set_={
                "failures": case(
                    (
                        SignInFailures.last_failure_at > now - FORGET_AFTER,
                        SignInFailures.failures + 1,
                    ),
                    else_=1,
                ),
                "last_failure_at": now,
            },
        ).returning(SignInFailures.failures)
    )
    lock = policy.lock_after(counted.scalar_one())
    if lock is None:
        return None
    until = now + lock
    await session.execute(
        update(SignInFailures)
        .where(SignInFailures.key == key)
        .values(
            locked_until=func.greatest(func.coalesce(SignInFailures.locked_until, until), until)
        )
    )
    return until


async def clear(session: AsyncSession, key: str) -> None:
    await session.execute(delete(SignInFailures).where(SignInFailures.key == key))
