"""One-time links sent by email to staff: ``sign_in`` (the magic link) and ``reset`` (choose a
new password). The raw token is in the email only; the row keeps its SHA-256, and spending it
sets ``used_at`` in one statement, so two clicks racing spend it once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import StaffSignInLink

SIGN_IN = "sign_in"
RESET = "reset"
LIFETIME = timedelta(minutes=15)
# A teacher's invitation is a sign-in link too, waiting days rather than minutes for its reader.
INVITATION_LIFETIME = timedelta(days=7)
# Where each kind of link opens (dashboard pages); the email and the CLI build it from here.
PATHS = {SIGN_IN: "/dashboard/sign-in/link", RESET: "/dashboard/password/new"}
# The password page, where an invitation's link leads once it has signed the new teacher in.
PASSWORD_PAGE = "/dashboard/password"


def url(
    base_url: str,
    purpose: str,
    raw: str,
    next_path: str | None = None,
    language: str | None = None,
) -> str:
    """The address of link ``raw``: ``base_url`` (public_base_url) + the page + the token
    (+ where to go next, the page's language)."""
    query = {
        "token": raw,
        **({"next": next_path} if next_path else {}),
        **({"lang": language} if language else {}),
    }
    return f"{base_url.rstrip('/')}{PATHS[purpose]}?{urlencode(query)}"


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


async def issue(
    session: AsyncSession,
    user_id: int,
    purpose: str,
    now: datetime,
    lifetime: timedelta = LIFETIME,
) -> tuple[StaffSignInLink, str]:
    """A new link for ``user_id``, valid for ``lifetime``: its row and the raw token (never
    stored)."""
    raw = secrets.token_urlsafe(32)
    row = StaffSignInLink(
        user_id=user_id, purpose=purpose, token_hash=token_hash(raw), expires_at=now + lifetime
    )
    session.add(row)
    await session.flush()
    return row, raw


async def spend(session: AsyncSession, raw: str | None, purpose: str, now: datetime) -> int | None:
    """The user of a valid unused ``purpose`` link ``raw``, marking it used; None when it is
    unknown, of another purpose, expired or already used."""
    if not raw or len(raw) > 100:
        return None
    spent = await session.execute(
        update(StaffSignInLink)
        .where(
            StaffSignInLink.token_hash == token_hash(raw),
            StaffSignInLink.purpose == purpose,
            StaffSignInLink.used_at.is_(None),
            StaffSignInLink.expires_at > now,
        )
        .values(used_at=now)
        .returning(StaffSignInLink.user_id)
    )
    return spent.scalar_one_or_none()


async def spend_all(session: AsyncSession, user_id: int, now: datetime) -> None:
    """Spend every unused link of ``user_id`` (a new password: a link read from their mailbox
    before it no longer signs anyone in)."""
    await session.execute(
        update(StaffSignInLink)
        .where(StaffSignInLink.user_id == user_id, StaffSignInLink.used_at.is_(None))
        .values(used_at=now)
    )


async def usable(session: AsyncSession, raw: str | None, purpose: str, now: datetime) -> bool:
    """Whether ``raw`` would be spent now (the page that asks to confirm shows its form)."""
    if not raw or len(raw) > 100:
        return False
    row = (
        await session.execute(
            select(StaffSignInLink.id).where(
                StaffSignInLink.token_hash == token_hash(raw),
                StaffSignInLink.purpose == purpose,
                StaffSignInLink.used_at.is_(None),
                StaffSignInLink.expires_at > now,
            )
        )
    ).first()
    return row is not None


async def sign_in_url(session: AsyncSession, user_id: int, base_url: str, now: datetime) -> str:
    """A one-time sign-in address for ``user_id`` (the CLI's login-link, ``make run``)."""
    _, raw = await issue(session, user_id, SIGN_IN, now)
    return url(base_url, SIGN_IN, raw)
