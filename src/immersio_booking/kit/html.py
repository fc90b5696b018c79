"""Tenant-written HTML (a teacher's bio, a reminder's body): a small allowlist, nothing that
runs. Links keep http(s)/mailto targets (and relative ones, such as ``{MANAGE_URL}``
placeholders) and get ``rel="noopener"``."""

from __future__ import annotations

import nh3

LINK_ATTRIBUTES = {"a": {"href"}}


def clean(html: str, tags: set[str]) -> str:
    return nh3.clean(
        html,
        tags=tags,
        attributes=LINK_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener",
    ).strip()
