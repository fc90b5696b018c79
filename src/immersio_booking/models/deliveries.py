"""One delivery per (event, subscription), written with the change that caused the event."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from immersio_booking.db.base import Base, CreatedAtMixin, IdMixin
from immersio_booking.models._columns import JSON_OBJECT, EnumText, OrganizationScoped, one_of


class DeliveryStatus(StrEnum):
    """A webhook delivery: waiting for its (next) attempt, delivered, or given up."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


# Where a delivery goes: a webhook subscription, or the tenant's Immersio endpoint
# (Team.metadata.immersio_config.webhook_url, signed with the integration's webhook secret).
DESTINATIONS = ("subscription", "immersio")


class WebhookDelivery(OrganizationScoped, IdMixin, CreatedAtMixin, Base):
    __tablename__ = "webhook_deliveries"

    # Standard Webhooks' ``webhook-id``: the same on every retry of this delivery.
    uid: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    destination: Mapped[str] = mapped_column(
        String(16), default="subscription", server_default="subscription", nullable=False
    )
    webhook_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("webhooks.id", ondelete="CASCADE")
    )
    trigger: Mapped[str] = mapped_column(String(64), nullable=False)
    body: Mapped[dict[str, Any]] = mapped_column(JSON_OBJECT, nullable=False)
    status: Mapped[DeliveryStatus] = mapped_column(
        EnumText(DeliveryStatus, 16), default=DeliveryStatus.PENDING, nullable=False
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    next_attempt_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_response: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index(
            "ix_webhook_deliveries_org_webhook_created",
            "organization_id",
            "webhook_id",
            "created_at",
        ),
        # The worker's claim of due deliveries, across tenants (webhooks/batches.py).
        Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
        ),
        one_of("status", DeliveryStatus, "status"),
        one_of("destination", DESTINATIONS, "destination"),
        CheckConstraint(
            "(destination = 'subscription') = (webhook_id IS NOT NULL)",
            name="subscription_has_webhook",
        ),
    )


class EmailStatus(StrEnum):
    """An email about a booking: handed to the job that sends it, accepted by the mail server
    (or written to the ``.eml`` folder), or refused on its latest attempt."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class EmailDelivery(OrganizationScoped, IdMixin, CreatedAtMixin, Base):
    """One email to one recipient about one booking, written by ``notifications.email_log``.
    No body is kept (it is the student's correspondence); the recipient is the school's data
    already (an attendee or a teacher of the booking)."""

    __tablename__ = "email_deliveries"

    booking_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("bookings.id", ondelete="CASCADE")
    )
    # The job that sends it: its retries (automatic or an operator's) keep the id, so they
    # update this row instead of adding one.
    job_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    recipient: Mapped[str] = mapped_column(String(320), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    status: Mapped[EmailStatus] = mapped_column(
        EnumText(EmailStatus, 16), default=EmailStatus.QUEUED, nullable=False
    )
    attempts: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    last_error: Mapped[str | None] = mapped_column(String(255))
    message_id: Mapped[str | None] = mapped_column(String(255))
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        Index(
            "ix_email_deliveries_org_booking_created",
            "organization_id",
            "booking_id",
            "created_at",
        ),
        Index(
            "uq_email_deliveries_job_recipient",
            "organization_id",
            "job_id",
            "recipient",
            unique=True,
        ),
        one_of("status", EmailStatus, "status"),
    )
