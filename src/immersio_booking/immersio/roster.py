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

from sqlalchemy import Table, func, or_, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.db.base import Base
from immersio_booking.models import EventType, ImmersioCourseMapping

SYNC_SOURCE = "immersio"


def table_of(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


@dataclass(frozen=True)
class Enrolment:
    event_type_id: int
    email: str
    name: str | None
    student_id: str


# One statement for any number of rows: the rows travel as four arrays (unnest), so neither
# the statement's size nor its compilation grows with them.
UPSERT = text(
    """
    INSERT INTO workshop_whitelist
        (organization_id, event_type_id, email, name, immersio_student_id, source)
    SELECT :organization_id, row.event_type_id, row.email, row.name, row.student_id, 'immersio'
    FROM unnest(
        CAST(:event_type_ids AS bigint[]), CAST(:emails AS text[]),
        CAST(:names AS text[]), CAST(:student_ids AS text[])
    ) AS row(event_type_id, email, name, student_id)
    ON CONFLICT (event_type_id, email) DO UPDATE
    SET name = excluded.name, immersio_student_id = excluded.immersio_student_id
    WHERE workshop_whitelist.source = 'immersio'
      AND (workshop_whitelist.name IS DISTINCT FROM excluded.name
           OR workshop_whitelist.immersio_student_id IS DISTINCT FROM excluded.immersio_student_id)
    RETURNING id
    """
)


async def upsert_enrolled(
    session: AsyncSession, organization_id: int, enrolments: Iterable[Enrolment]
) -> int:
    """Add (or refresh the name and student id of) sync rows; returns rows written."""
    unique = list({(e.event_type_id, e.email): e for e in enrolments}.values())
    if not unique:
        return 0
    result = await session.execute(
        UPSERT,
        {
            "organization_id": organization_id,
            "event_type_ids": [e.event_type_id for e in unique],
            "emails": [e.email for e in unique],
            "names": [e.name for e in unique],
            "student_ids": [e.student_id for e in unique],
        },
    )
    return len(result.all())


REMOVE = text(
    """
    DELETE FROM workshop_whitelist AS w
    WHERE w.organization_id = :organization_id
      AND w.source = 'immersio'
      AND (
        w.event_type_id = ANY(CAST(:whole_event_type_ids AS bigint[]))
        OR (w.event_type_id, w.immersio_student_id) IN (
            SELECT * FROM unnest(CAST(:changed_event_type_ids AS bigint[]),
                                 CAST(:changed_student_ids AS text[])))
      )
      AND NOT EXISTS (
        SELECT 1
        FROM unnest(CAST(:kept_event_type_ids AS bigint[]), CAST(:kept_emails AS text[]))
             AS kept(event_type_id, email)
        WHERE kept.event_type_id = w.event_type_id AND kept.email = w.email
      )
    RETURNING w.id
    """
)


async def remove_departed(
    session: AsyncSession,
    organization_id: int,
    *,
    whole: Sequence[int],
    changed: Sequence[tuple[int, str]],
    kept: Sequence[tuple[int, str]],
) -> int:
    """Remove sync rows that are not ``kept`` (workshop, email): of the ``whole`` workshops
    (a full roster was read) and of the ``changed`` (workshop, student id) pairs (an
    incremental read saw these students change: dropped, or a new email). One statement."""
    if not whole and not changed:
        return 0
    result = await session.execute(
        REMOVE,
        {
            "organization_id": organization_id,
            "whole_event_type_ids": list(whole),
            "changed_event_type_ids": [event_type for event_type, _ in changed],
            "changed_student_ids": [student for _, student in changed],
            "kept_event_type_ids": [event_type for event_type, _ in kept],
            "kept_emails": [email for _, email in kept],
        },
    )
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
