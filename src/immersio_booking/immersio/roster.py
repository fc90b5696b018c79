"""Writing Immersio enrolments into workshop whitelists, in bulk, as set operations.

Rows the sync (or an Immersio webhook) adds carry ``source = 'immersio'``; only those are ever
updated or removed here. A row a person added (``manual``) for the same email is left exactly as
it is: the student may book either way.

Every statement writes only what differs, so applying the same roster twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, and_, delete, func, not_, or_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.db.base import Base
from immersio_booking.models import EventType, ImmersioCourseMapping, WorkshopWhitelist

SYNC_SOURCE = "immersio"


def table_of(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


# Rows per INSERT statement: 5 parameters each, well below PostgreSQL's 65,535.
CHUNK = 5000


@dataclass(frozen=True)
class Enrolment:
    event_type_id: int
    email: str
    name: str | None
    student_id: str


def _chunks(rows: Sequence[dict[str, object]]) -> Iterable[Sequence[dict[str, object]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


async def upsert_enrolled(
    session: AsyncSession, organization_id: int, enrolments: Iterable[Enrolment]
) -> int:
    """Add (or refresh the name and student id of) sync rows; returns rows written."""
    unique = {(e.event_type_id, e.email): e for e in enrolments}  # one row per key per statement
    rows: list[dict[str, object]] = [
        {
            "organization_id": organization_id,
            "event_type_id": e.event_type_id,
            "email": e.email,
            "name": e.name,
            "immersio_student_id": e.student_id,
            "source": SYNC_SOURCE,
        }
        for e in unique.values()
    ]
    written = 0
    table = table_of(WorkshopWhitelist)
    for chunk in _chunks(rows):
        values = insert(WorkshopWhitelist).values(list(chunk))
        statement = values.on_conflict_do_update(
            index_elements=[table.c.event_type_id, table.c.email],
            set_={
                "name": values.excluded.name,
                "immersio_student_id": values.excluded.immersio_student_id,
            },
            where=and_(
                table.c.source == SYNC_SOURCE,
                or_(
                    table.c.name.is_distinct_from(values.excluded.name),
                    table.c.immersio_student_id.is_distinct_from(
                        values.excluded.immersio_student_id
                    ),
                ),
            ),
        ).returning(table.c.id)
        written += len((await session.execute(statement)).all())
    return written


async def remove_departed(
    session: AsyncSession,
    organization_id: int,
    event_type_id: int,
    *,
    keep_emails: Sequence[str],
    student_ids: Sequence[str] | None,
) -> int:
    """Remove sync rows of a workshop whose email is not in ``keep_emails``: all of them
    (``student_ids`` None: a full roster was read) or only those of ``student_ids`` (an
    incremental read: these students changed, e.g. dropped or a new email)."""
    table = table_of(WorkshopWhitelist)
    conditions = [
        table.c.organization_id == organization_id,
        table.c.event_type_id == event_type_id,
        table.c.source == SYNC_SOURCE,
    ]
    if keep_emails:
        conditions.append(not_(table.c.email == func.any(list(keep_emails))))
    if student_ids is not None:
        if not student_ids:
            return 0
        conditions.append(table.c.immersio_student_id == func.any(list(student_ids)))
    result = await session.execute(delete(table).where(*conditions).returning(table.c.id))
    return len(result.all())


async def mark_workshops(
    session: AsyncSession, organization_id: int, immersio_tenant_id: str
) -> int:
    """Write ``immersio_course_id`` and ``immersio_tenant_id`` into the metadata of every mapped
    workshop whose metadata does not say so yet (seed step 5); returns workshops changed."""
    m = table_of(ImmersioCourseMapping)
    et = table_of(EventType)
    wanted = func.jsonb_build_object(
        "immersio_course_id", m.c.immersio_course_id, "immersio_tenant_id", immersio_tenant_id
    )
    result = await session.execute(
        update(et)
        .values(metadata=et.c.metadata.op("||")(wanted), updated_at=func.now())
        .where(
            m.c.tenant_id == organization_id,
            m.c.event_type_id == et.c.id,
            et.c.organization_id == organization_id,
            or_(
                et.c.metadata["immersio_course_id"].astext.is_distinct_from(m.c.immersio_course_id),
                et.c.metadata["immersio_tenant_id"].astext.is_distinct_from(immersio_tenant_id),
            ),
        )
        .returning(et.c.id)
    )
    return len(result.all())


async def rename_courses(session: AsyncSession, organization_id: int, names: dict[str, str]) -> int:
    """Refresh the course name of mappings whose course was renamed; returns mappings changed."""
    if not names:
        return 0
    m = table_of(ImmersioCourseMapping)
    changed = 0  # one statement per mapped course (callers pass mapped courses only)
    for course_id, name in names.items():
        result = await session.execute(
            update(m)
            .values(immersio_course_name=name, updated_at=func.now())
            .where(
                m.c.tenant_id == organization_id,
                m.c.immersio_course_id == course_id,
                m.c.immersio_course_name.is_distinct_from(name),
            )
            .returning(m.c.id)
        )
        changed += len(result.all())
    return changed
