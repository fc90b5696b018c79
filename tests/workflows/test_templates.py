"""Filling a school's template: escaped HTML, one-line subjects, unknown placeholders kept."""

from __future__ import annotations

from datetime import timedelta

from immersio_booking.kit import when
from immersio_booking.models import Booking
from immersio_booking.workflows.templates import (
    Occasion,
    Recipient,
    fill_html,
    fill_line,
    fill_text,
    text_of,
    variables,
)
from tests import dates
from tests.dates import DAY


def test_values_are_escaped_in_html_only() -> None:
    values = {"ATTENDEE_NAME": 'Bo <b onclick="x">&'}
    assert fill_html("<p>{ATTENDEE_NAME}</p>", values) == (
        "<p>Bo &lt;b onclick=&#34;x&#34;&gt;&amp;</p>"
    )
    assert fill_text("Hi {ATTENDEE_NAME}", values) == 'Hi Bo <b onclick="x">&'
    assert text_of(fill_html("<p>Hi {ATTENDEE_NAME}</p>", values)) == 'Hi Bo <b onclick="x">&'


def test_template_syntax_is_not_code_and_unknown_placeholders_stay() -> None:
    values = {"EVENT_NAME": "IELTS"}
    template = "{{ 7*7 }} {% if x %}{EVENT_NAME}{% endif %} {UNKNOWN} {lower}"
    assert fill_text(template, values) == "{{ 7*7 }} {% if x %}IELTS{% endif %} {UNKNOWN} {lower}"


def test_subject_stays_on_one_line() -> None:
    subject = fill_line("Hello {ATTENDEE_NAME}", {"ATTENDEE_NAME": "Eve\r\nBcc: all@example.com"})
    assert subject == "Hello Eve Bcc: all@example.com"


def _dates(zone: str, language: str, locale: str | None = None) -> dict[str, str]:
    monday = dates.first_monday(2)  # Paris at UTC+1, New York at UTC-5
    start = dates.instant(monday, "23:30")
    booking = Booking(uid="b1", start_time=start, end_time=start + timedelta(hours=1))
    occasion = Occasion(booking, "IELTS", "Léa", "lea@example.com", "Bo", "bo@example.com", None)
    return variables(occasion, Recipient("Bo", None, None, zone, language, True, locale))


def test_dates_in_the_recipients_zone_language_and_clock() -> None:
    monday = dates.first_monday(2)
    tuesday = monday + DAY
    start = dates.instant(monday, "23:30")
    paris = _dates("Europe/Paris", "fr")
    assert paris["EVENT_DATE"] == f"mardi {tuesday.day} février {tuesday.year}"
    assert (paris["EVENT_TIME"], paris["EVENT_END_TIME"]) == ("00:30", "01:30")
    assert paris["TIMEZONE"] == "Paris, UTC+1"  # never the raw IANA id
    # The placeholder every default text uses: the same string as the booking emails'.
    assert paris["EVENT_WHEN"] == when.span(start, start + DAY / 24, "Europe/Paris", "fr")
    new_york = _dates("America/New_York", "en")
    assert new_york["EVENT_DATE"] == f"Monday, February {monday.day}, {monday.year}"
    assert new_york["EVENT_TIME"] == "6:30 PM"  # an American reads a 12-hour clock
    assert _dates("Asia/Tokyo", "en", "en-GB")["EVENT_TIME"] == "08:30"
    # The clock the student chose on the booking page (kept in their locale) wins.
    chosen = _dates("America/New_York", "en", "en-US-u-hc-h23")
    assert (chosen["EVENT_TIME"], chosen["EVENT_END_TIME"]) == ("18:30", "19:30")
    assert chosen["EVENT_DATE"] == new_york["EVENT_DATE"]


def test_text_of_html_keeps_paragraphs_apart() -> None:
    assert text_of("<p>One</p><p>Two<br>Three</p>") == "One\n\nTwo\nThree"


def test_text_of_html_keeps_every_link() -> None:
    html = '<p>Need to move it? <a href="https://x.example/m?t=1&amp;a=2">Manage</a></p>'
    assert text_of(html) == "Need to move it? Manage <https://x.example/m?t=1&a=2>"
    assert text_of('<a href="https://x.example/j">https://x.example/j</a>') == "https://x.example/j"
    assert text_of('<a href="javascript:alert(1)">Hi</a>') == "Hi"
