"""The waitlist of a full session: students in line for a seat (docs/waitlist.md)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from immersio_booking.db.base import Base, CreatedAtMixin, IdMixin
from immersio_booking.models._columns import EnumText, OrganizationScoped, one_of


class WaitlistStatus(StrEnum):
    """Where an entry stands. WAITING and OFFERED are in line (one per email and session);
    the others are over."""

    WAITING = "waiting"
    # A seat is held for the student (``reservation_uid``) until ``offer_expires_at``.
    OFFERED = "offered"
    # The student took the seat (``booking_uid``).
    BOOKED = "booked"
    # The offer ran out; the seat went to the next in line.
    EXPIRED = "expired"
    # The student left the list (their signed link) or the school removed them.
    LEFT = "left"


IN_LINE = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


class WaitlistEntry(OrganizationScoped, IdMixin, CreatedAtMixin, Base):
    """One student waiting for one session (workshop + start). Position: first come, first
    served (``id`` order among the entries in line)."""

    __tablename__ = "waitlist_entries"

    uid: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    event_type_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("event_types.id", ondelete="CASCADE"), nullable=False
    )
    start_time: Mapped[datetime] = mapped_column(nullable=False)
    email: Mapped[str] = mapped_column(String(320), nullable=False)  # lower-cased
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False)
    language: Mapped[str | None] = mapped_column(String(35))
    status: Mapped[WaitlistStatus] = mapped_column(
        EnumText(WaitlistStatus, 16), default=WaitlistStatus.WAITING, nullable=False
    )
    offered_at: Mapped[datetime | None]
    offer_expires_at: Mapped[datetime | None]
    # The seat held for an offer (a slot reservation the booking consumes).
    reservation_uid: Mapped[str | None] = mapped_column(String(36))
    booking_uid: Mapped[str | None] = mapped_column(String(255))
    ended_at: Mapped[datetime | None]

    __table_args__ = (
        # The line of one session, in order.
        Index(
            "ix_waitlist_entries_org_event_type_start",
            "organization_id",
            "event_type_id",
            "start_time",
            "id",
        ),
        # One place in line per email and session.
        Index(
            "uq_waitlist_entries_in_line",
            "organization_id",
            "event_type_id",
            "start_time",
            "email",
            unique=True,
            postgresql_where=text("status IN ('waiting', 'offered')"),
        ),
        # The offers that run out (the expiry sweep).
        Index(
            "ix_waitlist_entries_offer_expires_at",
            "offer_expires_at",
            postgresql_where=text("status = 'offered'"),
        ),
        one_of("status", WaitlistStatus, "status"),
    )
