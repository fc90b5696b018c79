"""The migrated schema covers the seed ERD (tests/erd.py), and the migrations round-trip.

Sync tests on purpose: they read PostgreSQL's catalogues with psycopg and drive Alembic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, pool

import immersio_booking.models  # noqa: F401  (registers every table on Base.metadata)
from immersio_booking.db import migrate
from immersio_booking.db.base import Base
from tests import database
from tests.erd import (
    ENTITIES,
    FOREIGN_KEYS,
    INDEXES,
    KINDS,
    NOT_TENANT_OWNED,
    RELATIONSHIPS,
    SEEDED_APPS,
    TENANT_ID_TABLES,
    TIMESTAMPTZ,
    UNIQUE,
)

PROCRASTINATE = ("procrastinate", "idx_procrastinate")

# Tables that break the tenant-key rule today. Each is a real finding to fix in the models and a
# migration (then delete the entry: the xfail is strict, so a fix makes the test fail until then).
TENANT_KEY_GAPS: dict[str, str] = {}


@dataclass(frozen=True)
class Column:
    data_type: str
    nullable: bool


@dataclass(frozen=True)
class ForeignKey:
    name: str
    table: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class IndexInfo:
    name: str
    table: str
    unique: bool
    columns: tuple[str, ...]  # key columns in order ("<expr>" for an expression)
    where: str | None  # the predicate of a partial index


@dataclass(frozen=True)
class Schema:
    tables: frozenset[str]
    columns: dict[tuple[str, str], Column]
    foreign_keys: list[ForeignKey]
    indexes: list[IndexInfo]
    indexdefs: dict[str, tuple[str, str]]  # pg_indexes: name → (table, indexdef)


def read_schema(conn: psycopg.Connection[Any]) -> Schema:
    tables = frozenset(
        name
        for (name,) in conn.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
    )
    columns = {
        (table, column): Column(data_type, nullable == "YES")
        for table, column, data_type, nullable in conn.execute(
            "SELECT table_name, column_name, data_type, is_nullable"
            " FROM information_schema.columns WHERE table_schema = 'public'"
        )
    }
    foreign_keys = [
        ForeignKey(name, table, tuple(cols), ref_table, tuple(ref_cols))
        for name, table, cols, ref_table, ref_cols in conn.execute(
            """
            SELECT con.conname, cl.relname,
                   array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(n, o)
                         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n
                         ORDER BY k.o)::text[],
                   ref.relname,
                   array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(n, o)
                         JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n
                         ORDER BY k.o)::text[]
            FROM pg_constraint con
            JOIN pg_class cl ON cl.oid = con.conrelid
            JOIN pg_class ref ON ref.oid = con.confrelid
            WHERE con.contype = 'f' AND con.connamespace = 'public'::regnamespace
            """
        )
    ]
    indexes = [
        IndexInfo(name, table, unique, tuple(cols), where)
        for name, table, unique, cols, where in conn.execute(
            """
            SELECT ic.relname, t.relname, i.indisunique,
                   array(SELECT coalesce(a.attname::text, '<expr>')
                         FROM unnest(i.indkey) WITH ORDINALITY AS k(n, o)
                         LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
                         WHERE k.o <= i.indnkeyatts ORDER BY k.o)::text[],
                   pg_get_expr(i.indpred, i.indrelid)
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_class ic ON ic.oid = i.indexrelid
            WHERE t.relnamespace = 'public'::regnamespace
            """
        )
    ]
    indexdefs = {
        name: (table, indexdef)
        for name, table, indexdef in conn.execute(
            "SELECT indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        )
    }
    return Schema(tables, columns, foreign_keys, indexes, indexdefs)


@pytest.fixture(scope="module")
def schema(database_url: str) -> Schema:
    with psycopg.connect(database.libpq(database_url)) as conn:
        return read_schema(conn)


# ------------------------------------------------------------------ the list itself


def test_the_erd_list_is_complete_and_consistent() -> None:
    assert len(ENTITIES) == 23, sorted(ENTITIES)
    assert len({entity.table for entity in ENTITIES.values()}) == 23, "two entities, one table"
    assert len(INDEXES) == 14, sorted(INDEXES)
    assert len(RELATIONSHIPS) == 39
    for entity_name, entity in ENTITIES.items():
        assert len({f.column for f in entity.fields.values()}) == len(entity.fields), entity_name
        for field_name, field in entity.fields.items():
            assert field.kind in KINDS, f"{entity_name}.{field_name}: unknown kind {field.kind}"
    for rel in RELATIONSHIPS:
        assert rel.fk in FOREIGN_KEYS, f"relationship {rel.line!r}: {rel.fk} has no FK field"
        ref_table = FOREIGN_KEYS[rel.fk].split(".")[0]
        assert ref_table == ENTITIES[rel.parent].table, f"relationship {rel.line!r}"


# ------------------------------------------------------------------ 1. tables, columns, types


@pytest.mark.parametrize("entity_name", sorted(ENTITIES))
def test_entity_is_a_table_with_every_field(schema: Schema, entity_name: str) -> None:
    table, fields = ENTITIES[entity_name]
    assert table in schema.tables, f"ERD entity {entity_name}: no table {table!r}"
    problems = []
    for field_name, field in fields.items():
        where = f"{entity_name}.{field_name} ({table}.{field.column})"
        column = schema.columns.get((table, field.column))
        if column is None:
            problems.append(f"{where}: no such column")
            continue
        if column.data_type not in KINDS[field.kind]:
            problems.append(f"{where}: type {column.data_type!r}, expected {field.kind}")
        if field.nullable is False and column.nullable:
            problems.append(f"{where}: nullable, the ERD implies NOT NULL")
        if field.nullable is True and not column.nullable:
            problems.append(f"{where}: NOT NULL, the ERD requires that it can be absent")
    assert not problems, "\n".join(problems)


def test_every_timestamp_has_a_time_zone(schema: Schema) -> None:
    naive = sorted(
        f"{table}.{column}"
        for (table, column), info in schema.columns.items()
        if info.data_type == "timestamp without time zone"
    )
    assert naive == [], f"naive timestamps (must be timestamptz): {naive}"
    for entity_name, (table, fields) in ENTITIES.items():
        for field_name, field in fields.items():
            if field.kind == TIMESTAMPTZ:
                kind = schema.columns[(table, field.column)].data_type
                assert kind == "timestamp with time zone", f"{entity_name}.{field_name}: {kind}"


# ------------------------------------------------------------------ 2. foreign keys, unique keys


def test_every_fk_of_the_erd_is_a_foreign_key(schema: Schema) -> None:
    present: dict[tuple[str, str], set[str]] = {}
    for fk in schema.foreign_keys:
        if len(fk.columns) == 1:  # the ERD's keys are all single-column
            target = f"{fk.ref_table}.{fk.ref_columns[0]}"
            present.setdefault((fk.table, fk.columns[0]), set()).add(target)
    problems = [
        f"{table}.{column}: no foreign key to {target}"
        f" (found: {sorted(present.get((table, column), set()))})"
        for (table, column), target in sorted(FOREIGN_KEYS.items())
        if target not in present.get((table, column), set())
    ]
    assert len(FOREIGN_KEYS) == 41
    assert not problems, "\n".join(problems)


def test_every_relationship_line_is_implemented(schema: Schema) -> None:
    fks = {(fk.table, fk.columns): fk.ref_table for fk in schema.foreign_keys}
    unique_alone = {
        (ix.table, ix.columns[0])
        for ix in schema.indexes
        if ix.unique and ix.where is None and len(ix.columns) == 1
    }
    for rel in RELATIONSHIPS:
        table, column = rel.fk
        parent_table = ENTITIES[rel.parent].table
        assert fks.get((table, (column,))) == parent_table, (
            f"relationship {rel.line!r}: {table}.{column} does not reference {parent_table}"
        )
        if rel.one_to_one:
            assert (table, column) in unique_alone, (
                f"relationship {rel.line!r} is one-to-one but {table}.{column} is not unique"
            )


@pytest.mark.parametrize("key", sorted(UNIQUE))
def test_unique_key(schema: Schema, key: str) -> None:
    expected = UNIQUE[key]
    candidates = [
        ix
        for ix in schema.indexes  # unique constraints are backed by unique indexes
        if ix.unique and ix.table == expected.table and ix.columns == expected.columns
    ]
    described = f"{key}: unique {expected.table}({', '.join(expected.columns)})"
    assert candidates, f"{described} is missing"
    if expected.where is None:
        assert any(ix.where is None for ix in candidates), (
            f"{described} is only partial: {[ix.where for ix in candidates]}"
        )
    else:
        assert any(ix.where and expected.where in ix.where for ix in candidates), (
            f"{described} should be partial WHERE {expected.where}: "
            f"{[ix.where for ix in candidates]}"
        )


# ------------------------------------------------------------------ 3. the 14 recommended indexes

INDEXDEF = re.compile(
    r"^CREATE (?P<unique>UNIQUE )?INDEX (?P<name>\S+) ON (?:ONLY )?(?P<table>\S+)"
    r" USING btree \((?P<columns>.*?)\)(?: WHERE (?P<where>.*))?$"
)


@pytest.mark.parametrize("name", sorted(INDEXES))
def test_recommended_index(schema: Schema, name: str) -> None:
    expected = INDEXES[name]
    assert name in schema.indexdefs, f"recommended index {name} is missing"
    table, indexdef = schema.indexdefs[name]
    assert table == expected.table, f"{name} is on {table}, expected {expected.table}"
    match = INDEXDEF.match(indexdef)
    assert match, f"{name}: unexpected definition {indexdef}"
    assert match["columns"] == expected.columns, (
        f"{name}: columns ({match['columns']}), expected ({expected.columns}) — {indexdef}"
    )
    assert match["where"] == expected.where, (
        f"{name}: predicate {match['where']!r}, expected {expected.where!r} — {indexdef}"
    )
    assert bool(match["unique"]) == expected.unique, f"{name}: unique should be {expected.unique}"


# ------------------------------------------------------------------ 4. tenant key everywhere


def tenant_owned_tables() -> list[str]:
    return sorted(set(Base.metadata.tables) - NOT_TENANT_OWNED)


def test_tenant_owned_tables_are_the_models_tables_and_cover_the_erd(schema: Schema) -> None:
    in_db = {t for t in schema.tables if not t.startswith(PROCRASTINATE)} - {"alembic_version"}
    assert in_db == set(Base.metadata.tables), (
        f"only in the database: {sorted(in_db - set(Base.metadata.tables))}; "
        f"only in the models: {sorted(set(Base.metadata.tables) - in_db)}"
    )
    erd_tenant_owned = {e.table for e in ENTITIES.values()} - {"teams", "users", "apps"}
    assert len(erd_tenant_owned) == 20
    missing = erd_tenant_owned - set(tenant_owned_tables())
    assert not missing, f"ERD tables not treated as tenant-owned: {sorted(missing)}"


@pytest.mark.parametrize(
    "table",
    [
        pytest.param(t, marks=pytest.mark.xfail(strict=True, reason=TENANT_KEY_GAPS[t]))
        if t in TENANT_KEY_GAPS
        else t
        for t in tenant_owned_tables()
    ],
)
def test_tenant_owned_table_has_an_indexed_not_null_tenant_key(schema: Schema, table: str) -> None:
    key = "tenant_id" if table in TENANT_ID_TABLES else "organization_id"
    column = schema.columns.get((table, key))
    assert column is not None, f"tenant-owned table {table} has no {key} column"
    assert not column.nullable, f"{table}.{key} is nullable"
    assert any(
        fk.table == table and fk.columns == (key,) and fk.ref_table == "teams"
        for fk in schema.foreign_keys
        if fk.ref_columns == ("id",)
    ), f"{table}.{key} has no foreign key to teams.id"
    leading = sorted(ix.name for ix in schema.indexes if ix.table == table and ix.columns[0] == key)
    assert leading, f"{table}: no index whose first column is {key}"


# ------------------------------------------------------------------ 5. migrations


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Procrastinate's objects come from its own schema script (migration 0002), not models."""
    del obj, reflected, compare_to
    return not (type_ in ("table", "index") and (name or "").startswith(PROCRASTINATE))


def test_migrations_round_trip_and_match_the_models(server_url: str) -> None:
    url = database.create_scratch_database(server_url, "m")
    try:
        migrate.upgrade(url, "head")
        assert migrate.current_revision(url) == migrate.head_revision()

        migrate.downgrade(url, "base")
        assert migrate.current_revision(url) is None
        with psycopg.connect(database.libpq(url)) as conn:
            left = [
                name
                for (name,) in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                )
            ]
            assert left == ["alembic_version"], f"tables left after downgrade to base: {left}"
            leftovers = conn.execute(
                """
                SELECT 'function ' || p.proname FROM pg_proc p
                JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'public' AND p.proname LIKE 'procrastinate%'
                UNION ALL
                SELECT 'type ' || t.typname FROM pg_type t
                JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = 'public' AND t.typname LIKE '%procrastinate%'
                """
            ).fetchall()
            assert leftovers == [], f"procrastinate objects left after downgrade: {leftovers}"

        migrate.upgrade(url, "head")
        assert migrate.current_revision(url) == migrate.head_revision()

        engine = create_engine(url, poolclass=pool.NullPool)
        try:
            with engine.connect() as conn:
                context = MigrationContext.configure(
                    conn, opts={"include_object": include_object, "compare_type": True}
                )
                diff = compare_metadata(context, Base.metadata)
                assert diff == [], (
                    "models and migrations differ (write a migration):\n"
                    + "\n".join(map(str, diff))
                )
                apps = {slug for (slug,) in conn.exec_driver_sql("SELECT slug FROM apps")}
                assert SEEDED_APPS <= apps, f"apps not seeded: {sorted(SEEDED_APPS - apps)}"
        finally:
            engine.dispose()
    finally:
        database.drop_database(url)
