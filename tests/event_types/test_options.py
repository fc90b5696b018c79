"""``EventType.options`` reads and writes ``EventType.extra`` without changing what is stored:
the same keys, the same spelling, nothing added for a default, unknown keys kept."""

from __future__ import annotations

from typing import Any

import pytest

from immersio_booking.models import EventType, EventTypeOptions

STORED: list[dict[str, Any]] = [
    {},
    {"booking_window_rolling": False},
    {
        "confirmation_policy": {
            "type": "time",
            "noticeThreshold": {"unit": "hours", "count": 3},
            "blockUnconfirmedBookingsInBooker": False,
        },
        "color": {"lightThemeHex": "#000000", "darkThemeHex": "#ffffff"},
        "custom_name": "{Event type title} with {Scheduler}",
        "hide_organizer_email": False,
        "lock_time_zone_toggle_on_booking_page": True,
        "no_slots_alerted_on": "2026-01-01",
        "a_key_of_an_older_version": [1, 2],
    },
    {
        "confirmation_policy": {"type": "always", "blockUnconfirmedBookingsInBooker": True},
        "requires_booker_email_verification": True,
        "booking_requires_authentication": False,
        "success_redirect_url": "https://school.example/thanks",
    },
]


@pytest.mark.parametrize("stored", STORED)
def test_reading_and_writing_back_stores_the_same_json(stored: dict[str, Any]) -> None:
    et = EventType(extra=dict(stored))
    et.options = et.options
    assert et.extra == stored


def test_a_change_written_back_touches_its_key_only() -> None:
    et = EventType(extra={"custom_name": "x", "booking_window_rolling": True})
    options = et.options
    options.booking_window_rolling = None  # None: no longer stored
    options.requires_booker_email_verification = False  # given: stored, even when false
    et.options = options
    assert et.extra == {"custom_name": "x", "requires_booker_email_verification": False}


def test_the_known_keys_are_typed() -> None:
    options = EventTypeOptions.model_validate(STORED[2])
    assert options.confirmation_policy is not None
    assert options.confirmation_policy.notice_threshold is not None
    assert options.confirmation_policy.notice_threshold.as_timedelta().total_seconds() == 3 * 3600
    assert options.color is not None and options.color.dark_theme_hex == "#ffffff"
    assert options.requires_booker_email_verification is None
