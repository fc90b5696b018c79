"""The migrated schema against the seed ERD, and the migrations' round trip."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

import immersio_booking.models  # noqa: F401  (registers every table)
from immersio_booking.db import migrate
from immersio_booking.db.base import Base
from tests import database
from tests.erd import ENTITIES, FOREIGN_KEYS, INDEXES, NOT_TENANT_OWNED, UNIQUE

FAMILIES = {
    "int": {"bigint", "integer", "smallint"},
    "text": {"character varying", "text"},
    "bool": {"boolean"},
    "ts": {"timestamp with time zone"},
    "json": {"jsonb"},
    "time": {"time without time zone"},
    "date": {"date"},
}


@pytest.fixture(scope="module")
def conn(database_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(database.libpq(database_url)) as connection:
        yield connection


def columns(conn: psycopg.Connection) -> dict[tuple[str, str], tuple[str, bool]]:
    rows = conn.execute(
        "SELECT table_name, column_name, data_type, is_nullable = 'YES'"
        " FROM information_schema.columns WHERE table_schema = 'public'"
    ).fetchall()
    return {(t, c): (kind, nullable) for t, c, kind, nullable in rows}


def test_every_erd_entity_and_field_is_a_column_of_the_right_type(conn: psycopg.Connection) -> None:
    found = columns(conn)
    assert len(ENTITIES) == 23
    for entity, (table, fields) in ENTITIES.items():
        for field, (column, family) in fields.items():
            assert (table, column) in found, f"{entity}.{field}: no column {table}.{column}"
            kind, _ = found[(table, column)]
            assert kind in FAMILIES[family], f"{entity}.{field}: {kind}, expected {family}"
        pk = "slug" if table == "apps" else "id"
        assert found[(table, pk)][1] is False, f"{entity}: primary key nullable"
    naive = [key for key, (kind, _) in found.items() if kind == "timestamp without time zone"]
    assert naive == [], f"naive timestamps: {naive}"


def test_every_relationship_is_a_foreign_key(conn: psycopg.Connection) -> None:
    rows = conn.execute(
        """
        SELECT cl.relname, att.attname, ref.relname, refatt.attname
        FROM pg_constraint con
        JOIN pg_class cl ON cl.oid = con.conrelid
        JOIN pg_class ref ON ref.oid = con.confrelid
        JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
        JOIN pg_attribute refatt
          ON refatt.attrelid = con.confrelid AND refatt.attnum = con.confkey[1]
        WHERE con.contype = 'f'
        """
    ).fetchall()
    present = {(t, c): f"{rt}.{rc}" for t, c, rt, rc in rows}
    for (table, column), target in FOREIGN_KEYS.items():
        assert present.get((table, column)) == target, f"{table}.{column} should reference {target}"


def test_unique_keys(conn: psycopg.Connection) -> None:
    rows = conn.execute(
        """
        SELECT t.relname, array_agg(a.attname ORDER BY k.ord)
        FROM pg_index i
        JOIN pg_class t ON t.oid = i.indrelid
        JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
        WHERE i.indisunique AND t.relnamespace = 'public'::regnamespace
        GROUP BY i.indexrelid, t.relname
        """
    ).fetchall()
    unique = {(table, tuple(cols)) for table, cols in rows}
    for table, cols in UNIQUE:
        assert (table, cols) in unique, f"{table}{cols} is not unique"


def test_recommended_indexes_exist_with_their_columns(conn: psycopg.Connection) -> None:
    rows = dict(
        conn.execute(
            "SELECT indexname, tablename || ' ' || indexdef FROM pg_indexes"
            " WHERE schemaname = 'public'"
        ).fetchall()
    )
    assert len(INDEXES) == 14
    for name, (table, fragment) in INDEXES.items():
        assert name in rows, f"missing index {name}"
        assert rows[name].startswith(table + " "), f"{name} is not on {table}"
        assert fragment in rows[name], f"{name}: {rows[name]} lacks {fragment}"


def test_every_tenant_owned_table_carries_an_indexed_tenant_key(conn: psycopg.Connection) -> None:
    found = columns(conn)
    tables = {t for t, _ in found if not t.startswith("procrastinate")} - NOT_TENANT_OWNED
    first_columns = {
        (table, cols[0])
        for table, cols in conn.execute(
            """
            SELECT t.relname, array_agg(a.attname ORDER BY k.ord)
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
            WHERE t.relnamespace = 'public'::regnamespace GROUP BY i.indexrelid, t.relname
            """
        ).fetchall()
    }
    fks = conn.execute(
        """
        SELECT cl.relname, att.attname FROM pg_constraint con
        JOIN pg_class cl ON cl.oid = con.conrelid
        JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
        WHERE con.contype = 'f' AND con.confrelid = 'teams'::regclass
        """
    ).fetchall()
    assert len(tables) >= 21
    for table in sorted(tables):
        key = "tenant_id" if (table, "tenant_id") in found else "organization_id"
        assert (table, key) in found, f"{table} has no tenant key"
        assert found[(table, key)][1] is False, f"{table}.{key} is nullable"
        assert (table, key) in set(fks), f"{table}.{key} does not reference teams"
        assert (table, key) in first_columns, f"{table}: no index starting with {key}"


def test_migrations_round_trip_and_match_the_models(server_url: str) -> None:
    url = database.create_scratch_database(server_url, "m")
    try:
        migrate.upgrade(url)
        assert migrate.current_revision(url) == migrate.head_revision()
        migrate.downgrade(url, "base")
        with psycopg.connect(database.libpq(url)) as conn:
            left = conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
            assert left == [("alembic_version",)]
            leftovers = conn.execute(
                "SELECT proname FROM pg_proc WHERE proname LIKE 'procrastinate%'"
                " UNION ALL SELECT typname FROM pg_type WHERE typname LIKE 'procrastinate%'"
            ).fetchall()
            assert leftovers == []
        migrate.upgrade(url)
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                context = MigrationContext.configure(
                    conn,
                    opts={
                        "include_object": lambda _o, name, _t, _r, _c: (
                            not (name or "").startswith(("procrastinate", "idx_procrastinate"))
                        )
                    },
                )
                assert compare_metadata(context, Base.metadata) == []
                apps = {row[0] for row in conn.exec_driver_sql("SELECT slug FROM apps")}
                assert {"stripe", "immersio", "zoom", "caldav", "google-calendar"} <= apps
        finally:
            engine.dispose()
    finally:
        database.drop_database(url)
