"""Where a session happens and what else its teacher is doing: meetings and calendar events
of bookings (booking references), the calendars a teacher reads busy times from and writes
sessions to, the cached busy times, and out-of-office periods."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from immersio_booking.db.base import Base, CreatedAtMixin, IdMixin, TimestampMixin
from immersio_booking.models._columns import OrganizationScoped, one_of

OOO_REASONS = ("unspecified", "vacation", "travel", "sick", "public_holiday")


class BookingReference(OrganizationScoped, IdMixin, TimestampMixin, Base):
    """Something made outside for a booking (Cal.com's BookingReference): a video meeting
    (``type`` like ``jitsi_video``, ``zoom_video``, ``google_meet_video``) or an event in a
    calendar (``caldav_calendar``, ``google_calendar``). Every seat of one session carries a
    row pointing at the same meeting (same ``uid``)."""

    __tablename__ = "booking_references"

    booking_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False
    )
    type: Mapped[str] = mapped_column(String(64), nullable=False)
    uid: Mapped[str] = mapped_column(String(512), nullable=False)
    meeting_id: Mapped[str | None] = mapped_column(String(512))
    meeting_password: Mapped[str | None] = mapped_column(String(255))
    meeting_url: Mapped[str | None] = mapped_column(Text)
    external_calendar_id: Mapped[str | None] = mapped_column(Text)
    credential_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("credentials.id", ondelete="SET NULL")
    )
    # Cal.com keeps a reference whose meeting or event was removed, marked deleted.
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    __table_args__ = (
        UniqueConstraint("booking_id", "type"),
        Index("ix_booking_references_org_type_uid", "organization_id", "type", "uid"),
    )


class SelectedCalendar(OrganizationScoped, IdMixin, CreatedAtMixin, Base):
    """A calendar of a teacher whose busy times take away from their slots."""

    __tablename__ = "selected_calendars"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    integration: Mapped[str] = mapped_column(String(64), nullable=False)
    external_id: Mapped[str] = mapped_column(Text, nullable=False)
    credential_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("credentials.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (UniqueConstraint("user_id", "integration", "external_id"),)


class DestinationCalendar(OrganizationScoped, IdMixin, CreatedAtMixin, Base):
    """Where a teacher's (or one workshop's) sessions are written as events."""

    __tablename__ = "destination_calendars"

    integration: Mapped[str] = mapped_column(String(64), nullable=False)
    external_id: Mapped[str] = mapped_column(Text, nullable=False)
    primary_email: Mapped[str | None] = mapped_column(String(320))
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    event_type_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("event_types.id", ondelete="CASCADE"), unique=True
    )
    credential_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("credentials.id", ondelete="CASCADE"), index=True
    )


class CalendarBusyTime(OrganizationScoped, IdMixin, Base):
    """A busy period read from a teacher's calendar (cache refreshed by a job); slots
    subtract these without calling the calendar."""

    __tablename__ = "calendar_busy_times"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    credential_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("credentials.id", ondelete="CASCADE"), nullable=False, index=True
    )
    external_id: Mapped[str] = mapped_column(Text, nullable=False)
    start_time: Mapped[datetime] = mapped_column(nullable=False)
    end_time: Mapped[datetime] = mapped_column(nullable=False)

    __table_args__ = (
        Index("ix_calendar_busy_times_user_start", "organization_id", "user_id", "start_time"),
    )


class CalendarCacheState(OrganizationScoped, TimestampMixin, Base):
    """When a credential's busy times were last read, up to when, and the last error."""

    __tablename__ = "calendar_cache_states"

    credential_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("credentials.id", ondelete="CASCADE"), primary_key=True
    )
    refreshed_at: Mapped[datetime | None]
    covers_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class OutOfOfficeEntry(OrganizationScoped, IdMixin, TimestampMixin, Base):
    """A teacher away (Cal.com's OutOfOfficeEntry); ``to_user_id`` takes their sessions."""

    __tablename__ = "out_of_office_entries"

    uuid: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    to_user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="SET NULL")
    )
    start_time: Mapped[datetime] = mapped_column(nullable=False)
    end_time: Mapped[datetime] = mapped_column(nullable=False)
    reason: Mapped[str] = mapped_column(String(32), default="unspecified", nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_out_of_office_entries_user_start", "organization_id", "user_id", "start_time"),
        Index("ix_out_of_office_entries_to_user", "to_user_id"),
        one_of("reason", OOO_REASONS, "reason"),
    )
