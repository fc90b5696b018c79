"""The teacher's bio: a little HTML (paragraphs, emphasis, lists, links), nothing that runs."""

from __future__ import annotations

import nh3

BIO_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
BIO_ATTRIBUTES = {"a": {"href"}}


def clean_bio(html: str) -> str:
    return nh3.clean(
        html,
        tags=BIO_TAGS,
        attributes=BIO_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener",
    ).strip()
