"""Outgoing webhooks and workflows (reminders) with their ordered steps, the event types a
workflow runs on and the reminders it has planned for bookings."""

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
from sqlalchemy.orm import Mapped, mapped_column

from immersio_booking.db.base import Base, CreatedAtMixin, IdMixin, TimestampMixin
from immersio_booking.models._columns import JSON_OBJECT, EnumText, OrganizationScoped, one_of

TIME_UNITS = ("MINUTE", "HOUR", "DAY")


class ReminderStatus(StrEnum):
    """A planned workflow reminder: waiting for its job, sent, cancelled, or skipped (no
    recipient)."""

    SCHEDULED = "scheduled"
    SENT = "sent"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"


# The predicate of the partial unique index on reminders, as literal SQL: an ON CONFLICT that
# names it with a bound parameter instead cannot match the index once PostgreSQL plans the
# prepared statement generically (psycopg prepares after 5 runs on a connection).
LIVE_REMINDERS = text(f"status <> '{ReminderStatus.CANCELLED}'")


class Webhook(OrganizationScoped, IdMixin, CreatedAtMixin, Base):
    """A subscription: by a user, a team (organization-wide) or one event type."""

    __tablename__ = "webhooks"

    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE"), index=True
    )
    event_type_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("event_types.id", ondelete="CASCADE"), index=True
    )
    subscriber_url: Mapped[str] = mapped_column(Text, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    event_triggers: Mapped[list[str]] = mapped_column(JSON_OBJECT, default=list, nullable=False)
    app_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("apps.slug", ondelete="CASCADE")
    )
    secret: Mapped[str | None] = mapped_column(Text)  # sealed (kit.crypto), never stored plain
    # Cal.com's wire id of a webhook is a UUID string.
    uid: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    payload_template: Mapped[str | None] = mapped_column(Text)


class Workflow(OrganizationScoped, IdMixin, TimestampMixin, Base):
    """Automated actions on a trigger; ``time`` + ``time_unit`` is the offset of timed triggers."""

    __tablename__ = "workflows"

    name: Mapped[str] = mapped_column(String(255), nullable=False)
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE")
    )
    team_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE")
    )
    trigger: Mapped[str] = mapped_column(String(32), nullable=False)
    time: Mapped[int | None] = mapped_column(Integer)
    time_unit: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    # Cal.com's ``isActiveOnAll``: every event type of the organization, present and future;
    # otherwise the ones listed in ``workflows_on_event_types``.
    is_active_on_all: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false"), nullable=False
    )

    __table_args__ = (one_of("time_unit", TIME_UNITS, "time_unit"),)


class WorkflowEventType(OrganizationScoped, IdMixin, CreatedAtMixin, Base):
    """A workflow runs on this event type (Cal.com's WorkflowsOnEventTypes)."""

    __tablename__ = "workflows_on_event_types"

    workflow_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("workflows.id", ondelete="CASCADE"), nullable=False
    )
    event_type_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("event_types.id", ondelete="CASCADE"), nullable=False, index=True
    )

    __table_args__ = (UniqueConstraint("workflow_id", "event_type_id"),)


class WorkflowStep(OrganizationScoped, IdMixin, TimestampMixin, Base):
    __tablename__ = "workflow_steps"

    workflow_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("workflows.id", ondelete="CASCADE"), nullable=False
    )
    step_number: Mapped[int] = mapped_column(Integer, nullable=False)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    template: Mapped[str | None] = mapped_column(String(32))
    send_to: Mapped[str | None] = mapped_column(String(320))
    reminder_body: Mapped[str | None] = mapped_column(Text)
    email_subject: Mapped[str | None] = mapped_column(Text)
    sender: Mapped[str | None] = mapped_column(String(255))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON_OBJECT, default=dict, nullable=False)

    __table_args__ = (UniqueConstraint("workflow_id", "step_number"),)


class WorkflowReminder(OrganizationScoped, IdMixin, TimestampMixin, Base):
    """One planned message of a step for a booking, and the job that sends it.

    ``event_start`` is the booking's start when the reminder was planned: the job sends only
    if the booking is still accepted at that start (a moved booking has reminders of its own).
    """

    __tablename__ = "workflow_reminders"

    booking_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False
    )
    workflow_step_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("workflow_steps.id", ondelete="CASCADE"), nullable=False, index=True
    )
    trigger: Mapped[str] = mapped_column(String(32), nullable=False)
    scheduled_for: Mapped[datetime] = mapped_column(nullable=False)
    event_start: Mapped[datetime] = mapped_column(nullable=False)
    status: Mapped[ReminderStatus] = mapped_column(
        EnumText(ReminderStatus, 16), default=ReminderStatus.SCHEDULED, nullable=False
    )
    job_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_workflow_reminders_org_booking", "organization_id", "booking_id"),
        # A reminder is planned once for a moment: two transactions planning the same one at
        # once (a booking change and a workflow change) leave one row (ON CONFLICT DO NOTHING).
        Index(
            "uq_workflow_reminders_once",
            "organization_id",
            "booking_id",
            "workflow_step_id",
            "scheduled_for",
            "event_start",
            unique=True,
            postgresql_where=LIVE_REMINDERS,
        ),
        one_of("status", ReminderStatus, "status"),
    )
