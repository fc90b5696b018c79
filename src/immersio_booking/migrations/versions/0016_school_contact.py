"""A school's contact address: replies to its emails go there (else to the teacher).

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("teams", sa.Column("contact_email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    op.drop_column("teams", "contact_email")
