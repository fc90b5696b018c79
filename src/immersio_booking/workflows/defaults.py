"""The reminder we send when a step has no text of its own, in English and French, written in
the same ``{VARIABLE}`` form as a tenant's template."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultReminder:
    subject: str
    to_attendee: str
    to_host: str
    text_message: str


DEFAULTS = {
    "en": DefaultReminder(
        subject="Reminder: {EVENT_NAME} on {EVENT_DATE} at {EVENT_TIME}",
        to_attendee=(
            "<p>Hello {ATTENDEE_NAME},</p>"
            "<p>This is a reminder of <strong>{EVENT_NAME}</strong> with {ORGANIZER_NAME}.</p>"
            "<p>When: {EVENT_DATE}, {EVENT_TIME} ({TIMEZONE})<br>Where: {LOCATION}</p>"
        ),
        to_host=(
            "<p>Hello {RECIPIENT_NAME},</p>"
            "<p>This is a reminder of <strong>{EVENT_NAME}</strong> with {ATTENDEE_NAME}.</p>"
            "<p>When: {EVENT_DATE}, {EVENT_TIME} ({TIMEZONE})<br>Where: {LOCATION}</p>"
        ),
        text_message="Reminder: {EVENT_NAME} on {EVENT_DATE} at {EVENT_TIME} ({TIMEZONE}).",
    ),
    "fr": DefaultReminder(
        subject="Rappel : {EVENT_NAME} le {EVENT_DATE} à {EVENT_TIME}",
        to_attendee=(
            "<p>Bonjour {ATTENDEE_NAME},</p>"
            "<p>Petit rappel : <strong>{EVENT_NAME}</strong> avec {ORGANIZER_NAME}.</p>"
            "<p>Quand : {EVENT_DATE}, {EVENT_TIME} ({TIMEZONE})<br>Où : {LOCATION}</p>"
        ),
        to_host=(
            "<p>Bonjour {RECIPIENT_NAME},</p>"
            "<p>Petit rappel : <strong>{EVENT_NAME}</strong> avec {ATTENDEE_NAME}.</p>"
            "<p>Quand : {EVENT_DATE}, {EVENT_TIME} ({TIMEZONE})<br>Où : {LOCATION}</p>"
        ),
        text_message="Rappel : {EVENT_NAME} le {EVENT_DATE} à {EVENT_TIME} ({TIMEZONE}).",
    ),
}

MANAGE_LINE = {
    "en": '<p>Need to cancel or move it? <a href="{MANAGE_URL}">Manage your booking</a></p>',
    "fr": (
        "<p>Besoin d'annuler ou de déplacer ? "
        '<a href="{MANAGE_URL}">Gérer votre réservation</a></p>'
    ),
}


def default_body(language: str, to_attendee: bool) -> str:
    reminder = DEFAULTS[language]
    if to_attendee:
        return reminder.to_attendee + MANAGE_LINE[language]
    return reminder.to_host
