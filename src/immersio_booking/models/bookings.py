"""Bookings (one row per seat), their attendees, cancellation history and workshop whitelists."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from immersio_booking.db.base import Base, CreatedAtMixin, IdMixin, TimestampMixin
from immersio_booking.models._columns import JSON_OBJECT, EnumText, OrganizationScoped, one_of


class BookingStatus(StrEnum):
    """Where a booking (one seat) stands; the wire value is the member's value."""

    ACCEPTED = "accepted"
    # Waiting for the teacher's confirmation, or for the payment while ``hold_expires_at``.
    PENDING = "pending"
    CANCELLED = "cancelled"
    # Declined by the teacher.
    REJECTED = "rejected"


class RefundStatus(StrEnum):
    """The refund of a cancellation (``BookingCancellationHistory.refund_status``)."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    NOT_ELIGIBLE = "not_eligible"


WHITELIST_SOURCES = ("manual", "immersio")


class Booking(OrganizationScoped, IdMixin, TimestampMixin, Base):
    __tablename__ = "bookings"

    uid: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="SET NULL")
    )
    event_type_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("event_types.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    start_time: Mapped[datetime] = mapped_column(nullable=False)
    end_time: Mapped[datetime] = mapped_column(nullable=False)
    status: Mapped[BookingStatus] = mapped_column(
        EnumText(BookingStatus, 16), default=BookingStatus.ACCEPTED, nullable=False
    )
    paid: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    metadata_: Mapped[dict[str, Any]] = mapped_column(
        "metadata", JSON_OBJECT, default=dict, nullable=False
    )
    location: Mapped[str | None] = mapped_column(Text)
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    rescheduled: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    from_reschedule: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("bookings.id", ondelete="SET NULL")
    )
    # Supporting fields of the booking flow (not in the ERD).
    responses: Mapped[dict[str, Any]] = mapped_column(
        JSON_OBJECT, default=dict, server_default=text("'{}'::jsonb"), nullable=False
    )
    recurring_event_id: Mapped[str | None] = mapped_column(String(64), index=True)
    # A pending booking holds its seat until then (payment); past it, it no longer counts.
    hold_expires_at: Mapped[datetime | None]
    cancelled_by_email: Mapped[str | None] = mapped_column(String(320))
    rescheduling_reason: Mapped[str | None] = mapped_column(Text)
    # iCalendar SEQUENCE: grows with every change sent to calendars.
    ics_sequence: Mapped[int] = mapped_column(
        Integer, default=0, server_default=text("0"), nullable=False
    )
    created_by_user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="SET NULL")
    )
    # The start the student's deadlines (refund window, notice for changes) count back from:
    # the earliest start of the chain of moves the student made to reach this booking. Empty:
    # the booking's own start (never moved by the student). See docs/cancellation.md.
    deadlines_start_time: Mapped[datetime | None]
    # Keyed hash of the client address that booked (never the address itself): the cap on
    # open unpaid holds per address counts by it.
    booker_address_hash: Mapped[str | None] = mapped_column(String(64))
    # The host did not come (Cal.com ``noShowHost``), marked after the session started.
    no_show_host: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false"), nullable=False
    )

    attendees: Mapped[list[Attendee]] = relationship(
        back_populates="booking", lazy="raise", passive_deletes=True
    )

    @property
    def awaits_payment(self) -> bool:
        """Pending only until its payment arrives: it holds its seat until ``hold_expires_at``."""
        return (
            self.status == BookingStatus.PENDING
            and self.hold_expires_at is not None
            and not self.paid
        )

    __table_args__ = (
        Index("idx_booking_eventtype", "event_type_id"),
        Index("idx_booking_user", "user_id"),
        Index("idx_booking_status", "status"),
        Index("idx_booking_time", "start_time", "end_time"),
        # The slot and seat queries read one host's (or one workshop's) bookings in a window.
        Index("ix_bookings_org_user_start", "organization_id", "user_id", "start_time"),
        Index("ix_bookings_org_event_type_start", "organization_id", "event_type_id", "start_time"),
        Index(
            "ix_bookings_open_holds_by_address",
            "organization_id",
            "booker_address_hash",
            postgresql_where=text("hold_expires_at IS NOT NULL"),
        ),
        one_of("status", BookingStatus, "status"),
    )


class Attendee(OrganizationScoped, IdMixin, CreatedAtMixin, Base):
    __tablename__ = "attendees"

    booking_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    email: Mapped[str] = mapped_column(String(320), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False)
    locale: Mapped[str | None] = mapped_column(String(16))
    # The attendee did not come (Cal.com ``noShow``), marked after the session started.
    no_show: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false"), nullable=False
    )

    booking: Mapped[Booking] = relationship(back_populates="attendees", lazy="raise")


class BookingCancellationHistory(OrganizationScoped, IdMixin, CreatedAtMixin, Base):
    __tablename__ = "booking_cancellation_history"

    booking_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    cancelled_by: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="SET NULL")
    )
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    refund_status: Mapped[RefundStatus] = mapped_column(EnumText(RefundStatus, 16), nullable=False)
    refund_amount: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    refund_transaction_id: Mapped[str | None] = mapped_column(String(255))
    within_refund_window: Mapped[bool] = mapped_column(Boolean, nullable=False)

    __table_args__ = (one_of("refund_status", RefundStatus, "refund_status"),)


class WorkshopWhitelist(OrganizationScoped, IdMixin, CreatedAtMixin, Base):
    """Students allowed to book a whitelist workshop; emails trimmed and lower-cased."""

    __tablename__ = "workshop_whitelist"

    event_type_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("event_types.id", ondelete="CASCADE"), nullable=False
    )
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    name: Mapped[str | None] = mapped_column(String(255))
    immersio_student_id: Mapped[str | None] = mapped_column(String(255))
    added_by: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="SET NULL")
    )
    # Who put the row there: a person (API or CSV import) or the Immersio sync/webhooks. The
    # sync removes only its own rows; rows added by hand are never touched by it.
    source: Mapped[str] = mapped_column(
        String(16), default="manual", server_default="manual", nullable=False
    )

    __table_args__ = (
        Index("idx_whitelist_email", "event_type_id", "email", unique=True),
        one_of("source", WHITELIST_SOURCES, "source"),
    )


class SlotReservation(OrganizationScoped, IdMixin, CreatedAtMixin, Base):
    """A short hold on a slot or seat (Cal.com's slot reservation); it stops counting at
    ``expires_at`` by time alone, no sweeper needed."""

    __tablename__ = "slot_reservations"

    uid: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    event_type_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("event_types.id", ondelete="CASCADE"), nullable=False
    )
    host_user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE")
    )
    start_time: Mapped[datetime] = mapped_column(nullable=False)
    end_time: Mapped[datetime] = mapped_column(nullable=False)
    expires_at: Mapped[datetime] = mapped_column(nullable=False)
    reservation_minutes: Mapped[int] = mapped_column(Integer, nullable=False)

    __table_args__ = (
        Index(
            "ix_slot_reservations_org_event_type_start",
            "organization_id",
            "event_type_id",
            "start_time",
        ),
        Index(
            "ix_slot_reservations_org_host_start", "organization_id", "host_user_id", "start_time"
        ),
    )


class IdempotencyRecord(IdMixin, CreatedAtMixin, Base):
    """The first response to a request with an ``Idempotency-Key``, replayed for 24 hours."""

    __tablename__ = "idempotency_records"

    scope: Mapped[str] = mapped_column(String(128), nullable=False)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    status_code: Mapped[int] = mapped_column(Integer, nullable=False)
    body: Mapped[dict[str, Any]] = mapped_column(JSON_OBJECT, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(nullable=False, index=True)

    __table_args__ = (UniqueConstraint("scope", "key"),)
