"""Every state-changing dashboard request carries the page's CSRF token: the ``csrf`` field of
a form, or the ``X-CSRF-Token`` header of an htmx request (set once on ``<body hx-headers>``)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.datastructures import FormData

from immersio_booking.kit.dependencies import app_settings
from immersio_booking.web import security

HEADER = "X-CSRF-Token"


async def checked_form(request: Request) -> FormData:
    """The submitted form, once its CSRF token matched the visitor's cookie (else 403)."""
    form = await request.form()
    submitted: Any = request.headers.get(HEADER) or form.get("csrf")
    security.check_csrf(
        request,
        app_settings(request).resolved_secret_key(),
        submitted if isinstance(submitted, str) else None,
    )
    return form
