"""Abuse controls: shared rate-limit counters and the codes that verify a booker's email."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from immersio_booking.db.base import Base, CreatedAtMixin, IdMixin
from immersio_booking.models._columns import OrganizationScoped


class RateLimitCounter(Base):
    """Hits of one key (``booking:address:203.0.113.7``) in one fixed window.

    UNLOGGED: counters are not written to the WAL, so they cost no replication and no fsync,
    and a crash of PostgreSQL empties the table (every client starts from zero again, once).
    The sliding estimate reads the previous window too, so a window is purged only when the
    one after it has ended (``expires_at``).
    """

    __tablename__ = "rate_limit_counters"
    __table_args__ = (
        Index("ix_rate_limit_counters_expires_at", "expires_at"),
        {"prefixes": ["UNLOGGED"]},
    )

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(nullable=False)


class BookerEmailCode(OrganizationScoped, IdMixin, CreatedAtMixin, Base):
    """The one live code sent to a booker's email for a school's workshops that require it.

    Only a keyed hash of the code is stored; a new code replaces the previous one.
    """

    __tablename__ = "booker_email_codes"

    email: Mapped[str] = mapped_column(String(320), nullable=False)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    event_type_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("event_types.id", ondelete="CASCADE")
    )

    __table_args__ = (UniqueConstraint("organization_id", "email"),)
