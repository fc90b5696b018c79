"""The OpenAPI document, with the errors we really send.

FastAPI documents only the success reply and a 422 ``HTTPValidationError`` that this service
never sends (a bad input is a 400 in Cal.com's envelope, ``kit/error_handlers.py``). SDK
generators read the document to build the error types of their clients, so every operation
here lists the error envelope (component ``ErrorEnvelope``) under each status it can answer.
Added once, centrally, so a new route is documented the moment it exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from starlette.routing import BaseRoute

from immersio_booking.kit.api_versions import HEADER, VersionedRoute
from immersio_booking.kit.errors import exception_name

ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"


class ErrorDetails(BaseModel):
    """What a client may branch on: ``reason`` (our stable machine-readable code) and, for a
    refused input, ``errors`` (one per field); other keys depend on the failure."""

    model_config = ConfigDict(extra="allow", title="ErrorDetails")

    message: str
    error: str = Field(description="The HTTP reason phrase")
    status_code: int = Field(alias="statusCode")
    reason: str | None = Field(default=None, description="Stable machine-readable reason")
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="Per-field problems of a refused input"
    )
    fields: list[str] | None = Field(
        default=None,
        description="The names of the refused inputs (unsupported_field, and some invalid ones)",
    )


class ErrorBody(BaseModel):
    model_config = ConfigDict(title="ErrorBody")

    code: str = Field(description="Cal.com's exception name, e.g. BadRequestException")
    message: str
    details: ErrorDetails


class ErrorEnvelope(BaseModel):
    """Every failure of the API, Cal.com's error envelope."""

    model_config = ConfigDict(title="ErrorEnvelope")

    status: Literal["error"]
    timestamp: str
    path: str
    error: ErrorBody


# What each status means here; the generic set is what any API route can answer.
MEANINGS: dict[int, str] = {
    400: "The input is invalid or not supported (details.reason, details.errors)",
    401: "No API key, or an invalid, expired or revoked one",
    403: "The caller's role or plan does not allow this",
    404: "Not found, or not visible to the caller (another tenant's data is never revealed)",
    409: "Conflicts with the current state, or busy (try again after Retry-After)",
    413: "The request body is too large",
    422: "Understood but cannot be processed (e.g. an Idempotency-Key reused with another body)",
    429: "Too many requests (try again after Retry-After)",
    502: "An outside service (payments, calendars, video, Immersio) failed",
    503: "A dependency is unavailable for now",
}
API_STATUSES = (400, 401, 403, 404, 409, 422, 429, 502, 503)
OPERATIONS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def _statuses(path: str, operation: dict[str, Any]) -> tuple[int, ...]:
    if path.startswith(("/v2/", "/webhooks/")):
        with_body = (413,) if "requestBody" in operation else ()
        return tuple(sorted(API_STATUSES + with_body))
    if path == "/readyz":
        return (503,)
    return ()


def _error_response(status: int) -> dict[str, Any]:
    return {
        "description": f"{exception_name(status)}: {MEANINGS[status]}",
        "content": {"application/json": {"schema": {"$ref": ENVELOPE_REF}}},
    }


def add_error_responses(spec: dict[str, Any]) -> dict[str, Any]:
    """Replace FastAPI's 422 ``HTTPValidationError`` with the envelope under every status each
    operation can answer."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    envelope = ErrorEnvelope.model_json_schema(
        by_alias=True, ref_template="#/components/schemas/{model}"
    )
    schemas.update(envelope.pop("$defs", {}))
    schemas["ErrorEnvelope"] = envelope
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if method not in OPERATIONS:
                continue
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            for status in _statuses(path, operation):
                responses[str(status)] = _error_response(status)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return spec


def add_version_headers(spec: dict[str, Any], routes: Sequence[BaseRoute]) -> dict[str, Any]:
    """A documented operation of a path that answers several ``cal-api-version`` values
    (``kit/api_versions.py``) requires the header with one of its own: without it, the path
    answers Cal.com's legacy shape, which this document does not describe."""
    for context in iter_route_contexts(routes):  # the routes as included, with their prefixes
        route = context.original_route
        if not (isinstance(route, VersionedRoute) and route.include_in_schema):
            continue
        for method in route.methods or ():
            operation = spec.get("paths", {}).get(context.path_format, {}).get(method.lower())
            if operation is None:
                continue
            operation.setdefault("parameters", []).append(
                {
                    "name": HEADER,
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string", "enum": list(route.versions)},
                    "description": "The version this operation answers (docs/api-versions.md)",
                }
            )
    return spec


def install(app: FastAPI) -> None:
    """``app.openapi()`` returns the document with the error responses (built once)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = add_error_responses(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    openapi_version=app.openapi_version,
                    description=app.description,
                    routes=app.routes,
                    tags=app.openapi_tags,
                    servers=app.servers,
                    separate_input_output_schemas=app.separate_input_output_schemas,
                )
            )
            app.openapi_schema = add_version_headers(spec, app.routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
