"""Column helpers shared by the table modules."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import BigInteger, CheckConstraint, Dialect, ForeignKey, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

JSON_OBJECT = JSONB()

E = TypeVar("E", bound=StrEnum)


def one_of(column: str, values: Iterable[str], name: str) -> CheckConstraint:
    """A CHECK that keeps a text column inside its documented set of values.

    Pass the column's ``StrEnum`` itself where it has one, so the CHECK cannot drift from it.
    """
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)


class EnumText(TypeDecorator[E]):
    """A text column whose values are the members of a ``StrEnum``.

    The database sees plain ``VARCHAR(length)`` (no native enum, no migration; the table's
    CHECK, built by ``one_of`` from the same enum, keeps the values in the set) and gets the
    member's value; Python reads the member back, so ``Mapped[BookingStatus]`` is true after a
    load too. A plain string is passed on unchanged: a value outside the set is refused by
    the CHECK, as before.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:  # noqa: ARG002
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:  # noqa: ARG002
        return None if value is None else self.enum(value)


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
