"""The emails of staff sign-in: a magic sign-in link, a password reset link, and a new
teacher's invitation (a sign-in link valid for days, answered to whoever invited them).

A link's job gets the link's row, the token's hash and the token sealed (``SecretBox``): the
job queue never holds a usable token. It sends nothing when the link was spent, replaced or
expired meanwhile. The invitation's job makes its link itself, and sends nothing to someone
who left the school or set a password meanwhile. The email is in the staff member's
language."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth import sign_in_links
from immersio_booking.config import Settings
from immersio_booking.jobs import context
from immersio_booking.jobs.app import defer_in_transaction, job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import clock, when
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.members import arrivals
from immersio_booking.members import repository as members
from immersio_booking.models import StaffSignInLink, User
from immersio_booking.notifications import mailer
from immersio_booking.notifications.messages import language_of
from immersio_booking.notifications.rendering import as_message, render
from immersio_booking.notifications.schools import school_of

TEMPLATES = {sign_in_links.SIGN_IN: "sign_in_link", sign_in_links.RESET: "password_reset"}
# The name at the top of an email to someone of no school (a platform admin).
SERVICE_NAME = "Immersio Booking"


async def send_staff_link(
    session: AsyncSession,
    settings: Settings,
    link: StaffSignInLink,
    raw: str,
    next_path: str | None = None,
) -> None:
    """Queue the email of ``link`` in the transaction that stores it."""
    await defer_in_transaction(
        session,
        send_staff_link_email,
        link_id=link.id,
        token_hash=link.token_hash,
        sealed_token=SecretBox.of(settings).seal(raw),
        next_path=next_path,
    )


async def invite_new_staff(session: AsyncSession, joined: arrivals.Joined) -> None:
    """Queue the invitation of someone who joined a school's staff (``members.arrivals``: the
    dashboard's form and the API alike), in the transaction that adds them."""
    await defer_in_transaction(
        session,
        send_staff_invitation_email,
        user_id=joined.user_id,
        organization_id=joined.organization_id,
        inviter_id=joined.inviter_id,
    )


async def _live_link(
    session: AsyncSession, link_id: int, token_hash: str
) -> tuple[StaffSignInLink, User] | None:
    """The link and its user, unless it was spent, replaced or expired meanwhile."""
    link = await session.get(StaffSignInLink, link_id)
    if (
        link is None
        or link.token_hash != token_hash
        or link.used_at is not None
        or link.expires_at <= clock.now()
    ):
        return None
    user = await session.get(User, link.user_id)
    return None if user is None else (link, user)


@job_app.task(name="send_staff_link_email", retry=3, pass_context=False)
async def send_staff_link_email(
    link_id: int, token_hash: str, sealed_token: str, next_path: str | None
) -> int:
    settings = context.settings()
    async with job_session() as session:
        found = await _live_link(session, link_id, token_hash)
        if found is None:
            return 0
        link, user = found
        raw = SecretBox.of(settings).open(sealed_token)
        school = await school_of(session, user.organization_id)
        language = language_of(user.locale)
        minutes = max(1, round((link.expires_at - clock.now()).total_seconds() / 60))
        rendered = render(
            TEMPLATES[link.purpose],
            language,
            school=school.name or SERVICE_NAME,
            accent=school.accent,
            recipient_name=user.name or user.email,
            url=sign_in_links.url(settings.public_base_url, link.purpose, raw, next_path, language),
            minutes=minutes,
        )
        message = as_message(
            rendered,
            sender=school.sender(settings, school.name or SERVICE_NAME),
            to=mailer.mailbox(user.name, user.email),
            reply_to=None,
            language=language,
        )
    await mailer.deliver(settings, message)
    return 1


async def _still_to_invite(session: AsyncSession, user: User | None, organization_id: int) -> bool:
    """Whether ``user`` still waits for this invitation: an accepted member of the school who
    has set no password meanwhile (removed or set waiting again since, or already in: nothing
    to send)."""
    if user is None or user.password is not None:
        return False
    membership = await members.membership_of_user(
        session, organization_id, organization_id, user.id
    )
    return membership is not None and membership.accepted


@job_app.task(name="send_staff_invitation_email", retry=3, pass_context=False)
async def send_staff_invitation_email(user_id: int, organization_id: int, inviter_id: int) -> int:
    """The invitation: its link is made here, in the worker (the queue never holds a token), and
    stored before the email leaves (a retry after a failed delivery makes a new one)."""
    settings = context.settings()
    async with job_session() as session:
        user = await session.get(User, user_id)
        inviter = await session.get(User, inviter_id)
        if inviter is None or not await _still_to_invite(session, user, organization_id):
            return 0
        assert user is not None
        link, raw = await sign_in_links.issue(
            session,
            user.id,
            sign_in_links.SIGN_IN,
            clock.now(),
            sign_in_links.INVITATION_LIFETIME,
        )
        school = await school_of(session, organization_id)
        language = language_of(user.locale)
        rendered = render(
            "staff_invitation",
            language,
            school=school.name or SERVICE_NAME,
            accent=school.accent,
            recipient_name=user.name or user.email,
            inviter=inviter.name or inviter.email,
            url=sign_in_links.url(
                settings.public_base_url,
                link.purpose,
                raw,
                sign_in_links.PASSWORD_PAGE,
                language,
            ),
            expires=when.moment_in(link.expires_at, user.time_zone, language),
        )
        message = as_message(
            rendered,
            sender=school.sender(settings, school.name or SERVICE_NAME),
            to=mailer.mailbox(user.name, user.email),
            reply_to=mailer.mailbox(inviter.name, inviter.email),
            language=language,
        )
    await mailer.deliver(settings, message)
    return 1
