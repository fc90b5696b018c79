"""Inbound provider events, stored once (unique per source and event id) and processed by a job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from immersio_booking.db.base import Base, CreatedAtMixin, IdMixin
from immersio_booking.models._columns import JSON_OBJECT


class InboxEvent(IdMixin, CreatedAtMixin, Base):
    """A webhook received from Stripe (a school's account or the platform's) or Immersio.

    Duplicates are dropped by the unique constraint, not by luck; ``organization_id`` is empty
    for platform events.
    """

    __tablename__ = "inbox_events"
    tenant_key = "organization_id"

    organization_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(32), nullable=False)
    external_id: Mapped[str] = mapped_column(String(255), nullable=False)
    type: Mapped[str] = mapped_column(String(128), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON_OBJECT, nullable=False)
    processed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("source", "external_id"),)
