"""A form's page language carried through its redirect: the page's ``?lang`` choice (a hidden
``lang`` field) is kept on the page the browser lands on after the POST."""

from __future__ import annotations

from typing import Any

from immersio_booking.kit.i18n import LANGUAGES


def keep_language(url: str, form: Any) -> str:
    """``url`` with the form's ``lang`` (one of ours) added, before any ``#fragment``."""
    chosen = form_language(form)
    if chosen is None:
        return url
    path, hashmark, fragment = url.partition("#")
    joined = f"{path}{'&' if '?' in path else '?'}lang={chosen}"
    return joined + hashmark + fragment


def form_language(form: Any) -> str | None:
    """The page language a form was sent from (its hidden ``lang``), when it is one of ours."""
    chosen = form.get("lang")
    return chosen if isinstance(chosen, str) and chosen in LANGUAGES else None
