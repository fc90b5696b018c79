"""Creating a person inside an organization: user, profile (unique username), membership."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.kit.errors import Conflict
from immersio_booking.models import Membership, Profile, Team, User

_USERNAME_CLEAN = re.compile(r"[^a-z0-9-]+")


def username_from_email(email: str) -> str:
    local = email.split("@", 1)[0].lower()
    return _USERNAME_CLEAN.sub("-", local).strip("-") or "user"


async def username_taken(session: AsyncSession, organization_id: int, username: str) -> bool:
    found = await session.execute(
        select(Profile.id).where(
            Profile.organization_id == organization_id, Profile.username == username
        )
    )
    return found.first() is not None


async def free_username(session: AsyncSession, organization_id: int, wanted: str) -> str:
    candidate, n = wanted, 1
    while await username_taken(session, organization_id, candidate):
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


async def provision_member(
    session: AsyncSession,
    organization: Team,
    *,
    email: str,
    name: str | None,
    role: str,
    accepted: bool,
    username: str | None = None,
    time_zone: str = "Europe/London",
    locale: str | None = "en",
) -> tuple[User, Profile, Membership]:
    """Create a new user in ``organization``. An email already in use anywhere → 409."""
    email = email.strip().lower()
    exists = await session.execute(select(User.id).where(User.email == email))
    if exists.first() is not None:
        raise Conflict(f"A user with email {email} already exists", reason="email_taken")
    if username is None:
        username = await free_username(session, organization.id, username_from_email(email))
    elif await username_taken(session, organization.id, username):
        raise Conflict(
            f"The username {username} is taken in this organization", reason="username_taken"
        )
    user = User(
        email=email,
        name=name,
        username=username,
        time_zone=time_zone,
        locale=locale,
        organization_id=organization.id,
    )
    session.add(user)
    await session.flush()
    profile = Profile(user_id=user.id, organization_id=organization.id, username=username)
    membership = Membership(
        user_id=user.id,
        team_id=organization.id,
        organization_id=organization.id,
        role=role,
        accepted=accepted,
    )
    session.add_all([profile, membership])
    await session.flush()
    return user, profile, membership
