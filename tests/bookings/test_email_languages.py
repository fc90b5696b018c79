"""Emails come from one English template per kind (and the default reminder from English
strings); French comes from the email catalogue."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from immersio_booking.models import Booking
from immersio_booking.notifications import messages
from immersio_booking.notifications.messages import Recipient, compose
from immersio_booking.workflows.defaults import default_body, default_reminder

NOTIFICATIONS = Path(messages.__file__).parent
PACKAGE = NOTIFICATIONS.parent


def _email(kind: str, language: str | None, *, reason: str | None = None) -> tuple[str, str]:
    booking = Booking(
        start_time=datetime(2026, 12, 3, 17, 0, tzinfo=UTC),
        location=None,
        cancellation_reason=None,
    )
    email = compose(
        kind,
        booking,
        title="Conversation",
        host_name="Léa",
        student_name="Sam",
        recipient=Recipient("Camille", "camille@example.com", "Europe/Paris", language, False),
        manage_url="https://example.com/manage/abc",
        reason=reason,
        refund="15.00 USD",
        invites=[],
        sender="school@example.com",
    )
    body = email.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert isinstance(body, str)
    return str(email["Subject"]), body


def test_a_french_recipient_gets_french_emails() -> None:
    subject, body = _email("confirmed", "fr-CA")
    assert subject == "Confirmé : Conversation le 03/12/2026 18:00"
    assert body.startswith("Bonjour Camille,\n")
    assert "Votre place pour Conversation avec Léa est confirmée." in body
    assert "Où : en ligne" in body
    assert "Besoin d'annuler ou de déplacer ? https://example.com/manage/abc" in body

    subject, body = _email("cancelled", "fr", reason="enseignante malade")
    assert subject == "Annulé : Conversation le 03/12/2026 18:00"
    assert "est annulé : enseignante malade." in body
    assert "Un remboursement de 15.00 USD est en cours." in body

    subject, body = _email("refunded", "fr")
    assert subject.startswith("Remboursement effectué : Conversation")
    assert "Nous vous avons remboursé 15.00 USD" in body


def test_the_default_reminder_is_in_the_recipients_language() -> None:
    assert default_reminder("fr").subject == "Rappel : {EVENT_NAME} le {EVENT_DATE} à {EVENT_TIME}"
    assert default_body("fr", to_attendee=True).startswith("<p>Bonjour {ATTENDEE_NAME},</p>")
    assert "Gérer votre réservation</a>" in default_body("fr", to_attendee=True)
    assert default_reminder("en").text_message.startswith("Reminder: {EVENT_NAME} on")


@pytest.mark.parametrize("language", ["en", "de", None])
def test_other_recipients_get_english_emails(language: str | None) -> None:
    subject, body = _email("confirmed", language)
    assert subject == "Confirmed: Conversation on Thu 03 Dec 2026, 18:00"
    assert "Your place in Conversation with Léa is confirmed." in body
    assert "Where: online" in body


def test_every_email_text_has_a_french_translation() -> None:
    """Extracts the texts as `pybabel extract -F notifications/babel.cfg` does: a text added to
    an email without its French fails here."""
    with (NOTIFICATIONS / "babel.cfg").open() as config:
        method_map, options = parse_mapping_cfg(config)
    used = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(PACKAGE), method_map, options)
    }
    assert "Refund issued: %(title)s on %(when)s" in used  # the booking emails' templates
    assert "Reminder: {EVENT_NAME} on {EVENT_DATE} at {EVENT_TIME}" in used  # the reminder
    po = NOTIFICATIONS / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as source:
        catalog = read_po(source, locale="fr")
    translated = {
        m.id for m in catalog if m.id and m.string and not m.fuzzy and isinstance(m.id, str)
    }
    assert sorted(used - translated) == []
