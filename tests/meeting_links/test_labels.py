"""What a person reads for a location: a video app's name in English or French, never its key."""

from __future__ import annotations

import pytest

from immersio_booking.bookings.meeting_links import MeetingLink, label_of, place_name, where

LINK = MeetingLink("https://zoom.example.com/j/123", "zoom_video", "123", "9")


@pytest.mark.parametrize(
    ("location", "language", "label"),
    [
        ("integrations:cal-video", "en", "Online video call (Jitsi Meet)"),
        ("integrations:jitsi", "fr", "Appel vidéo en ligne (Jitsi Meet)"),
        ("integrations:zoom", "fr", "Zoom"),
        ("integrations:google-meet", "en", "Google Meet"),
        ("integrations:office365-video", "en", "Microsoft Teams"),
        ("integrations:riverside-video", "fr", "Appel vidéo en ligne (Riverside)"),
        ("integrations:", "en", None),
        ("12 rue de la Paix, Paris", "fr", "12 rue de la Paix, Paris"),
        (None, "en", None),
    ],
)
def test_labels(location: str | None, language: str, label: str | None) -> None:
    assert label_of(location, language) == label


def test_with_a_link_people_go_to_the_link_named_after_its_app() -> None:
    assert where("integrations:cal-video", LINK, "en") == LINK.url
    assert place_name("integrations:cal-video", LINK, "fr") == "Zoom"
    # A place of the school's own words stays as written; the link goes beside it.
    assert place_name("Salle 4", LINK, "en") == "Salle 4"
    assert where("integrations:zoom", None, "en") == "Zoom"
