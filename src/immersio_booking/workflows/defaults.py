"""The reminder we send when a step has no text of its own, written in the same ``{VARIABLE}``
form as a tenant's template. The English text is the source; French comes from the email
catalogue (``notifications/locale``), like the booking emails."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from immersio_booking.notifications.rendering import translations


@dataclass(frozen=True)
class DefaultReminder:
    subject: str
    to_attendee: str
    to_host: str
    text_message: str
    manage_line: str
    join_line: str


@lru_cache(maxsize=4)
def default_reminder(language: str) -> DefaultReminder:
    _ = translations(language).gettext
    when_where = "<p>" + _("When: {EVENT_WHEN}") + "<br>" + _("Where: {LOCATION}") + "</p>"
    return DefaultReminder(
        subject=_("Reminder: {EVENT_NAME} on {EVENT_WHEN}"),
        to_attendee=(
            "<p>"
            + _("Hello {ATTENDEE_NAME},")
            + "</p><p>"
            + _("This is a reminder of <strong>{EVENT_NAME}</strong> with {ORGANIZER_NAME}.")
            + "</p>"
            + when_where
        ),
        to_host=(
            "<p>"
            + _("Hello {RECIPIENT_NAME},")
            + "</p><p>"
            + _("This is a reminder of <strong>{EVENT_NAME}</strong> with {ATTENDEE_NAME}.")
            + "</p>"
            + when_where
        ),
        text_message=_("Reminder: {EVENT_NAME} on {EVENT_WHEN}."),
        join_line=(
            "<p>" + _('Join the video call: <a href="{MEETING_URL}">{MEETING_URL}</a>') + "</p>"
        ),
        manage_line=(
            "<p>"
            + _('Need to cancel or move it? <a href="{MANAGE_URL}">Manage your booking</a>')
            + "</p>"
        ),
    )


def default_body(language: str, to_attendee: bool, with_join: bool = False) -> str:
    """The default reminder's body; ``with_join`` adds the join link (when the session has
    one), for the student and the teacher alike."""
    reminder = default_reminder(language)
    join = reminder.join_line if with_join else ""
    if to_attendee:
        return reminder.to_attendee + join + reminder.manage_line
    return reminder.to_host + join
