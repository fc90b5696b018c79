"""Demo data for ``make run``: one school, two teachers, a few workshops, a published page.

Idempotent: running it again changes nothing and keeps the demo API key.
"""

from __future__ import annotations

import os
from datetime import time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth import service as auth_service
from immersio_booking.auth.keys import hash_key
from immersio_booking.members.provisioning import provision_member
from immersio_booking.models import (
    ApiKey,
    Availability,
    EventType,
    Schedule,
    Team,
    TenantLandingSettings,
    User,
    WorkshopWhitelist,
)
from immersio_booking.organizations import repository as org_repository
from immersio_booking.organizations import service as org_service
from immersio_booking.organizations.schemas import OrganizationCreate

DEMO_SLUG = "immersio-academy"
OWNER_EMAIL = "owner@immersio-academy.example.com"
WEEKDAYS_MASK = 0b0111110  # Monday–Friday, Sunday = bit 0
TEACHERS = [
    ("marie@immersio-academy.example.com", "Marie Dubois", "Europe/Paris"),
    ("kenji@immersio-academy.example.com", "Kenji Sato", "Asia/Tokyo"),
]
WORKSHOPS: list[dict[str, Any]] = [
    {
        "teacher": 0,
        "title": "IELTS Speaking Practice",
        "slug": "ielts-speaking",
        "length": 60,
        "seats": 8,
        "price": 2500,
        "currency": "usd",
        "description": "Timed speaking drills with feedback on fluency and pronunciation.",
        "metadata": {
            "workshop_type": "live_class",
            "topic_category": "Exam preparation",
            "whitelist_enabled": False,
            "registration_mode": "open",
            "refund_window_hours": 24,
            "cancellation_notice_hours": 12,
        },
    },
    {
        "teacher": 0,
        "title": "Business English Conversation",
        "slug": "business-english",
        "length": 45,
        "seats": 6,
        "price": 0,
        "currency": "usd",
        "description": "Meetings, negotiations and small talk in a small group.",
        "metadata": {
            "workshop_type": "live_class",
            "topic_category": "Business English",
            "registration_mode": "open",
            "refund_window_hours": 12,
            "cancellation_notice_hours": 2,
        },
    },
    {
        "teacher": 1,
        "title": "Kids French Club",
        "slug": "kids-french-club",
        "length": 30,
        "seats": 10,
        "price": 1200,
        "currency": "eur",
        "description": "Songs, games and stories in French for children aged 6 to 10.",
        "metadata": {
            "workshop_type": "live_class",
            "topic_category": "Kids",
            "whitelist_enabled": True,
            "registration_mode": "whitelist",
            "refund_window_hours": 48,
            "cancellation_notice_hours": 24,
        },
        "whitelist": [
            ("parent.one@example.com", "Parent One"),
            ("parent.two@example.com", "Parent Two"),
        ],
    },
]


async def _organization(session: AsyncSession) -> tuple[Team, str | None]:
    org = await org_repository.by_slug(session, DEMO_SLUG)
    if org is not None:
        return org, None
    created = await org_service.create_organization(
        session,
        OrganizationCreate(
            name="Immersio Academy",
            slug=DEMO_SLUG,
            owner_email=OWNER_EMAIL,
            owner_name="Alex Owner",
            plan="growth",
        ),
    )
    org = await session.get(Team, created.organization.id)
    assert org is not None
    org.bio = "Live language workshops with Immersio's teachers."
    org.brand_color = "#1d4ed8"
    return org, created.api_key


async def _teacher(session: AsyncSession, org: Team, email: str, name: str, zone: str) -> User:
    user = (await session.execute(select(User).where(User.email == email))).scalar_one_or_none()
    if user is None:
        user, _, _ = await provision_member(
            session, org, email=email, name=name, role="MEMBER", accepted=True, time_zone=zone
        )
    if user.default_schedule_id is None:
        schedule = Schedule(
            organization_id=org.id, user_id=user.id, name="Teaching hours", time_zone=zone
        )
        session.add(schedule)
        await session.flush()
        session.add(
            Availability(
                organization_id=org.id,
                user_id=user.id,
                schedule_id=schedule.id,
                days=WEEKDAYS_MASK,
                start_time=time(9),
                end_time=time(17),
            )
        )
        user.default_schedule_id = schedule.id
        await session.flush()
    return user


async def _workshops(session: AsyncSession, org: Team, teachers: list[User]) -> None:
    for spec in WORKSHOPS:
        existing = (
            await session.execute(
                select(EventType).where(
                    EventType.organization_id == org.id, EventType.slug == spec["slug"]
                )
            )
        ).scalar_one_or_none()
        if existing is not None:
            continue
        teacher = teachers[spec["teacher"]]
        et = EventType(
            organization_id=org.id,
            user_id=teacher.id,
            schedule_id=teacher.default_schedule_id,
            title=spec["title"],
            slug=spec["slug"],
            description=spec["description"],
            length=spec["length"],
            seats_per_time_slot=spec["seats"],
            seats_show_availability_count=True,
            price=spec["price"],
            currency=spec["currency"],
            metadata_=spec["metadata"],
            minimum_booking_notice=120,
            locations=[{"type": "integration", "integration": "cal-video"}],
            booking_fields=[],
            extra={},
        )
        session.add(et)
        await session.flush()
        for email, name in spec.get("whitelist", []):
            session.add(
                WorkshopWhitelist(
                    organization_id=org.id,
                    event_type_id=et.id,
                    email=email,
                    name=name,
                    added_by=teacher.id,
                )
            )
    await session.flush()


async def _landing_page(session: AsyncSession, org: Team) -> None:
    found = (
        await session.execute(
            select(TenantLandingSettings).where(TenantLandingSettings.tenant_id == org.id)
        )
    ).scalar_one_or_none()
    if found is None:
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


async def _demo_key(session: AsyncSession, data_dir: Path, fresh_key: str | None) -> str:
    """The owner's demo key, kept in ``<data dir>/demo-api-key.txt`` (0600)."""
    path = data_dir / "demo-api-key.txt"
    if fresh_key is None and path.exists():
        kept = path.read_text().strip()
        found = (
            await session.execute(select(ApiKey).where(ApiKey.hashed_key == hash_key(kept)))
        ).scalar_one_or_none()
        if found is not None and found.revoked_at is None:
            return kept
    if fresh_key is None:
        owner = (await session.execute(select(User).where(User.email == OWNER_EMAIL))).scalar_one()
        _, fresh_key = await auth_service.issue_key(session, owner, note="demo")
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(fresh_key + "\n")
    return fresh_key


async def load_demo(session: AsyncSession, data_dir: Path) -> dict[str, Any]:
    org, fresh_key = await _organization(session)
    teachers = [await _teacher(session, org, *spec) for spec in TEACHERS]
    await _workshops(session, org, teachers)
    await _landing_page(session, org)
    key = await _demo_key(session, data_dir, fresh_key)
    return {
        "organization": {"id": org.id, "slug": org.slug},
        "teachers": [t.id for t in teachers],
        "api_key": key,
    }
