"""Outgoing webhooks and workflows (reminders) with their ordered steps."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from immersio_booking.db.base import Base, CreatedAtMixin, IdMixin, TimestampMixin
from immersio_booking.models._columns import JSON_OBJECT, OrganizationScoped, one_of

TIME_UNITS = ("MINUTE", "HOUR", "DAY")


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

    __table_args__ = (one_of("time_unit", TIME_UNITS, "time_unit"),)


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
