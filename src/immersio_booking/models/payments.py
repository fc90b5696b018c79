"""Apps (integrations), tenants' credentials for them, and payments for bookings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from immersio_booking.db.base import Base, IdMixin, TimestampMixin
from immersio_booking.models._columns import JSON_OBJECT, OrganizationScoped


class App(TimestampMixin, Base):
    """An integration the platform knows (seeded by migration); keyed by its slug."""

    __tablename__ = "apps"

    slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    dir_name: Mapped[str] = mapped_column(String(64), nullable=False)
    keys: Mapped[dict[str, Any]] = mapped_column(JSON_OBJECT, default=dict, nullable=False)
    categories: Mapped[list[str]] = mapped_column(JSON_OBJECT, default=list, nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)


class Credential(OrganizationScoped, IdMixin, TimestampMixin, Base):
    """Secrets for an app, owned by a user or a team; ``key`` holds ciphertext only."""

    __tablename__ = "credentials"

    type: Mapped[str] = mapped_column(String(64), nullable=False)
    key: Mapped[dict[str, Any]] = mapped_column(JSON_OBJECT, default=dict, nullable=False)
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE"), index=True
    )
    app_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("apps.slug", ondelete="CASCADE")
    )
    invalid: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)


class Payment(OrganizationScoped, IdMixin, TimestampMixin, Base):
    """The payment of one booking (a booking has at most one)."""

    __tablename__ = "payments"

    uid: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    booking_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("bookings.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    app_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("apps.slug", ondelete="SET NULL")
    )
    amount: Mapped[int] = mapped_column(Integer, nullable=False)
    fee: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    success: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    refunded: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON_OBJECT, default=dict, nullable=False)
    external_id: Mapped[str | None] = mapped_column(String(255), index=True)
