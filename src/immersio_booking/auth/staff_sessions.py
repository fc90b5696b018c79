"""Dashboard sessions: a random cookie value whose SHA-256 is the row's key.

A session ends at its absolute expiry, after the idle time without a request, or when revoked
(sign out, sign out everywhere). ``last_seen_at`` is written at most once a minute, so reading
pages does not turn every request into a write.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking import global_lookups
from immersio_booking.auth.principal import Principal
from immersio_booking.models import StaffSession, User

COOKIE = "immersio_staff"
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Lifetime:
    idle: timedelta
    absolute: timedelta


@dataclass(frozen=True)
class SignedIn:
    principal: Principal
    user: User
    session_id: int
    # The school the dashboard shows: the session's choice, else the user's organization.
    organization_id: int | None


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


async def open_session(
    session: AsyncSession,
    user_id: int,
    now: datetime,
    lifetime: Lifetime,
    *,
    organization_id: int | None = None,
    user_agent: str | None = None,
    ip_address: str | None = None,
) -> str:
    """A new session for ``user_id``: the raw cookie value (shown once, never stored)."""
    raw = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            user_id=user_id,
            organization_id=organization_id,
            token_hash=_hash(raw),
            last_seen_at=now,
            expires_at=now + lifetime.absolute,
            user_agent=(user_agent or "")[:255] or None,
            ip_address=ip_address,
        )
    )
    await session.flush()
    return raw


async def signed_in(
    session: AsyncSession, raw: str | None, now: datetime, lifetime: Lifetime
) -> SignedIn | None:
    """Who holds the cookie ``raw``, or None when it is unknown, revoked or expired."""
    if not raw or len(raw) > 100:
        return None
    found = (
        await session.execute(
            select(StaffSession, User)
            .join(User, User.id == StaffSession.user_id)
            .where(StaffSession.token_hash == _hash(raw))
        )
    ).one_or_none()
    if found is None:
        return None
    row, user = found
    if (
        row.revoked_at is not None
        or row.expires_at <= now
        or row.last_seen_at + lifetime.idle <= now
    ):
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        await session.flush()
    roles = await global_lookups.accepted_roles_of_user(session, user.id)
    principal = Principal(
        user_id=user.id,
        email=user.email,
        organization_id=user.organization_id,
        is_platform_admin=user.is_platform_admin,
        roles=roles,
    )
    return SignedIn(principal, user, row.id, row.organization_id or user.organization_id)


async def choose_organization(
    session: AsyncSession, session_id: int, organization_id: int | None
) -> None:
    """The school this session's dashboard shows (the caller checked the user may see it)."""
    await session.execute(
        update(StaffSession)
        .where(StaffSession.id == session_id)
        .values(organization_id=organization_id)
    )


async def close(session: AsyncSession, session_id: int, now: datetime) -> None:
    await session.execute(
        update(StaffSession)
        .where(StaffSession.id == session_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def close_all(session: AsyncSession, user_id: int, now: datetime) -> int:
    """Sign out everywhere: every open session of ``user_id``; how many were open."""
    done = await session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(done.rowcount or 0)  # type: ignore[attr-defined]


async def close_others(session: AsyncSession, user_id: int, keep_id: int, now: datetime) -> int:
    """Every open session of ``user_id`` but ``keep_id`` (a new password closes the rest)."""
    done = await session.execute(
        update(StaffSession)
        .where(
            StaffSession.user_id == user_id,
            StaffSession.id != keep_id,
            StaffSession.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    return int(done.rowcount or 0)  # type: ignore[attr-defined]
