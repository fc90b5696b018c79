"""Inbound provider events, stored once (unique per source, tenant and event id) and processed by
a job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from immersio_booking.db.base import Base, CreatedAtMixin, IdMixin
from immersio_booking.models._columns import JSON_OBJECT


class InboxEvent(IdMixin, CreatedAtMixin, Base):
    """A webhook received from Stripe (a school's account or the platform's) or Immersio.

    Duplicates are dropped by the unique constraint, not by luck; ``organization_id`` is empty
    for platform events. The tenant is part of the key: schools that share one Stripe account
    each receive the same event id at their own endpoint, and each must keep its copy.
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

    __table_args__ = (
        UniqueConstraint("source", "organization_id", "external_id"),
        # NULLs are distinct in a unique constraint: platform events need their own index.
        Index(
            "uq_inbox_events_platform_source_external_id",
            "source",
            "external_id",
            unique=True,
            postgresql_where=text("organization_id IS NULL"),
        ),
    )
