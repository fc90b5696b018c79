"""The teacher's bio: a little HTML (paragraphs, emphasis, lists, links), nothing that runs."""

from __future__ import annotations

from immersio_booking.kit import html

BIO_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}


def clean_bio(text: str) -> str:
    return html.clean(text, BIO_TAGS)
