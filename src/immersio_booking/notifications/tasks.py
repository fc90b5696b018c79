"""Jobs that send booking emails; deferred in the transaction that changed the booking."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from procrastinate import JobContext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import access, meeting_links, repository
from immersio_booking.bookings.meeting_links import MeetingLink
from immersio_booking.jobs import context
from immersio_booking.jobs.app import defer_in_transaction, job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import clock
from immersio_booking.models import (
    Attendee,
    Booking,
    BookingCancellationHistory,
    BookingStatus,
    EventType,
    User,
)
from immersio_booking.notifications import email_log, ics
from immersio_booking.notifications.messages import (
    STUDENT_ONLY,
    Place,
    Recipient,
    compose,
    language_of,
)
from immersio_booking.notifications.schools import school_of

METHOD = {"cancelled": "CANCEL", "declined": "CANCEL"}
# The emails that tell people how to join: they wait a little for a link that is on its way.
WITH_LINK = frozenset({"confirmed", "rescheduled", "guest_added", "location_changed"})
# The email that brings the link when the confirmation had to go without it; it looks for the
# link this often until the session ends.
JOIN_LINK = "join_link"
JOIN_LINK_POLL_SECONDS = 300
# The emails that carry the student's manage link (never a guest's: it is the booker's).
MANAGED = frozenset(
    {"confirmed", "requested", "rescheduled", JOIN_LINK, "reassigned", "location_changed"}
)


@job_app.task(name="send_booking_email", retry=5, pass_context=True)
async def send_booking_email(
    job: JobContext,
    booking_id: int,
    kind: str,
    waited: int = 0,
    only: list[str] | None = None,
    note: str | None = None,
) -> int:
    """Email the student and the host about ``booking_id`` (or only the attendees whose
    emails are in ``only``: new guests); returns the number sent. ``waited``: seconds this
    email has already waited for the session's join link; ``note``: the reason staff gave."""
    settings = context.settings()
    async with job_session() as session:
        return await _send(
            session, context.job_id(job), booking_id, kind, settings, waited, only, note
        )


async def _again(
    session: AsyncSession,
    booking_id: int,
    kind: str,
    delay: int,
    waited: int,
    only: list[str] | None = None,
) -> None:
    await defer_in_transaction(
        session,
        send_booking_email,
        options={"schedule_in": {"seconds": delay}},
        booking_id=booking_id,
        kind=kind,
        waited=waited,
        **({"only": only} if only else {}),
    )


async def _wait_for_link(
    session: AsyncSession,
    booking_id: int,
    kind: str,
    waited: int,
    settings: Any,
    only: list[str] | None,
) -> bool:
    """Queue this email again a few seconds later when its join link is still being made and
    the wait is not over; returns whether it did (the email then goes later). When the wait
    is over, the email goes without the link and a ``join_link`` email follows it."""
    left = settings.meeting_link_wait_seconds - waited
    if left <= 0:
        await _again(session, booking_id, JOIN_LINK, JOIN_LINK_POLL_SECONDS, 0)
        return False
    delay = min(settings.meeting_link_retry_seconds, left)
    await _again(session, booking_id, kind, delay, waited + delay, only)
    return True


async def _join_link_due(
    session: AsyncSession, booking: Booking, link: MeetingLink | None, waited: int
) -> bool:
    """Whether the late join link is to be sent now: the session is still ahead (or on) and
    the link exists. Without a link yet, look again later; once the session is over or gone,
    never."""
    if booking.status != BookingStatus.ACCEPTED or clock.now() >= booking.end_time:
        return False
    if link is None:
        poll = JOIN_LINK_POLL_SECONDS
        await _again(session, booking.id, JOIN_LINK, poll, waited + poll)
        return False
    return True


async def _send(
    session: AsyncSession,
    job_id: int,
    booking_id: int,
    kind: str,
    settings: Any,
    waited: int = 0,
    only: list[str] | None = None,
    note: str | None = None,
) -> int:
    booking = await session.get(Booking, booking_id)
    if booking is None:
        return 0
    et = await session.get(EventType, booking.event_type_id) if booking.event_type_id else None
    link = await meeting_links.link_of(session, booking.organization_id, booking.id)
    link_coming = (
        link is None and kind in WITH_LINK and meeting_links.awaits_link(booking.location, et)
    )
    if kind == JOIN_LINK:
        if not await _join_link_due(session, booking, link, waited):
            return 0
    elif link_coming and await _wait_for_link(session, booking.id, kind, waited, settings, only):
        return 0
    host = await session.get(User, booking.user_id) if booking.user_id else None
    people = (await repository.attendees_of(session, booking.organization_id, [booking.id])).get(
        booking.id, []
    )
    if not people or host is None:
        return 0
    student = people[0]
    title = et.title if et else booking.title
    school = await school_of(session, booking.organization_id)
    # Students read the teacher by name, else by the school's name: never by an address the
    # teacher did not choose to show (the pages do the same).
    host_name = host.name or school.name or host.email
    refund = await _refund_text(session, booking)
    secret = settings.resolved_secret_key()
    manage = (
        f"{settings.public_base_url}/booking/{booking.uid}/manage?token="
        f"{access.manage_token(secret, booking)}"
        if kind in MANAGED
        else None
    )
    recipients = [Recipient(student.name, student.email, student.time_zone, student.locale, False)]
    if only:
        recipients = [
            Recipient(p.name, p.email, p.time_zone, p.locale, False)
            for p in people
            if p.email in only
        ]
    elif kind not in STUDENT_ONLY:
        recipients.append(
            Recipient(host.name or host.email, host.email, host.time_zone, host.locale, True)
        )
    for recipient in recipients:
        language = language_of(recipient.language)
        own = (
            meeting_links.for_host(link, settings, booking.end_time, host_name, host.email)
            if recipient.is_host
            else link
        )
        place = Place.of(booking.location, own, language, link_coming=link_coming)
        # The manage link is the booker's: never the host's, never a guest's (a guest who
        # could cancel the student's booking would hold more than an invitation).
        own_manage = None if recipient.is_host or only else manage
        invites = (
            []
            if kind in STUDENT_ONLY or kind == JOIN_LINK
            else await _invites(
                session, booking, kind, (title, et), host, people, place, language, own_manage
            )
        )
        message = compose(
            kind,
            booking,
            title=title,
            host=(host_name, host.email),
            student_name=student.name,
            recipient=recipient,
            manage_url=own_manage,
            reason=note or booking.cancellation_reason or booking.rejection_reason,
            refund=refund,
            school=school,
            settings=settings,
            invites=invites,
            place=place,
        )
        about = email_log.BookingEmail(booking.organization_id, booking.id, kind, job_id)
        await email_log.deliver(settings, message, about)
    return len(recipients)


async def _invites(
    session: AsyncSession,
    booking: Booking,
    kind: str,
    workshop: tuple[str, EventType | None],
    host: User,
    people: Sequence[Attendee],
    place: Place,
    language: str,
    manage_url: str | None,
) -> list[tuple[str, bytes]]:
    """The calendar invite of the change (and, for a move, the old time's cancellation), with
    the workshop, the join link and (the student's) manage link in the recipient's language."""
    title, et = workshop
    organizer = (host.name or host.email, host.email)
    attendees = [(a.name, a.email) for a in people]
    now = clock.now()
    method = METHOD.get(kind, "REQUEST")
    invites = [
        (
            method,
            ics.invite(
                booking,
                method=method,
                summary=title,
                organizer=organizer,
                attendees=attendees,
                description=ics.description_of(
                    place,
                    language,
                    workshop=title,
                    about=et.description if et else None,
                    manage_url=manage_url,
                ),
                now=now,
                place=place,
            ),
        )
    ]
    moved_from = booking.from_reschedule if kind == "rescheduled" else None
    old = await session.get(Booking, moved_from) if moved_from else None
    if old is not None and old.organization_id == booking.organization_id:
        cancel = ics.invite(
            old,
            method="CANCEL",
            summary=title,
            organizer=organizer,
            attendees=attendees,
            description=None,
            now=now,
        )
        invites.append(("CANCEL", cancel))
    return invites


async def _refund_text(session: AsyncSession, booking: Booking) -> str | None:
    row = (
        await session.execute(
            select(BookingCancellationHistory)
            .where(
                BookingCancellationHistory.organization_id == booking.organization_id,
                BookingCancellationHistory.booking_id == booking.id,
            )
            .order_by(BookingCancellationHistory.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if row is None or not row.refund_amount:
        return None
    payment = await repository.payment_of(session, booking.organization_id, booking.id)
    currency = (payment.currency if payment else "").upper()
    return f"{row.refund_amount / 100:.2f} {currency}".strip()
