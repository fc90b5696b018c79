"""One way a session's time reads: weekday, date, start – end, the zone by city and offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from immersio_booking.kit.when import (
    pickable_zones,
    resolve_zone,
    span,
    uses_12_hour_clock,
    zone_name,
)

START = datetime(2030, 1, 8, 17, 0, tzinfo=UTC)  # a winter Tuesday: Paris is UTC+1
END = START + timedelta(hours=1)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en-US", "Tuesday, January 8, 2030, 6:00 PM – 7:00 PM (Paris, UTC+1)"),
        ("en-GB", "Tuesday, 8 January 2030, 18:00 – 19:00 (Paris, UTC+1)"),
        ("fr", "mardi 8 janvier 2030, 18:00 – 19:00 (Paris, UTC+1)"),
        ("fr-CA", "mardi 8 janvier 2030, 18:00 – 19:00 (Paris, UTC+1)"),
    ],
)
def test_a_session_reads_with_weekday_span_and_zone(tag: str, expected: str) -> None:
    assert span(START, END, "Europe/Paris", tag) == expected


def test_the_clock_follows_the_locale_unless_asked() -> None:
    assert uses_12_hour_clock("en-US") and not uses_12_hour_clock("en-GB")
    assert not uses_12_hour_clock("fr")
    assert "18:00 – 19:00" in span(START, END, "Europe/Paris", "en-US", hour12=False)
    assert "6:00 PM – 7:00 PM" in span(START, END, "Europe/Paris", "fr", hour12=True).upper()


def test_zones_read_by_city_and_offset_never_by_iana_id() -> None:
    assert zone_name("America/New_York", START, "en") == "New York (UTC−5)"
    assert zone_name("Asia/Kathmandu", START, "en") == "Kathmandu (UTC+5:45)"
    assert zone_name("UTC", START, "fr") == "UTC"
    summer = datetime(2030, 7, 8, 17, 0, tzinfo=UTC)
    assert zone_name("Europe/Paris", summer, "fr") == "Paris (UTC+2)"


def test_a_session_past_midnight_names_the_end_day() -> None:
    late = datetime(2030, 1, 8, 22, 30, tzinfo=UTC)
    text = span(late, late + timedelta(hours=2), "Europe/Paris", "en-GB")
    assert text.startswith("Tuesday, 8 January 2030, 23:30 – 9 Jan 2030 01:30")


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Paris", "Europe/Paris"),
        (" new  york ", "America/New_York"),
        ("europe/PARIS", "Europe/Paris"),
        ("São Paulo", "America/Sao_Paulo"),
        ("utc", "UTC"),
        ("Pariss", None),
        ("", None),
        ("Etc/GMT+5", "Etc/GMT+5"),  # an IANA id, however odd, is what it says
        ("Londres", "Europe/London"),  # as a French reader knows it
        ("New York (UTC−5)", "America/New_York"),  # what the picker shows
        ("Paris, UTC+1", "Europe/Paris"),
        ("Kolkata", "Asia/Kolkata"),
    ],
)
def test_typed_zones_resolve_or_are_refused(typed: str, zone: str | None) -> None:
    assert resolve_zone(typed) == zone


def test_the_picker_lists_each_zone_once_without_aliases() -> None:
    zones = pickable_zones()
    assert "Asia/Kolkata" in zones and "Asia/Calcutta" not in zones
    assert "America/Argentina/Buenos_Aires" in zones and "America/Buenos_Aires" not in zones
    assert not [z for z in zones if z.startswith(("Etc/", "US/"))]
    assert len(zones) == len(set(zones))


@pytest.mark.parametrize(
    ("tag", "twelve", "clock"),
    [
        ("en-US-u-hc-h23", False, "Tuesday, January 8, 2030, 18:00 – 19:00"),
        ("en-GB-u-hc-h12", True, "Tuesday, 8 January 2030, 6:00 pm – 7:00 pm"),
        ("en-GB-u-hc-h11", True, "Tuesday, 8 January 2030, 6:00 pm – 7:00 pm"),
        ("fr-u-hc-h12", True, "mardi 8 janvier 2030, 6:00 PM – 7:00 PM"),
        ("en-u-hc-h24", False, "Tuesday, January 8, 2030, 18:00 – 19:00"),
    ],
)
def test_the_hour_cycle_of_a_tag_chooses_the_clock(tag: str, twelve: bool, clock: str) -> None:
    """A visitor who chose the 24-hour clock on an American page reads 24-hour times by email."""
    assert uses_12_hour_clock(tag) is twelve
    assert span(START, END, "Europe/Paris", tag) == f"{clock} (Paris, UTC+1)"
