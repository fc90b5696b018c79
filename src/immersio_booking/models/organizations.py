"""Tenants: Team (organizations and sub-teams), their settings, subscription and landing page."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from immersio_booking.db.base import Base, IdMixin, TimestampMixin
from immersio_booking.models._columns import JSON_OBJECT, EnumText, TenantScoped, one_of

if TYPE_CHECKING:
    from immersio_booking.models.users import Membership

PLAN_TYPES = ("lite", "starter", "growth", "pro", "enterprise")
BILLING_PERIODS = ("monthly", "annually")
LANDING_TEMPLATES = ("education", "tutor_personal", "center_small", "kids_1", "kids_2")


class SubscriptionStatus(StrEnum):
    """The tenant's subscription to the platform (``TenantSubscription.status``)."""

    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELLED = "cancelled"
    TRIALING = "trialing"


class Team(IdMixin, TimestampMixin, Base):
    """An organization (tenant, ``is_organization``) or a sub-team of one (``parent_id``).

    ``organization_id`` is the tenant key: an organization's own id, a sub-team's root organization.
    Organization slugs are unique among organizations (they are public addresses); a sub-team's
    slug is unique within its parent (docs/decisions/0001-erd-naming-and-types.md).
    """

    __tablename__ = "teams"
    tenant_key = "organization_id"

    name: Mapped[str] = mapped_column(String(255), nullable=False)
    slug: Mapped[str | None] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE")
    )
    organization_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE"), index=True
    )
    is_organization: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_platform: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_private: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    metadata_: Mapped[dict[str, Any]] = mapped_column(
        "metadata", JSON_OBJECT, default=dict, nullable=False
    )
    logo_url: Mapped[str | None] = mapped_column(Text)
    bio: Mapped[str | None] = mapped_column(Text)
    brand_color: Mapped[str | None] = mapped_column(String(16))
    banner_url: Mapped[str | None] = mapped_column(Text)
    # Where replies to the school's emails go (else to the teacher concerned).
    contact_email: Mapped[str | None] = mapped_column(String(254))

    settings: Mapped[OrganizationSettings | None] = relationship(
        back_populates="organization", lazy="raise", uselist=False, passive_deletes=True
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="team",
        lazy="raise",
        foreign_keys="Membership.team_id",
        passive_deletes=True,
    )

    __table_args__ = (
        Index(
            "idx_team_is_org",
            "is_organization",
            postgresql_where=text("is_organization = true"),
        ),
        Index("idx_team_parent", "parent_id"),
        Index(
            "uq_teams_organization_slug",
            "slug",
            unique=True,
            postgresql_where=text("is_organization = true"),
        ),
        Index(
            "uq_teams_parent_id_slug",
            "parent_id",
            "slug",
            unique=True,
            postgresql_where=text("parent_id IS NOT NULL"),
        ),
    )


class OrganizationSettings(IdMixin, TimestampMixin, Base):
    __tablename__ = "organization_settings"
    tenant_key = "organization_id"

    organization_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    is_admin_reviewed: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_organization_verified: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_organization_configured: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    org_auto_accept_email: Mapped[str | None] = mapped_column(String(255))
    lock_event_type_creation: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    admin_gets_no_slots_notification: Mapped[bool] = mapped_column(
        Boolean, default=False, nullable=False
    )
    allow_seo_indexing: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    organization: Mapped[Team] = relationship(back_populates="settings", lazy="raise")


class TenantSubscription(TenantScoped, IdMixin, TimestampMixin, Base):
    __tablename__ = "tenant_subscriptions"

    tenant_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    plan_type: Mapped[str] = mapped_column(String(32), nullable=False)
    max_teachers: Mapped[int | None] = mapped_column(Integer)
    max_bookings_per_month: Mapped[int | None] = mapped_column(Integer)
    max_event_types: Mapped[int | None] = mapped_column(Integer)
    features: Mapped[dict[str, Any]] = mapped_column(JSON_OBJECT, default=dict, nullable=False)
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(255))
    billing_period: Mapped[str] = mapped_column(String(16), default="monthly", nullable=False)
    current_period_start: Mapped[datetime | None]
    current_period_end: Mapped[datetime | None]
    status: Mapped[SubscriptionStatus] = mapped_column(
        EnumText(SubscriptionStatus, 16), default=SubscriptionStatus.ACTIVE, nullable=False
    )

    __table_args__ = (
        one_of("plan_type", PLAN_TYPES, "plan_type"),
        one_of("status", SubscriptionStatus, "status"),
        one_of("billing_period", BILLING_PERIODS, "billing_period"),
    )


class TenantLandingSettings(TenantScoped, IdMixin, TimestampMixin, Base):
    __tablename__ = "tenant_landing_settings"

    tenant_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("teams.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    template_id: Mapped[str] = mapped_column(String(32), default="education", nullable=False)
    primary_color: Mapped[str | None] = mapped_column(String(16))
    secondary_color: Mapped[str | None] = mapped_column(String(16))
    logo_url: Mapped[str | None] = mapped_column(Text)
    hero_image_url: Mapped[str | None] = mapped_column(Text)
    page_title: Mapped[str | None] = mapped_column(String(255))
    page_subtitle: Mapped[str | None] = mapped_column(String(500))
    teacher_bio: Mapped[str | None] = mapped_column(Text)
    teacher_avatar_url: Mapped[str | None] = mapped_column(Text)
    social_links: Mapped[dict[str, Any]] = mapped_column(JSON_OBJECT, default=dict, nullable=False)
    cta_text: Mapped[str | None] = mapped_column(String(120))
    meta_title: Mapped[str | None] = mapped_column(String(255))
    meta_description: Mapped[str | None] = mapped_column(String(500))
    is_published: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    __table_args__ = (one_of("template_id", LANDING_TEMPLATES, "template_id"),)
