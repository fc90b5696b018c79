"""Abuse controls: shared rate-limit counters, booker email codes, the booker's address hash.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_counters",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_rate_limit_counters")),
        prefixes=["UNLOGGED"],
    )
    op.create_index(
        "ix_rate_limit_counters_expires_at", "rate_limit_counters", ["expires_at"], unique=False
    )
    op.create_table(
        "booker_email_codes",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("event_type_id", sa.BigInteger(), nullable=True),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["event_type_id"],
            ["event_types.id"],
            name=op.f("fk_booker_email_codes_event_type_id_event_types"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_booker_email_codes_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booker_email_codes")),
        sa.UniqueConstraint(
            "organization_id", "email", name=op.f("uq_booker_email_codes_organization_id_email")
        ),
    )
    op.create_index(
        op.f("ix_booker_email_codes_organization_id"),
        "booker_email_codes",
        ["organization_id"],
        unique=False,
    )
    op.add_column("bookings", sa.Column("booker_address_hash", sa.String(length=64)))
    op.create_index(
        "ix_bookings_open_holds_by_address",
        "bookings",
        ["organization_id", "booker_address_hash"],
        unique=False,
        postgresql_where=sa.text("hold_expires_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_bookings_open_holds_by_address", table_name="bookings")
    op.drop_column("bookings", "booker_address_hash")
    op.drop_index(op.f("ix_booker_email_codes_organization_id"), table_name="booker_email_codes")
    op.drop_table("booker_email_codes")
    op.drop_index("ix_rate_limit_counters_expires_at", table_name="rate_limit_counters")
    op.drop_table("rate_limit_counters")
