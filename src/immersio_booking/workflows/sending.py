"""Sending one step's message about one booking: who receives it, in which words, by which
channel (email through the mailer, SMS and WhatsApp through the text sender)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import access, meeting_links
from immersio_booking.bookings import repository as bookings
from immersio_booking.config import Settings
from immersio_booking.models import Booking, EventType, User, WorkflowStep
from immersio_booking.notifications import email_log, mailer
from immersio_booking.notifications.messages import language_of
from immersio_booking.notifications.rendering import as_message, render
from immersio_booking.notifications.schools import School, school_of
from immersio_booking.workflows.defaults import default_body, default_reminder
from immersio_booking.workflows.templates import (
    Occasion,
    Recipient,
    fill_html,
    fill_line,
    fill_text,
    text_of,
    variables,
)
from immersio_booking.workflows.texting import Channel, TextSender

PHONE_ANSWERS = ("attendeePhoneNumber", "smsReminderNumber", "phone")


def _phone_of(booking: Booking) -> str | None:
    answers = booking.responses or {}
    for key in PHONE_ANSWERS:
        value = answers.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def host_of(host: User | None) -> Recipient:
    """The teacher as a recipient (nobody's address when the workshop has no teacher)."""
    return Recipient(
        (host.name or host.email) if host else "",
        host.email if host else None,
        None,
        host.time_zone if host else "UTC",
        language_of(host.locale if host else None),
        False,
        host.locale if host else None,
    )


async def occasion_of(
    session: AsyncSession, booking: Booking, settings: Settings
) -> tuple[Occasion, list[Recipient], Recipient]:
    """The booking's names and links, its attendees and its host as recipients."""
    et = await session.get(EventType, booking.event_type_id) if booking.event_type_id else None
    host = await session.get(User, booking.user_id) if booking.user_id else None
    people = (await bookings.attendees_of(session, booking.organization_id, [booking.id])).get(
        booking.id, []
    )
    host_name = (host.name or host.email) if host else ""
    phone = _phone_of(booking)
    attendees = [
        Recipient(
            a.name,
            a.email,
            phone if i == 0 else None,
            a.time_zone,
            language_of(a.locale),
            True,
            a.locale,
        )
        for i, a in enumerate(people)
    ]
    host_recipient = host_of(host)
    token = access.manage_token(settings.resolved_secret_key(), booking)
    occasion = Occasion(
        booking=booking,
        event_name=et.title if et else booking.title,
        organizer_name=host_name,
        organizer_email=host.email if host else "",
        attendee_name=people[0].name if people else "",
        attendee_email=people[0].email if people else "",
        manage_url=f"{settings.public_base_url}/booking/{booking.uid}/manage?token={token}",
        meeting=await meeting_links.link_of(session, booking.organization_id, booking.id),
        school=await school_of(session, booking.organization_id),
    )
    return occasion, attendees, host_recipient


def recipients_of(
    step: WorkflowStep, attendees: list[Recipient], host: Recipient
) -> list[Recipient]:
    """Who the step's action addresses; a fixed address or number is read in the host's zone."""
    if step.action in ("EMAIL_ATTENDEE", "SMS_ATTENDEE", "WHATSAPP_ATTENDEE"):
        return attendees
    if step.action == "EMAIL_HOST":
        return [host]
    fixed = step.send_to or ""
    is_email = step.action == "EMAIL_ADDRESS"
    return [
        Recipient(
            host.name,
            fixed if is_email else None,
            None if is_email else fixed,
            host.time_zone,
            host.language,
            False,
            host.locale,
        )
    ]


def compose_email(
    step: WorkflowStep, occasion: Occasion, recipient: Recipient, settings: Settings
) -> EmailMessage:
    """The step's email about a booking (our default reminder when it has no text)."""
    values = variables(occasion, recipient)
    language = recipient.language
    body = step.reminder_body or default_body(
        language, recipient.is_attendee, with_join=bool(values["MEETING_URL"])
    )
    subject = step.email_subject or default_reminder(language).subject
    return layout_email(
        step,
        values,
        Wording(subject, body),
        Sending(occasion.school, occasion.organizer_name, occasion.organizer_email),
        recipient,
        settings,
    )


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str


@dataclass(frozen=True)
class Sending:
    """Whose name the email goes out in, and who answers it."""

    school: School
    organizer_name: str
    organizer_email: str


def layout_email(
    step: WorkflowStep,
    values: Mapping[str, str],
    wording: Wording,
    sending: Sending,
    recipient: Recipient,
    settings: Settings,
) -> EmailMessage:
    """A step's email in the school's layout: its HTML as written (values escaped), its
    text part read from it with every link written out."""
    school = sending.school
    rendered = render(
        "reminder",
        recipient.language,
        school=school.name,
        accent=school.accent,
        reminder_subject=fill_line(wording.subject, values),
        reminder_body=fill_html(wording.body, values),
        when=values["EVENT_WHEN"],
    )
    return as_message(
        rendered,
        sender=school.sender(settings, step.sender),
        to=mailer.mailbox(recipient.name, recipient.email or ""),
        # A student's answer goes to the school (or the teacher); the teacher's to the school.
        reply_to=(
            school.reply_to(sending.organizer_name, sending.organizer_email)
            if recipient.is_attendee
            else school.contact
        ),
        language=recipient.language,
    )


def compose_text(step: WorkflowStep, occasion: Occasion, recipient: Recipient) -> str:
    values = variables(occasion, recipient)
    if step.reminder_body:
        return text_of(fill_html(step.reminder_body, values))
    return fill_text(default_reminder(recipient.language).text_message, values)


async def send_step(
    session: AsyncSession,
    step: WorkflowStep,
    booking: Booking,
    settings: Settings,
    texts: TextSender,
    about: email_log.BookingEmail,
) -> str:
    """Send the step's message to each of its recipients; returns what happened. ``about``:
    how its emails are recorded (the booking, the kind, the sending job)."""
    occasion, attendees, host = await occasion_of(session, booking, settings)
    sent = 0
    for recipient in recipients_of(step, attendees, host):
        if step.action.startswith("EMAIL_"):
            if not recipient.email:
                continue
            message = compose_email(step, occasion, recipient, settings)
            await email_log.deliver(settings, message, about)
        else:
            if not recipient.phone:
                continue
            channel: Channel = "whatsapp" if step.action.startswith("WHATSAPP_") else "sms"
            await texts.send(
                channel, recipient.phone, compose_text(step, occasion, recipient), step.sender
            )
        sent += 1
    return f"sent to {sent} recipient(s)" if sent else "no recipient"
