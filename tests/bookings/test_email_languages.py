"""Emails come from one English template per kind (and the default reminder from English
strings); French comes from the email catalogue."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from immersio_booking.config import Settings
from immersio_booking.kit import when
from immersio_booking.models import Booking
from immersio_booking.notifications import messages
from immersio_booking.notifications.messages import Recipient, compose
from immersio_booking.notifications.schools import School
from immersio_booking.workflows.defaults import default_body, default_reminder
from tests import dates

NOTIFICATIONS = Path(messages.__file__).parent
PACKAGE = NOTIFICATIONS.parent


START = dates.instant(dates.first_monday(12), "17:00")  # winter: Paris at UTC+1
END = START + timedelta(hours=1)


def _email(kind: str, language: str | None, *, reason: str | None = None) -> tuple[str, str]:
    booking = Booking(start_time=START, end_time=END, location=None, cancellation_reason=None)
    email = compose(
        kind,
        booking,
        title="Conversation",
        host=("Léa", "lea@example.com"),
        student_name="Sam",
        recipient=Recipient("Camille", "camille@example.com", "Europe/Paris", language, False),
        manage_url="https://example.com/manage/abc",
        reason=reason,
        refund="15.00 USD",
        school=School("École Zoé", None, None),
        settings=Settings(mail_from="Immersio <no-reply@example.com>"),
    )
    body = email.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert isinstance(body, str)
    return str(email["Subject"]), body


def test_a_french_recipient_gets_french_emails() -> None:
    paris = when.span(START, END, "Europe/Paris", "fr")
    assert paris.startswith("lundi ") and paris.endswith(", 18:00 – 19:00 (Paris, UTC+1)")
    subject, body = _email("confirmed", "fr-CA")
    assert subject == f"Confirmé : Conversation le {paris}"
    assert body.startswith("Bonjour Camille,\n")
    assert "Votre place pour Conversation avec Léa est confirmée." in body
    assert f"Quand : {paris}" in body
    assert "Où : en ligne" in body
    assert (
        "Besoin d'annuler ou de déplacer ? Gérer votre réservation : https://example.com/manage/abc"
        in body
    )

    subject, body = _email("cancelled", "fr", reason="enseignante malade")
    assert subject == f"Annulé : Conversation le {paris}"
    assert "est annulé : enseignante malade." in body
    assert "Un remboursement de 15.00 USD est en cours." in body

    subject, body = _email("refunded", "fr")
    assert subject.startswith("Remboursement effectué : Conversation")
    assert "Nous vous avons remboursé 15.00 USD" in body


def test_the_default_reminder_is_in_the_recipients_language() -> None:
    assert default_reminder("fr").subject == "Rappel : {EVENT_NAME} le {EVENT_WHEN}"
    assert default_body("fr", to_attendee=True).startswith("<p>Bonjour {ATTENDEE_NAME},</p>")
    assert "Gérer votre réservation</a>" in default_body("fr", to_attendee=True)
    assert default_reminder("en").text_message.startswith("Reminder: {EVENT_NAME} on")


@pytest.mark.parametrize("language", ["en", "de", None])
def test_other_recipients_get_english_emails(language: str | None) -> None:
    subject, body = _email("confirmed", language)
    paris = when.span(START, END, "Europe/Paris", "en")
    assert paris.endswith(", 6:00 PM – 7:00 PM (Paris, UTC+1)")
    assert subject == f"Confirmed: Conversation on {paris}"
    assert f"When: {paris}" in body
    assert "Your place in Conversation with Léa is confirmed." in body
    assert "Where: online" in body


@pytest.mark.parametrize(
    ("locale", "clock"),
    [
        ("en-GB", ", 18:00 – 19:00 (Paris, UTC+1)"),
        ("en-US", ", 6:00 PM – 7:00 PM (Paris, UTC+1)"),
        ("en-US-u-hc-h23", ", 18:00 – 19:00 (Paris, UTC+1)"),  # chosen on the booking page
        ("fr-CA-u-hc-h12", ", 6:00 p.m. – 7:00 p.m. (Paris, UTC+1)"),
    ],
)
def test_the_email_reads_the_time_on_the_recipients_clock(locale: str, clock: str) -> None:
    """The attendee's stored locale (region, hour cycle) sets the clock; the language of the
    text stays the catalogue's (``en`` or ``fr``)."""
    subject, body = _email("confirmed", locale)
    when_ = when.span(START, END, "Europe/Paris", locale)
    assert when_.endswith(clock)
    assert subject.endswith(f" {when_}")
    assert f"{when_}" in body
    assert messages.language_of(locale) == locale[:2]


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
    assert "Reminder: {EVENT_NAME} on {EVENT_WHEN}" in used  # the reminder
    po = NOTIFICATIONS / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as source:
        catalog = read_po(source, locale="fr")
    translated = {
        m.id for m in catalog if m.id and m.string and not m.fuzzy and isinstance(m.id, str)
    }
    assert sorted(used - translated) == []
