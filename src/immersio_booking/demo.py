"""Demo data for ``make run``: one school, two teachers, a few workshops, a published page.

Idempotent: what exists is kept, what is missing is created, and the demo API key stays the
same across runs (it is kept in ``<data dir>/demo-api-key.txt``, readable by its owner only).
The addresses use ``example.com``: the API's email validation refuses reserved names like
``.test``, and the demo must be data the API itself would accept.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth import service as auth_service
from immersio_booking.auth.keys import hash_key
from immersio_booking.config import get_settings
from immersio_booking.kit import clock
from immersio_booking.members.provisioning import provision_member
from immersio_booking.models import (
    ApiKey,
    Availability,
    Credential,
    EventType,
    ImmersioCourseMapping,
    ImmersioIntegration,
    Schedule,
    SyncStatus,
    Team,
    TenantLandingSettings,
    User,
    Workflow,
    WorkshopWhitelist,
)
from immersio_booking.models.metadata import EventTypeMetadata
from immersio_booking.organizations import repository as org_repository
from immersio_booking.organizations import service as org_service
from immersio_booking.organizations.schemas import OrganizationCreate
from immersio_booking.workflows import service as workflows
from immersio_booking.workflows.schemas import StepIn, WorkflowCreate

DEMO_SLUG = "immersio-academy"
DEMO_NAME = "Immersio Academy"
OWNER_EMAIL = "owner@immersio-academy.example.com"
KEY_FILE = "demo-api-key.txt"
# Two `demo` runs at once must not both create the school.
DEMO_LOCK_KEY = 0x1B00DE
WEEKDAYS = 0b0111110  # Availability.days: Sunday = bit 0, so Monday–Friday
TEACHING_HOURS = (time(9), time(17))


@dataclass(frozen=True)
class Teacher:
    email: str
    name: str
    time_zone: str


@dataclass(frozen=True)
class Workshop:
    teacher: Teacher
    title: str
    slug: str
    length: int
    seats: int
    price: int  # minor units
    currency: str
    description: str
    metadata: dict[str, Any]
    whitelist: list[tuple[str, str]] = field(default_factory=list)


MARIE = Teacher("marie@immersio-academy.example.com", "Marie Dubois", "Europe/Paris")
KENJI = Teacher("kenji@immersio-academy.example.com", "Kenji Sato", "Asia/Tokyo")
TEACHERS = [MARIE, KENJI]
WORKSHOPS = [
    Workshop(
        teacher=MARIE,
        title="IELTS Speaking Practice",
        slug="ielts-speaking",
        length=60,
        seats=8,
        price=2500,
        currency="usd",
        description="Timed speaking drills with feedback on fluency and pronunciation.",
        metadata={
            "workshop_type": "live_class",
            "topic_category": "Exam preparation",
            "whitelist_enabled": False,
            "registration_mode": "open",
            "refund_window_hours": 24,
            "cancellation_notice_hours": 12,
        },
    ),
    Workshop(
        teacher=MARIE,
        title="Business English Conversation",
        slug="business-english",
        length=45,
        seats=6,
        price=0,
        currency="usd",
        description="Meetings, negotiations and small talk in a small group.",
        metadata={
            "workshop_type": "live_class",
            "topic_category": "Business English",
            "whitelist_enabled": False,
            "registration_mode": "open",
            # Its sessions get Zoom meetings, from the Zoom simulator `serve` starts.
            "zoom_auto_create": True,
            "refund_window_hours": 12,
            "cancellation_notice_hours": 2,
        },
    ),
    Workshop(
        teacher=KENJI,
        title="Kids French Club",
        slug="kids-french-club",
        length=30,
        seats=10,
        price=1200,
        currency="eur",
        description="Songs, games and stories in French for children aged 6 to 10.",
        metadata={
            "workshop_type": "live_class",
            "topic_category": "Kids",
            "whitelist_enabled": True,
            "registration_mode": "whitelist",
            "refund_window_hours": 48,
            "cancellation_notice_hours": 24,
        },
        whitelist=[
            ("parent.one@example.com", "Parent One"),
            ("parent.two@example.com", "Parent Two"),
        ],
    ),
]


async def _school(session: AsyncSession) -> tuple[Team, str | None]:
    """The demo organization, and the owner's key when it was created just now."""
    org = await org_repository.by_slug(session, DEMO_SLUG)
    if org is not None:
        return org, None
    created = await org_service.create_organization(
        session,
        OrganizationCreate(
            name=DEMO_NAME,
            slug=DEMO_SLUG,
            owner_email=OWNER_EMAIL,
            owner_name="Alex Martin",
            plan="growth",
        ),
    )
    org = await session.get(Team, created.organization.id)
    assert org is not None
    org.bio = "Live language workshops with Immersio's teachers."
    org.brand_color = "#1d4ed8"
    return org, created.api_key


async def _user(session: AsyncSession, email: str) -> User | None:
    return (await session.execute(select(User).where(User.email == email))).scalar_one_or_none()


async def _teacher(session: AsyncSession, org: Team, teacher: Teacher) -> User:
    user = await _user(session, teacher.email)
    if user is None:
        user, _, _ = await provision_member(
            session,
            org,
            email=teacher.email,
            name=teacher.name,
            role="MEMBER",
            accepted=True,
            time_zone=teacher.time_zone,
        )
    if user.default_schedule_id is None:
        schedule = Schedule(
            organization_id=org.id,
            user_id=user.id,
            name="Teaching hours",
            time_zone=teacher.time_zone,
        )
        session.add(schedule)
        await session.flush()
        start, end = TEACHING_HOURS
        session.add(
            Availability(
                organization_id=org.id,
                user_id=user.id,
                schedule_id=schedule.id,
                days=WEEKDAYS,
                start_time=start,
                end_time=end,
            )
        )
        user.default_schedule_id = schedule.id
        await session.flush()
    return user


async def _workshop(session: AsyncSession, org: Team, spec: Workshop, teacher: User) -> EventType:
    existing = (
        await session.execute(
            select(EventType).where(
                EventType.organization_id == org.id, EventType.slug == spec.slug
            )
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    workshop = EventType(
        organization_id=org.id,
        user_id=teacher.id,
        schedule_id=teacher.default_schedule_id,
        title=spec.title,
        slug=spec.slug,
        description=spec.description,
        length=spec.length,
        seats_per_time_slot=spec.seats,
        seats_show_availability_count=True,
        price=spec.price,
        currency=spec.currency,
        # Stored as the API stores it: every documented key, checked.
        metadata_=EventTypeMetadata.model_validate(spec.metadata).model_dump(mode="json"),
        minimum_booking_notice=120,
        locations=[{"type": "integration", "integration": "cal-video"}],
        booking_fields=[],
        extra={},
    )
    session.add(workshop)
    await session.flush()
    for email, name in spec.whitelist:
        session.add(
            WorkshopWhitelist(
                organization_id=org.id,
                event_type_id=workshop.id,
                email=email,
                name=name,
                added_by=teacher.id,
            )
        )
    await session.flush()
    return workshop


# Reminders to every student of every workshop: the day before and an hour before.
REMINDERS = [("Reminder 24 hours before", 24), ("Reminder 1 hour before", 1)]


async def _reminders(session: AsyncSession, org: Team) -> list[Workflow]:
    made = []
    for name, hours in REMINDERS:
        found = (
            await session.execute(
                select(Workflow).where(Workflow.organization_id == org.id, Workflow.name == name)
            )
        ).scalar_one_or_none()
        if found is None:
            found = await workflows.create(
                session,
                org.id,
                WorkflowCreate(
                    name=name,
                    trigger="BEFORE_EVENT",
                    time=hours,
                    time_unit="HOUR",
                    is_active_on_all=True,
                    steps=[StepIn(step_number=1, action="EMAIL_ATTENDEE")],
                ),
            )
        made.append(found)
    return made


async def _landing_page(session: AsyncSession, org: Team) -> None:
    found = (
        await session.execute(
            select(TenantLandingSettings.id).where(TenantLandingSettings.tenant_id == org.id)
        )
    ).first()
    if found is not None:
        return
    session.add(
        TenantLandingSettings(
            tenant_id=org.id,
            template_id="education",
            primary_color="#1d4ed8",
            secondary_color="#f59e0b",
            page_title="Speak with confidence",
            page_subtitle="Live workshops with Immersio Academy's teachers",
            cta_text="Book a workshop",
            meta_title="Immersio Academy — live language workshops",
            meta_description="Small-group live classes in English and French.",
            social_links={},
            is_published=True,
        )
    )
    await session.flush()


async def _key_still_works(session: AsyncSession, raw_key: str) -> bool:
    found = (
        await session.execute(select(ApiKey).where(ApiKey.hashed_key == hash_key(raw_key)))
    ).scalar_one_or_none()
    if found is None or found.revoked_at is not None:
        return False
    return found.expires_at is None or found.expires_at > clock.now()


def _write_private(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)
    os.chmod(path, 0o600)  # an older file may have had wider permissions


async def _demo_key(session: AsyncSession, owner: User, data_dir: Path, fresh: str | None) -> str:
    """The owner's demo key: the kept one while it works, else a new one (then kept)."""
    path = data_dir / KEY_FILE
    if fresh is None and path.exists():
        kept = path.read_text().strip()
        if kept and await _key_still_works(session, kept):
            return kept
    if fresh is None:
        _, fresh = await auth_service.issue_key(session, owner, note="demo")
    _write_private(path, fresh + "\n")
    return fresh


async def _immersio(session: AsyncSession, org: Team, workshops: list[EventType]) -> None:
    """The demo school is connected to the simulator that ``serve`` starts on 127.0.0.1:8100,
    with its French club mapped to the simulator's first (French) course."""
    from immersio_booking.fakes import immersio as simulator
    from immersio_booking.immersio import roster
    from immersio_booking.kit.crypto import SecretBox
    from immersio_booking.webhooks.service import new_secret

    found = (
        await session.execute(
            select(ImmersioIntegration.id).where(ImmersioIntegration.tenant_id == org.id)
        )
    ).first()
    if found is not None:
        return
    box = SecretBox.of(get_settings())
    session.add(
        ImmersioIntegration(
            tenant_id=org.id,
            immersio_org_id=simulator.DEMO_ORGANIZATION,
            base_url=simulator.DEMO_URL,
            api_key_encrypted=box.seal(simulator.DEMO_API_KEY),
            webhook_secret=box.seal(new_secret()),
            sync_enabled=True,
            sync_interval_minutes=60,
            sync_status=SyncStatus.PENDING,
        )
    )
    club = next(w for w in workshops if w.slug == "kids-french-club")
    session.add(
        ImmersioCourseMapping(
            tenant_id=org.id,
            event_type_id=club.id,
            immersio_course_id="crs_1",
            immersio_course_name="French (group 1)",
            sync_students=True,
        )
    )
    await session.flush()
    await roster.mark_workshops(session, org.id, simulator.DEMO_ORGANIZATION)


async def _zoom(session: AsyncSession, org: Team) -> None:
    """The demo school's Zoom app: the simulator's credentials (``fake-zoom``'s defaults)."""
    from immersio_booking.fakes import zoom as simulator
    from immersio_booking.kit.crypto import SecretBox

    found = (
        await session.execute(
            select(Credential.id).where(
                Credential.organization_id == org.id, Credential.type == "zoom_video"
            )
        )
    ).first()
    if found is not None:
        return
    session.add(
        Credential(
            organization_id=org.id,
            team_id=org.id,
            type="zoom_video",
            app_id="zoom",
            key={
                "account_id": simulator.DEMO_ACCOUNT_ID,
                "client_id": simulator.DEMO_CLIENT_ID,
                "client_secret": SecretBox.of(get_settings()).seal(simulator.DEMO_CLIENT_SECRET),
            },
        )
    )
    await session.flush()


async def _calendar_feed(session: AsyncSession, org: Team, teacher: User) -> None:
    """Kenji's calendar at his other school, an ICS feed (served by ``serve``): its busy times
    take slots away from his workshops once the worker has read it."""
    from immersio_booking.calendars import connect, ics_feed, sealing
    from immersio_booking.calendars.source import ListedCalendar
    from immersio_booking.fakes import calendar_feed
    from immersio_booking.kit.crypto import SecretBox

    found = (
        await session.execute(
            select(Credential.id).where(
                Credential.organization_id == org.id,
                Credential.user_id == teacher.id,
                Credential.type == ics_feed.ICS_FEED,
            )
        )
    ).first()
    if found is not None:
        return
    url = calendar_feed.DEMO_URL
    name = "Kenji - other school"
    credential = Credential(
        organization_id=org.id,
        user_id=teacher.id,
        type=ics_feed.ICS_FEED,
        app_id="ics-feed",
        key=sealing.sealed_key(
            SecretBox.of(get_settings()),
            {"urls": json.dumps([url])},
            names={ics_feed.feed_id(url): name},
            timeZone=teacher.time_zone,
        ),
    )
    session.add(credential)
    await session.flush()
    listed = [ListedCalendar(ics_feed.feed_id(url), name, primary=True, read_only=True)]
    await connect.select_all(session, credential, listed)
    await connect.queue_refresh(session, credential)


async def load_demo(session: AsyncSession, data_dir: Path | None = None) -> dict[str, Any]:
    """Create what is missing of the demo school; return its ids and the demo API key."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DEMO_LOCK_KEY})
    org, fresh_key = await _school(session)
    owner = await _user(session, OWNER_EMAIL)
    if owner is None:
        raise RuntimeError(f"The demo school exists but its owner {OWNER_EMAIL} does not")
    teachers = {spec.email: await _teacher(session, org, spec) for spec in TEACHERS}
    workshops = [
        await _workshop(session, org, spec, teachers[spec.teacher.email]) for spec in WORKSHOPS
    ]
    await _landing_page(session, org)
    reminders = await _reminders(session, org)
    await _immersio(session, org, workshops)
    await _zoom(session, org)
    await _calendar_feed(session, org, teachers[KENJI.email])
    key = await _demo_key(session, owner, data_dir or get_settings().data_dir, fresh_key)
    return {
        "organization": {"id": org.id, "slug": org.slug, "name": org.name},
        "owner": {"id": owner.id, "email": owner.email},
        "teachers": [
            {"id": user.id, "email": user.email, "name": user.name} for user in teachers.values()
        ],
        "workshops": [{"id": w.id, "slug": w.slug, "title": w.title} for w in workshops],
        "workflows": [{"id": w.id, "name": w.name} for w in reminders],
        "api_key": key,
    }
