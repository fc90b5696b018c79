"""Plain factory functions: real rows through the real services."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.auth import service as auth_service
from immersio_booking.db.session import transaction
from immersio_booking.members.provisioning import provision_member
from immersio_booking.models import Team, User
from immersio_booking.organizations import service as org_service
from immersio_booking.organizations.schemas import OrganizationCreate


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@dataclass(frozen=True)
class Tenant:
    id: int
    slug: str
    owner_id: int
    owner_email: str
    owner_key: str

    @property
    def headers(self) -> dict[str, str]:
        return auth(self.owner_key)


@dataclass(frozen=True)
class Member:
    id: int
    email: str
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return auth(self.key)


async def make_tenant(
    sessionmaker: async_sessionmaker[AsyncSession], plan: str = "growth"
) -> Tenant:
    slug = unique("org")
    async with transaction(sessionmaker) as session:
        created = await org_service.create_organization(
            session,
            OrganizationCreate(
                name=f"School {slug}",
                slug=slug,
                owner_email=f"owner@{slug}.example.com",
                plan=plan,  # type: ignore[arg-type]
            ),
        )
    return Tenant(
        id=created.organization.id,
        slug=slug,
        owner_id=created.owner.id,
        owner_email=created.owner.email,
        owner_key=created.api_key,
    )


async def make_member(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: Tenant,
    role: str = "MEMBER",
    accepted: bool = True,
) -> Member:
    async with transaction(sessionmaker) as session:
        org = await session.get(Team, tenant.id)
        assert org is not None
        user, _, _ = await provision_member(
            session,
            org,
            email=f"{unique(role.lower())}@{tenant.slug}.example.com",
            name="Teacher",
            role=role,
            accepted=accepted,
        )
        _, key = await auth_service.issue_key(session, user)
    return Member(id=user.id, email=user.email, key=key)


async def make_platform_admin(sessionmaker: async_sessionmaker[AsyncSession]) -> str:
    async with transaction(sessionmaker) as session:
        user = User(email=f"{unique('admin')}@platform.example.com", is_platform_admin=True)
        session.add(user)
        await session.flush()
        _, key = await auth_service.issue_key(session, user)
    return key
