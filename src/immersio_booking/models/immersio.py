"""The Immersio connection of a tenant, its course mappings and the sync log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from immersio_booking.db.base import Base, IdMixin, TimestampMixin
from immersio_booking.models._columns import JSON_OBJECT, EnumText, TenantScoped, one_of

SYNC_TYPES = ("courses", "students", "teachers")
SYNC_DIRECTIONS = ("pull", "push")


class SyncStatus(StrEnum):
    """The Immersio connection's sync state (``ImmersioIntegration.sync_status``)."""

    PENDING = "pending"
    SYNCING = "syncing"
    SUCCESS = "success"
    ERROR = "error"


class SyncLogStatus(StrEnum):
    """One sync run's log: RUNNING while in progress (completed_at empty); it ends in one of
    the seed's three outcomes."""

    RUNNING = "running"
    SUCCESS = "success"
    PARTIAL = "partial"
    FAILED = "failed"


class ImmersioIntegration(TenantScoped, IdMixin, TimestampMixin, Base):
    __tablename__ = "immersio_integrations"

    tenant_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    immersio_org_id: Mapped[str] = mapped_column(String(255), nullable=False)
    base_url: Mapped[str] = mapped_column(String(2048), nullable=False)
    api_key_encrypted: Mapped[str | None] = mapped_column(Text)
    webhook_secret: Mapped[str | None] = mapped_column(Text)
    sync_enabled: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    sync_interval_minutes: Mapped[int] = mapped_column(Integer, default=60, nullable=False)
    last_sync_at: Mapped[datetime | None]
    sync_status: Mapped[SyncStatus] = mapped_column(
        EnumText(SyncStatus, 16), default=SyncStatus.PENDING, nullable=False
    )
    sync_error_message: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (one_of("sync_status", SyncStatus, "sync_status"),)


class ImmersioCourseMapping(TenantScoped, IdMixin, TimestampMixin, Base):
    """Links one workshop to one Immersio course (both unique within the tenant)."""

    __tablename__ = "immersio_course_mappings"

    tenant_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE"), nullable=False
    )
    event_type_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("event_types.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    immersio_course_id: Mapped[str] = mapped_column(String(255), nullable=False)
    immersio_course_name: Mapped[str | None] = mapped_column(String(500))
    sync_students: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    last_student_sync: Mapped[datetime | None]

    __table_args__ = (
        Index("idx_coursemap_tenant", "tenant_id"),
        Index("idx_coursemap_course", "immersio_course_id"),
        Index(
            "uq_immersio_course_mappings_tenant_id_immersio_course_id",
            "tenant_id",
            "immersio_course_id",
            unique=True,
        ),
    )


class ImmersioSyncLog(TenantScoped, IdMixin, Base):
    __tablename__ = "immersio_sync_logs"

    tenant_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE"), nullable=False
    )
    sync_type: Mapped[str] = mapped_column(String(16), nullable=False)
    direction: Mapped[str] = mapped_column(String(8), default="pull", nullable=False)
    records_processed: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    records_failed: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    status: Mapped[SyncLogStatus] = mapped_column(EnumText(SyncLogStatus, 16), nullable=False)
    error_details: Mapped[dict[str, Any] | list[Any] | None] = mapped_column(JSON_OBJECT)
    started_at: Mapped[datetime] = mapped_column(server_default=text("now()"), nullable=False)
    completed_at: Mapped[datetime | None]

    __table_args__ = (
        Index("idx_synclog_tenant", "tenant_id", text("started_at DESC")),
        one_of("sync_type", SYNC_TYPES, "sync_type"),
        one_of("direction", SYNC_DIRECTIONS, "direction"),
        one_of("status", SyncLogStatus, "status"),
    )
