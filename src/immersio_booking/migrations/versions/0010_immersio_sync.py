"""Immersio sync: the connection's base URL and interval, a "running" sync log, and who added
a whitelist row (the sync removes only its own).

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "immersio_integrations",
        sa.Column("base_url", sa.String(length=2048), nullable=False, server_default=""),
    )
    op.alter_column("immersio_integrations", "base_url", server_default=None)
    op.add_column(
        "immersio_integrations",
        sa.Column("sync_interval_minutes", sa.Integer(), nullable=False, server_default="60"),
    )
    op.alter_column("immersio_integrations", "sync_interval_minutes", server_default=None)
    op.drop_constraint(op.f("ck_immersio_sync_logs_status"), "immersio_sync_logs", type_="check")
    op.create_check_constraint(
        op.f("ck_immersio_sync_logs_status"),
        "immersio_sync_logs",
        "status IN ('running', 'success', 'partial', 'failed')",
    )
    op.add_column(
        "workshop_whitelist",
        sa.Column("source", sa.String(length=16), nullable=False, server_default="manual"),
    )
    op.create_check_constraint(
        op.f("ck_workshop_whitelist_source"),
        "workshop_whitelist",
        "source IN ('manual', 'immersio')",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_workshop_whitelist_source"), "workshop_whitelist", type_="check")
    op.drop_column("workshop_whitelist", "source")
    op.execute("DELETE FROM immersio_sync_logs WHERE status = 'running'")
    op.drop_constraint(op.f("ck_immersio_sync_logs_status"), "immersio_sync_logs", type_="check")
    op.create_check_constraint(
        op.f("ck_immersio_sync_logs_status"),
        "immersio_sync_logs",
        "status IN ('success', 'partial', 'failed')",
    )
    op.drop_column("immersio_integrations", "sync_interval_minutes")
    op.drop_column("immersio_integrations", "base_url")
