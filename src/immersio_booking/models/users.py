"""People: users, their per-organization profiles, memberships (roles), API keys, audit log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from immersio_booking.db.base import Base, CreatedAtMixin, IdMixin, TimestampMixin
from immersio_booking.models._columns import JSON_OBJECT, OrganizationScoped, one_of

if TYPE_CHECKING:
    from immersio_booking.models.organizations import Team

ROLES = ("OWNER", "ADMIN", "MEMBER")


def new_uuid() -> str:
    return str(uuid.uuid4())


class User(IdMixin, TimestampMixin, Base):
    """A teacher, staff member or platform admin. Emails are stored lower-cased and unique."""

    __tablename__ = "users"
    tenant_key = "organization_id"

    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid, nullable=False)
    email: Mapped[str] = mapped_column(String(320), unique=True, nullable=False)
    username: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    password: Mapped[str | None] = mapped_column(Text)
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/London", nullable=False)
    locale: Mapped[str | None] = mapped_column(String(16), default="en")
    organization_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="SET NULL")
    )
    completed_onboarding: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    metadata_: Mapped[dict[str, Any]] = mapped_column(
        "metadata", JSON_OBJECT, default=dict, nullable=False
    )
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    default_schedule_id: Mapped[int | None] = mapped_column(
        BigInteger,
        ForeignKey("schedules.id", ondelete="SET NULL", use_alter=True),
    )

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user",
        lazy="raise",
        foreign_keys="Membership.user_id",
        passive_deletes=True,
    )
    profiles: Mapped[list[Profile]] = relationship(
        back_populates="user", lazy="raise", passive_deletes=True
    )

    __table_args__ = (Index("idx_user_org", "organization_id"),)


class Profile(IdMixin, TimestampMixin, Base):
    """A user's identity inside one organization; usernames are unique per organization."""

    __tablename__ = "profiles"
    tenant_key = "organization_id"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    organization_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE"), nullable=False
    )
    username: Mapped[str] = mapped_column(String(255), nullable=False)
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid, nullable=False)

    user: Mapped[User] = relationship(back_populates="profiles", lazy="raise")

    __table_args__ = (
        Index("idx_profile_user_org", "user_id", "organization_id"),
        UniqueConstraint("organization_id", "username"),
    )


class Membership(OrganizationScoped, IdMixin, CreatedAtMixin, Base):
    """A user's role in a team (organization or sub-team). Only accepted memberships count."""

    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    team_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE"), nullable=False, index=True
    )
    role: Mapped[str] = mapped_column(String(16), default="MEMBER", nullable=False)
    accepted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    disable_impersonation: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    user: Mapped[User] = relationship(back_populates="memberships", lazy="raise")
    team: Mapped[Team] = relationship(
        back_populates="memberships", lazy="raise", foreign_keys=[team_id]
    )

    __table_args__ = (UniqueConstraint("user_id", "team_id"), one_of("role", ROLES, "role"))


class ApiKey(IdMixin, CreatedAtMixin, Base):
    """A bearer key. Only its SHA-256 is stored; ``prefix`` is the visible head for listings."""

    __tablename__ = "api_keys"
    tenant_key = "organization_id"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE"), index=True
    )
    hashed_key: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    prefix: Mapped[str] = mapped_column(String(32), nullable=False)
    note: Mapped[str | None] = mapped_column(String(255))
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class AuditEvent(IdMixin, CreatedAtMixin, Base):
    """Who did what as whom: impersonation and other sensitive actions."""

    __tablename__ = "audit_events"
    tenant_key = "organization_id"

    organization_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE")
    )
    actor_user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="SET NULL")
    )
    subject_user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON_OBJECT, default=dict, nullable=False)

    __table_args__ = (Index("ix_audit_events_org_created", "organization_id", "created_at"),)
