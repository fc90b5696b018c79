"""The inbox is unique per (source, organization, event id): schools sharing one Stripe account
each keep their copy of an event.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint(op.f("uq_inbox_events_source_external_id"), "inbox_events", type_="unique")
    op.create_unique_constraint(
        op.f("uq_inbox_events_source_organization_id_external_id"),
        "inbox_events",
        ["source", "organization_id", "external_id"],
    )
    op.create_index(
        "uq_inbox_events_platform_source_external_id",
        "inbox_events",
        ["source", "external_id"],
        unique=True,
        postgresql_where=sa.text("organization_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_inbox_events_platform_source_external_id", table_name="inbox_events")
    op.drop_constraint(
        op.f("uq_inbox_events_source_organization_id_external_id"),
        "inbox_events",
        type_="unique",
    )
    op.create_unique_constraint(
        op.f("uq_inbox_events_source_external_id"), "inbox_events", ["source", "external_id"]
    )
