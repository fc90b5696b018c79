"""Filling a school's template: escaped HTML, one-line subjects, unknown placeholders kept."""

from __future__ import annotations

from immersio_booking.workflows.templates import (
    date_in,
    fill_html,
    fill_line,
    fill_text,
    text_of,
    time_in,
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


def test_dates_in_the_recipients_zone_and_language() -> None:
    monday = dates.first_monday(2)  # Paris at UTC+1, New York at UTC-5
    moment = dates.instant(monday, "23:30")
    tuesday = monday + DAY
    assert date_in(moment, "Europe/Paris", "fr") == f"mardi {tuesday.day} février {tuesday.year}"
    assert (
        date_in(moment, "America/New_York", "en") == f"Monday {monday.day} February {monday.year}"
    )
    assert time_in(moment, "Asia/Tokyo") == "08:30"


def test_text_of_html_keeps_paragraphs_apart() -> None:
    assert text_of("<p>One</p><p>Two<br>Three</p>") == "One\n\nTwo\nThree"
