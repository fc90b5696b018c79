"""Every state-changing dashboard request carries the page's CSRF token: the ``csrf`` field of
a form, or the ``X-CSRF-Token`` header of an htmx request (set once on ``<body hx-headers>``)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from pydantic import ValidationError
from pydantic.alias_generators import to_snake
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


def field_problems(error: ValidationError) -> dict[str, str]:
    """The fields a model refused (snake_case names, whether the loc is the field's name or
    its camelCase alias), each marked ``invalid``: the page words the message per field."""
    return {to_snake(str(p["loc"][0])): "invalid" for p in error.errors() if p["loc"]}
