"""Procrastinate job-queue schema and the catalogue of apps.

Procrastinate's ``schema --apply`` is not idempotent, so it is applied here, once, by Alembic.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from procrastinate.schema import SchemaManager
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0002"
down_revision: str | None = "0001c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPS = [
    ("stripe", "stripepayment", ["payment"]),
    ("immersio", "immersio", ["other"]),
    ("zoom", "zoomvideo", ["conferencing"]),
    ("daily-video", "dailyvideo", ["conferencing"]),
    ("caldav", "caldavcalendar", ["calendar"]),
    ("google-calendar", "googlecalendar", ["calendar"]),
    ("google-meet", "googlevideo", ["conferencing"]),
    ("manual-payment", "manualpayment", ["payment"]),
]


def upgrade() -> None:
    op.execute(SchemaManager.get_schema())
    apps = sa.table(
        "apps",
        sa.column("slug", sa.String),
        sa.column("dir_name", sa.String),
        sa.column("keys", JSONB),
        sa.column("categories", JSONB),
        sa.column("enabled", sa.Boolean),
    )
    op.bulk_insert(
        apps,
        [
            {"slug": slug, "dir_name": dir_name, "keys": {}, "categories": cats, "enabled": True}
            for slug, dir_name, cats in APPS
        ],
    )


def downgrade() -> None:
    op.execute(
        sa.text("DELETE FROM apps WHERE slug = ANY(:slugs)").bindparams(
            slugs=[slug for slug, _, _ in APPS]
        )
    )
    # Drop every procrastinate object: tables (with their triggers), then functions and types.
    op.execute(
        """
        DO $$
        DECLARE r record;
        BEGIN
          FOR r IN SELECT tablename FROM pg_tables
                   WHERE schemaname = current_schema() AND tablename LIKE 'procrastinate%' LOOP
            EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', r.tablename);
          END LOOP;
          FOR r IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
                   JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%' LOOP
            EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', r.sig);
          END LOOP;
          FOR r IN SELECT t.typname FROM pg_type t
                   JOIN pg_namespace n ON n.oid = t.typnamespace
                   WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate%'
                     AND t.typtype IN ('e', 'c') LOOP
            EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', r.typname);
          END LOOP;
        END $$;
        """
    )
