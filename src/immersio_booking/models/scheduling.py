"""Workshops (event types), teachers' schedules and their availability rules."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from immersio_booking.db.base import Base, CreatedAtMixin, IdMixin, TimestampMixin
from immersio_booking.models._columns import JSON_OBJECT, OrganizationScoped, one_of
from immersio_booking.models.options import EventTypeOptions

PERIOD_TYPES = ("UNLIMITED", "ROLLING", "RANGE")
SCHEDULING_TYPES = ("COLLECTIVE", "ROUND_ROBIN")
HOST_PRIORITIES = ("lowest", "low", "medium", "high", "highest")


class EventType(OrganizationScoped, IdMixin, TimestampMixin, Base):
    """A workshop: length, seats, price, booking window and the Immersio workshop metadata."""

    __tablename__ = "event_types"

    title: Mapped[str] = mapped_column(String(255), nullable=False)
    slug: Mapped[str] = mapped_column(String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    length: Mapped[int] = mapped_column(Integer, nullable=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE")
    )
    team_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE")
    )
    profile_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("profiles.id", ondelete="SET NULL")
    )
    schedule_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("schedules.id", ondelete="SET NULL")
    )
    locations: Mapped[list[Any]] = mapped_column(JSON_OBJECT, default=list, nullable=False)
    period_type: Mapped[str] = mapped_column(String(16), default="UNLIMITED", nullable=False)
    period_start_date: Mapped[datetime | None]
    period_end_date: Mapped[datetime | None]
    period_days: Mapped[int | None] = mapped_column(Integer)
    period_count_calendar_days: Mapped[int | None] = mapped_column(Integer)
    minimum_booking_notice: Mapped[int] = mapped_column(Integer, default=120, nullable=False)
    before_event_buffer: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    after_event_buffer: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    seats_per_time_slot: Mapped[int | None] = mapped_column(Integer)
    seats_show_availability_count: Mapped[bool] = mapped_column(
        Boolean, default=True, nullable=False
    )
    seats_show_attendees: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    booking_fields: Mapped[list[Any]] = mapped_column(JSON_OBJECT, default=list, nullable=False)
    disable_guests: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    slot_interval: Mapped[int | None] = mapped_column(Integer)
    metadata_: Mapped[dict[str, Any]] = mapped_column(
        "metadata", JSON_OBJECT, default=dict, nullable=False
    )
    price: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), default="usd", nullable=False)
    requires_confirmation: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    recurring_event: Mapped[dict[str, Any] | None] = mapped_column(JSON_OBJECT)
    # Team event types: how hosts are combined (COLLECTIVE: all free; ROUND_ROBIN: any free).
    scheduling_type: Mapped[str | None] = mapped_column(String(16))
    length_options: Mapped[list[int] | None] = mapped_column(JSON_OBJECT)
    # Cal.com settings we accept and echo (colour, custom name, ...) and the service's own
    # flags: read and write them through ``options`` (models/options.py), never by raw key.
    extra: Mapped[dict[str, Any]] = mapped_column(JSON_OBJECT, default=dict, nullable=False)

    __table_args__ = (
        Index("idx_eventtype_team", "team_id"),
        Index("idx_eventtype_user", "user_id"),
        Index("uq_event_types_organization_id_slug", "organization_id", "slug", unique=True),
        one_of("period_type", PERIOD_TYPES, "period_type"),
        one_of("scheduling_type", SCHEDULING_TYPES, "scheduling_type"),
    )

    @property
    def options(self) -> EventTypeOptions:
        """``extra``, parsed. A copy: change it, then assign it back (``et.options = options``)."""
        return EventTypeOptions.model_validate(self.extra or {})

    @options.setter
    def options(self, value: EventTypeOptions) -> None:
        self.extra = value.to_json()


class EventTypeHost(OrganizationScoped, IdMixin, CreatedAtMixin, Base):
    """A host of a team event type (Cal.com's ``hosts``)."""

    __tablename__ = "event_type_hosts"

    event_type_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("event_types.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    priority: Mapped[str] = mapped_column(String(16), default="medium", nullable=False)

    __table_args__ = (
        UniqueConstraint("event_type_id", "user_id"),
        one_of("priority", HOST_PRIORITIES, "priority"),
    )


class Schedule(OrganizationScoped, IdMixin, TimestampMixin, Base):
    """A teacher's named weekly schedule in one IANA time zone."""

    __tablename__ = "schedules"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False)


class Availability(OrganizationScoped, IdMixin, TimestampMixin, Base):
    """A weekly rule (``days`` bitmask, Sunday = bit 0) or a date override (``date``).

    Times are wall-clock times in the owning schedule's zone, so they are ``time`` columns;
    ``date`` is a calendar date (docs/decisions/0001-erd-naming-and-types.md).
    """

    __tablename__ = "availability"

    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE")
    )
    event_type_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("event_types.id", ondelete="CASCADE")
    )
    schedule_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("schedules.id", ondelete="CASCADE"), index=True
    )
    days: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    start_time: Mapped[time] = mapped_column(Time, nullable=False)
    end_time: Mapped[time] = mapped_column(Time, nullable=False)
    date: Mapped[date | None] = mapped_column(Date)
