"""A person joined a school's staff: told to the packages above (notifications emails their
invitation) inside the transaction that adds them, as ``out_of_office.events`` does for
absences. Listeners are subscribed by ``immersio_booking.wiring``; members imports none of them.

Who is invited (docs/dashboard.md, "Invited teachers"), the rule written once here for the
dashboard's form and the API alike: someone who has just become a member of the school itself
(a new user, or the school's membership of someone who had none) and has no password yet.
Nobody who has a password (they sign in as before), no role change, no sub-team membership,
no refused (409) second add, and nobody when the caller asked for none (``sendInvitation``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.models import Membership, Team, User


@dataclass(frozen=True)
class Joined:
    """``user_id`` became a member of ``organization_id``, added by ``inviter_id``."""

    user_id: int
    organization_id: int
    inviter_id: int


Listener = Callable[[AsyncSession, Joined], Awaitable[None]]
_joined: list[Listener] = []


def on_joined(listener: Listener) -> None:
    """Run ``listener`` in the transaction of every arrival that wants an invitation (once per
    listener)."""
    if listener not in _joined:
        _joined.append(listener)


async def joined(
    session: AsyncSession,
    principal: Principal,
    school: Team,
    user: User,
    membership: Membership,
    *,
    invite: bool,
) -> None:
    """``user`` was just made a member of ``school`` by ``principal`` (``membership``): tell the
    listeners when they are to be invited now (the rule above); a membership waiting for
    acceptance is invited by ``accepted``."""
    if invite and membership.accepted:
        await _tell(session, principal, school, user)


async def accepted(session: AsyncSession, principal: Principal, school: Team, user: User) -> None:
    """``principal`` accepted ``user``'s membership of ``school``, which was waiting: now is
    the time of its invitation (the rule above)."""
    await _tell(session, principal, school, user)


async def _tell(session: AsyncSession, principal: Principal, school: Team, user: User) -> None:
    if not school.is_organization or user.password is not None:
        return
    # Whoever acts (an OWNER acting as someone through X-Act-As-User is the one inviting).
    event = Joined(user.id, school.id, principal.actor_user_id or principal.user_id)
    for listener in _joined:
        await listener(session, event)
