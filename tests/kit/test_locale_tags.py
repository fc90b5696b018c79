"""Locale tags as bookings keep them: language, region, hour cycle."""

from __future__ import annotations

import pytest

from immersio_booking.kit.locale_tags import LocaleTag, parse, with_hour_cycle


@pytest.mark.parametrize(
    ("tag", "parsed"),
    [
        ("en", LocaleTag("en", None, None)),
        ("en-gb", LocaleTag("en", "GB", None)),
        ("es-419", LocaleTag("es", "419", None)),
        ("en-US-u-hc-h23", LocaleTag("en", "US", "h23")),
        ("fr-u-hc-h12", LocaleTag("fr", None, "h12")),
        ("en_US", LocaleTag("en", "US", None)),
        ("en-GB-oxendict", None),
        ("en-u-ca-buddhist", None),
        ("en-US-u-hc-h25", None),
        ("english", None),
        ("", None),
        (None, None),
    ],
)
def test_tags_read_as_language_region_and_hour_cycle(
    tag: str | None, parsed: LocaleTag | None
) -> None:
    assert parse(tag) == parsed


def test_a_chosen_clock_replaces_the_tags_own() -> None:
    gb = LocaleTag("en", "GB", None)
    assert str(with_hour_cycle(gb, True)) == "en-GB-u-hc-h12"
    assert str(with_hour_cycle(LocaleTag("fr", None, "h12"), False)) == "fr-u-hc-h23"
    assert with_hour_cycle(gb, None) == gb
