"""The Immersio sync (seed "Immersio Sync Flow", steps 1–8).

``start`` opens one sync per tenant (a second request gets the running one back) by writing one
``running`` log per sync type under the tenant's advisory lock. ``run`` then does the work in
two phases: read everything from Immersio first (no transaction open, nothing written), then
apply it in one transaction with set-based statements that write only what differs, and close
the logs. So a refused key fails the run before anything changed, a course that keeps failing
leaves its workshop as it was and makes the run ``partial``, and a run with nothing new writes
nothing but its logs and the connection's status.

Reads are incremental: courses since the last sync, students of a course since that course's
``last_student_sync`` (less a minute of overlap for clock skew; writes are idempotent). A course
read for the first time is read in full and its roster replaces the sync's rows.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.db.session import transaction
from immersio_booking.immersio import repository, roster
from immersio_booking.immersio.client import (
    Course,
    ImmersioApi,
    ImmersioError,
    ImmersioForbidden,
    ImmersioUnauthorized,
    Student,
    Teacher,
)
from immersio_booking.immersio.roster import table_of
from immersio_booking.immersio.schemas import SyncType
from immersio_booking.immersio.service import client_for
from immersio_booking.kit import clock
from immersio_booking.kit.errors import NotFound
from immersio_booking.kit.locks import lock, lock_key
from immersio_booking.models import (
    ImmersioCourseMapping,
    ImmersioSyncLog,
    SyncLogStatus,
    SyncStatus,
)

Transactions = Callable[[], AbstractAsyncContextManager[AsyncSession]]
Progress = Callable[[str, int, int], None]  # (stage, done, total)

OVERLAP = timedelta(minutes=1)
# Courses read at once: enough to hide Immersio's latency, few enough not to be throttled.
PARALLEL_READS = 8
# A "running" log older than this belongs to a worker that died; it no longer blocks a sync.
STALE_AFTER = timedelta(hours=1)
GONE = "Immersio was disconnected before the sync ran"


def sync_lock(organization_id: int) -> int:
    return lock_key("immersio-sync", organization_id)


@dataclass(frozen=True)
class Started:
    logs: list[ImmersioSyncLog]
    already_running: bool


async def start(session: AsyncSession, organization_id: int, types: Sequence[SyncType]) -> Started:
    """Open a sync of ``types`` for the tenant, or return the one already running. The caller
    commits and then runs it (``run``), in a job or in place."""
    integration = await repository.integration(session, organization_id)
    if integration is None:
        raise NotFound("Immersio is not connected here", reason="immersio_not_connected")
    await lock(session, sync_lock(organization_id), timeout_ms=10_000)
    running = await repository.running_logs(session, organization_id)
    now = clock.now()
    if running and all(now - log.started_at < STALE_AFTER for log in running):
        return Started(running, already_running=True)
    for log in running:  # abandoned by a dead worker
        _close(
            log,
            SyncLogStatus.FAILED,
            0,
            0,
            [{"reason": "abandoned", "message": "the sync stopped"}],
        )
    logs = [
        ImmersioSyncLog(
            tenant_id=organization_id,
            sync_type=t,
            direction="pull",
            status=SyncLogStatus.RUNNING,
            started_at=now,  # the service's clock, which the scheduler compares it with
        )
        for t in dict.fromkeys(types)
    ]
    session.add_all(logs)
    integration.sync_status = SyncStatus.SYNCING
    await session.flush()
    for log in logs:
        await session.refresh(log)
    return Started(logs, already_running=False)


def _close(
    log: ImmersioSyncLog,
    status: SyncLogStatus,
    processed: int,
    failed: int,
    details: list[dict[str, Any]] | None,
) -> None:
    log.status = status
    log.records_processed = processed
    log.records_failed = failed
    log.error_details = details or None
    log.completed_at = clock.now()


# --- reading from Immersio ----------------------------------------------------------------


@dataclass(frozen=True)
class MappedCourse:
    mapping_id: int
    event_type_id: int
    course_id: str
    since: datetime | None


@dataclass
class Plan:
    """What a run was asked to do, read before any call to Immersio."""

    organization_id: int
    immersio_tenant_id: str
    types: set[str]
    log_ids: list[int]
    courses_since: datetime | None
    mapped: list[MappedCourse]


@dataclass
class CourseRoster:
    mapped: MappedCourse
    students: list[Student] = field(default_factory=list)
    error: str | None = None


@dataclass
class Fetched:
    courses: list[Course] | None = None
    courses_error: str | None = None
    rosters: list[CourseRoster] = field(default_factory=list)
    teachers: list[Teacher] | None = None
    teachers_error: str | None = None


async def _read(api: ImmersioApi, plan: Plan, progress: Progress | None) -> Fetched:
    """Everything the run needs from Immersio. A refused key raises (the run fails); any
    other failure is kept with the part it concerns."""
    fetched = Fetched()
    if "courses" in plan.types:
        try:
            fetched.courses = await api.courses(updated_since=plan.courses_since)
        except (ImmersioUnauthorized, ImmersioForbidden):
            raise
        except ImmersioError as exc:
            fetched.courses_error = exc.message
    if "students" in plan.types:
        fetched.rosters = await _read_rosters(api, plan, progress)
    if "teachers" in plan.types:
        try:
            # Always the full list: teachers are few and the unmatched report must be whole.
            fetched.teachers = await api.teachers()
        except (ImmersioUnauthorized, ImmersioForbidden):
            raise
        except ImmersioError as exc:
            fetched.teachers_error = exc.message
    return fetched


async def _unchanged_rosters(api: ImmersioApi, plan: Plan) -> set[str]:
    """Mapped courses whose roster did not change since their cursor, by one course list
    (``updated_since`` also matches roster changes, docs/immersio-api.md): their students
    need no call. Empty when in doubt."""
    cursors = [m.since for m in plan.mapped if m.since is not None]
    if not cursors:
        return set()
    try:
        listed = {c.id: c for c in await api.courses(updated_since=min(cursors))}
    except (ImmersioUnauthorized, ImmersioForbidden):
        raise
    except ImmersioError:
        return set()  # read every roster instead
    unchanged = set()
    for m in plan.mapped:
        if m.since is None:
            continue
        course = listed.get(m.course_id)
        if course is None or (
            course.students_updated_at is not None and course.students_updated_at < m.since
        ):
            unchanged.add(m.course_id)
    return unchanged


async def _read_rosters(
    api: ImmersioApi, plan: Plan, progress: Progress | None
) -> list[CourseRoster]:
    unchanged = await _unchanged_rosters(api, plan)
    gate = asyncio.Semaphore(PARALLEL_READS)
    done = 0
    to_read = [m for m in plan.mapped if m.course_id not in unchanged]
    total = len(to_read)
    if progress:
        progress("students", 0, total)

    async def read_one(mapped: MappedCourse) -> CourseRoster:
        nonlocal done
        async with gate:
            try:
                found = CourseRoster(
                    mapped, await api.students(mapped.course_id, updated_since=mapped.since)
                )
            except (ImmersioUnauthorized, ImmersioForbidden):
                raise
            except ImmersioError as exc:
                found = CourseRoster(mapped, error=exc.message)
        done += 1
        if progress:
            progress("students", done, total)
        return found

    read = await asyncio.gather(*(read_one(m) for m in to_read))
    # An unchanged roster counts as read (nothing new): its cursor moves on.
    return [*read, *(CourseRoster(m) for m in plan.mapped if m.course_id in unchanged)]


# --- applying -----------------------------------------------------------------------------


@dataclass
class Outcome:
    processed: int = 0
    failed: int = 0
    details: list[dict[str, Any]] = field(default_factory=list)
    written: int = 0
    fatal: str | None = None

    @property
    def status(self) -> SyncLogStatus:
        if self.fatal is not None:
            return SyncLogStatus.FAILED
        return SyncLogStatus.PARTIAL if self.failed else SyncLogStatus.SUCCESS


# A plain shape check: Immersio already validated its students' addresses, and the whitelist
# compares trimmed, lower-cased strings (a full RFC check costs ~0.3 ms a row at 10,000 rows).
EMAIL_SHAPE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def clean_email(address: str) -> str | None:
    email = address.strip().lower()
    return email if len(email) <= 320 and EMAIL_SHAPE.match(email) else None


async def _apply_courses(session: AsyncSession, plan: Plan, fetched: Fetched) -> Outcome:
    if fetched.courses is None:
        return Outcome(fatal=fetched.courses_error or "courses were not read")
    mapped_ids = {m.course_id for m in plan.mapped} | {
        m.immersio_course_id for m in await repository.mappings(session, plan.organization_id)
    }
    names = {c.id: c.name for c in fetched.courses if c.id in mapped_ids}
    written = await roster.rename_courses(session, plan.organization_id, names)
    written += await roster.mark_workshops(session, plan.organization_id, plan.immersio_tenant_id)
    return Outcome(processed=len(fetched.courses), written=written)


async def _apply_students(
    session: AsyncSession, plan: Plan, fetched: Fetched, started_at: datetime
) -> Outcome:
    outcome = Outcome()
    enrolments: list[roster.Enrolment] = []
    whole: list[int] = []
    changed: list[tuple[int, str]] = []
    synced_mappings: list[int] = []
    for course in fetched.rosters:
        mapped = course.mapped
        if course.error is not None:
            outcome.failed += 1
            outcome.details.append(
                {"courseId": mapped.course_id, "reason": "course_failed", "message": course.error}
            )
            continue
        if mapped.since is None:
            whole.append(mapped.event_type_id)
        for student in course.students:
            outcome.processed += 1
            changed.append((mapped.event_type_id, student.id))
            email = clean_email(student.email)
            if email is None:
                outcome.failed += 1
                outcome.details.append(
                    {
                        "courseId": mapped.course_id,
                        "studentId": student.id,
                        "reason": "invalid_email",
                        "message": f"{student.email!r} is not an email address",
                    }
                )
            elif student.status == "enrolled":
                enrolments.append(
                    roster.Enrolment(mapped.event_type_id, email, student.name, student.id)
                )
        synced_mappings.append(mapped.mapping_id)
    outcome.written += await roster.remove_departed(
        session,
        plan.organization_id,
        whole=whole,
        changed=changed,
        kept=[(e.event_type_id, e.email) for e in enrolments],
    )
    outcome.written += await roster.upsert_enrolled(session, plan.organization_id, enrolments)
    if synced_mappings:
        table = table_of(ImmersioCourseMapping)
        # Bookkeeping, not data: updated_at keeps saying when the mapping itself last changed.
        await session.execute(
            update(table)
            .where(table.c.tenant_id == plan.organization_id, table.c.id.in_(synced_mappings))
            .values(last_student_sync=started_at, updated_at=table.c.updated_at)
        )
    return outcome


async def _apply_teachers(session: AsyncSession, plan: Plan, fetched: Fetched) -> Outcome:
    if fetched.teachers is None:
        return Outcome(fatal=fetched.teachers_error or "teachers were not read")
    emails = [t.email.strip().lower() for t in fetched.teachers]
    members = await repository.organization_emails(session, plan.organization_id, emails)
    unmatched = [
        {
            "teacherId": t.id,
            "email": t.email,
            "reason": "no_matching_user",
            "message": "no member of this organization has this email",
        }
        for t, email in zip(fetched.teachers, emails, strict=True)
        if email not in members
    ]
    # Unmatched teachers are reported, not failures: the sync did all it could with them.
    return Outcome(processed=len(fetched.teachers), details=unmatched)


# --- a whole run --------------------------------------------------------------------------


async def _plan(
    transactions: Transactions, organization_id: int, log_ids: Sequence[int]
) -> Plan | None:
    async with transactions() as session:
        integration = await repository.integration(session, organization_id)
        logs = await repository.logs_by_id(session, organization_id, log_ids)
        logs = [log for log in logs if log.status == SyncLogStatus.RUNNING]
        if integration is None:  # disconnected since the sync was asked for
            for log in logs:
                _close(
                    log, SyncLogStatus.FAILED, 0, 0, [{"reason": "disconnected", "message": GONE}]
                )
            return None
        if not logs:
            return None
        mappings = await repository.mappings(session, organization_id)
        mapped = [
            MappedCourse(
                m.id,
                m.event_type_id,
                m.immersio_course_id,
                m.last_student_sync - OVERLAP if m.last_student_sync else None,
            )
            for m in mappings
            if m.sync_students
        ]
        courses_since = await repository.last_success_start(session, organization_id, "courses")
        if integration.last_sync_at is None or any(
            m.immersio_course_name is None for m in mappings
        ):
            courses_since = None  # never synced (or reconnected); a new mapping's course name
        return Plan(
            organization_id=organization_id,
            immersio_tenant_id=integration.immersio_org_id,
            types={log.sync_type for log in logs},
            log_ids=[log.id for log in logs],
            courses_since=courses_since - OVERLAP if courses_since else None,
            mapped=mapped,
        )


async def _finish(
    transactions: Transactions, plan: Plan, started_at: datetime, fatal: str
) -> dict[str, Outcome]:
    async with transactions() as session:
        return await _conclude(session, plan, started_at, {}, fatal)


async def _conclude(
    session: AsyncSession,
    plan: Plan,
    started_at: datetime,
    outcomes: dict[str, Outcome],
    fatal: str | None = None,
) -> dict[str, Outcome]:
    """Close the run's logs and set the connection's status (in the data's transaction)."""
    logs = await repository.logs_by_id(session, plan.organization_id, plan.log_ids)
    failures = []
    for log in logs:
        outcome = outcomes.get(log.sync_type) or Outcome(fatal=fatal or "not run")
        if fatal is not None:
            outcome = Outcome(fatal=fatal)
        details = outcome.details or (
            [{"reason": "sync_failed", "message": outcome.fatal}] if outcome.fatal else None
        )
        _close(log, outcome.status, outcome.processed, outcome.failed, details)
        outcomes[log.sync_type] = outcome
        if outcome.status != SyncLogStatus.SUCCESS:
            failures.append(
                f"{log.sync_type}: {outcome.fatal or f'{outcome.failed} record(s) failed'}"
            )
    everything_failed = fatal is not None or all(
        o.status == SyncLogStatus.FAILED for o in outcomes.values()
    )
    values: dict[str, object] = {
        "sync_status": SyncStatus.ERROR if everything_failed else SyncStatus.SUCCESS,
        "sync_error_message": "; ".join(failures) or None,
    }
    if not everything_failed:
        values["last_sync_at"] = started_at
    await repository.set_status(session, plan.organization_id, **values)
    return outcomes


async def run(
    transactions: Transactions,
    organization_id: int,
    log_ids: Sequence[int],
    settings: Settings,
    progress: Progress | None = None,
) -> dict[str, Outcome]:
    """Do the sync whose logs are ``log_ids`` (opened by ``start``) and close them."""
    plan = await _plan(transactions, organization_id, log_ids)
    if plan is None:
        return {}
    started_at = clock.now()
    try:
        async with transactions() as session:
            integration = await repository.integration(session, organization_id)
            assert integration is not None
            api_context = client_for(integration, settings)
        async with api_context as api:
            fetched = await _read(api, plan, progress)
    except ImmersioUnauthorized as exc:
        return await _finish(
            transactions, plan, started_at, f"Immersio refused the API key ({exc.message})"
        )
    except ImmersioError as exc:
        return await _finish(transactions, plan, started_at, exc.message)
    except Exception as exc:
        await _finish(transactions, plan, started_at, f"unexpected error: {exc!r}")
        raise
    outcomes: dict[str, Outcome] = {}
    try:
        async with transactions() as session:
            if "courses" in plan.types:
                outcomes["courses"] = await _apply_courses(session, plan, fetched)
            if "students" in plan.types:
                outcomes["students"] = await _apply_students(session, plan, fetched, started_at)
            if "teachers" in plan.types:
                outcomes["teachers"] = await _apply_teachers(session, plan, fetched)
            return await _conclude(session, plan, started_at, outcomes)
    except Exception as exc:
        await _finish(transactions, plan, started_at, f"unexpected error: {exc!r}")
        raise


async def sync_in_place(
    sessionmaker: async_sessionmaker[AsyncSession],
    organization_id: int,
    types: Sequence[SyncType],
    settings: Settings,
    progress: Progress | None = None,
) -> tuple[Started, dict[str, Outcome]]:
    """Open and run a sync in this process (the CLI, benchmarks); nothing runs when another
    sync of the tenant is under way."""
    async with transaction(sessionmaker) as session:
        started = await start(session, organization_id, types)
    if started.already_running:
        return started, {}
    log_ids = [log.id for log in started.logs]
    outcomes = await run(
        lambda: transaction(sessionmaker), organization_id, log_ids, settings, progress
    )
    return started, outcomes
