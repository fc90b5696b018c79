"""Webhooks: a UUID wire id and a payload template.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "webhooks",
        sa.Column(
            "uid",
            sa.String(length=36),
            server_default=sa.text("gen_random_uuid()::text"),
            nullable=False,
        ),
    )
    op.add_column("webhooks", sa.Column("payload_template", sa.Text(), nullable=True))
    op.create_unique_constraint(op.f("uq_webhooks_uid"), "webhooks", ["uid"])


def downgrade() -> None:
    op.drop_constraint(op.f("uq_webhooks_uid"), "webhooks", type_="unique")
    op.drop_column("webhooks", "payload_template")
    op.drop_column("webhooks", "uid")
