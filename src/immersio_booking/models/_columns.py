"""Column helpers shared by the table modules."""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

JSON_OBJECT = JSONB()


def one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    """A CHECK that keeps a text column inside its documented set of values."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)


class OrganizationScoped:
    """Tenant key of every tenant-owned table: the organization (Team with isOrganization)."""

    tenant_key = "organization_id"

    @declared_attr
    def organization_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(
            BigInteger, ForeignKey("teams.id", ondelete="CASCADE"), nullable=False, index=True
        )


class TenantScoped:
    """The Immersio extension tables name their tenant key ``tenant_id`` (seed ERD)."""

    tenant_key = "tenant_id"
