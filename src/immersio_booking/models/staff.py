"""Staff sign-in to the dashboard: server-side sessions (only a hash of the cookie is kept)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from immersio_booking.db.base import Base, CreatedAtMixin, IdMixin


class StaffSession(IdMixin, CreatedAtMixin, Base):
    """A signed-in browser. Ends at ``expires_at`` (absolute), after the idle time since
    ``last_seen_at``, or when ``revoked_at`` is set (sign out, sign out everywhere, password
    change). ``organization_id`` is the school the dashboard shows (a platform admin picks it;
    a teacher of several schools switches it)."""

    __tablename__ = "staff_sessions"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    organization_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="SET NULL")
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(nullable=False)
    expires_at: Mapped[datetime] = mapped_column(nullable=False)
    revoked_at: Mapped[datetime | None]
    user_agent: Mapped[str | None] = mapped_column(String(255))
    ip_address: Mapped[str | None] = mapped_column(String(45))

    __table_args__ = (Index("idx_staff_session_user", "user_id"),)


class StaffSignInLink(IdMixin, CreatedAtMixin, Base):
    """A one-time link sent by email: ``sign_in`` (a magic link) or ``reset`` (set a new
    password). Only the token's SHA-256 is kept; ``used_at`` is set when it is spent."""

    __tablename__ = "staff_sign_in_links"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(nullable=False)
    used_at: Mapped[datetime | None]

    __table_args__ = (Index("idx_staff_sign_in_link_user", "user_id"),)


class SignInFailures(Base):
    """Failed password sign-ins counted against one key: a keyed hash of the email typed (known
    or not: an unknown address is locked the same way) or of the client's address. Past a
    threshold each further failure locks the key, twice as long as the previous time."""

    __tablename__ = "sign_in_failures"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False)
    last_failure_at: Mapped[datetime] = mapped_column(nullable=False)
    locked_until: Mapped[datetime | None]
