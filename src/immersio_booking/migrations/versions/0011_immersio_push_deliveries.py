"""Deliveries to the tenant's Immersio endpoint ride the webhook delivery table.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "webhook_deliveries",
        sa.Column(
            "destination", sa.String(length=16), server_default="subscription", nullable=False
        ),
    )
    op.alter_column(
        "webhook_deliveries", "webhook_id", existing_type=sa.BigInteger(), nullable=True
    )
    op.create_check_constraint(
        op.f("ck_webhook_deliveries_destination"),
        "webhook_deliveries",
        "destination IN ('subscription', 'immersio')",
    )
    op.create_check_constraint(
        op.f("ck_webhook_deliveries_subscription_has_webhook"),
        "webhook_deliveries",
        "(destination = 'subscription') = (webhook_id IS NOT NULL)",
    )


def downgrade() -> None:
    op.execute("DELETE FROM webhook_deliveries WHERE destination <> 'subscription'")
    op.drop_constraint(
        op.f("ck_webhook_deliveries_subscription_has_webhook"), "webhook_deliveries", type_="check"
    )
    op.drop_constraint(
        op.f("ck_webhook_deliveries_destination"), "webhook_deliveries", type_="check"
    )
    op.alter_column(
        "webhook_deliveries", "webhook_id", existing_type=sa.BigInteger(), nullable=False
    )
    op.drop_column("webhook_deliveries", "destination")
