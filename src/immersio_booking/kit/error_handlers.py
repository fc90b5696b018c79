"""One handler per failure family, all rendering Cal.com's error envelope."""

from __future__ import annotations

import traceback
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg import InterfaceError, OperationalError
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from immersio_booking.kit import clock
from immersio_booking.kit.errors import DomainError, exception_name, reason_phrase
from immersio_booking.kit.outage import RETRY_AFTER_SECONDS, database_unavailable
from immersio_booking.kit.schemas import BRANCH
from immersio_booking.kit.unsupported import UnsupportedField
from immersio_booking.kit.validation import ERROR_TYPES


def _log() -> Any:
    """A logger bound now, not cached at import: error paths are rare, and they must follow
    the logging configuration in force (``create_app`` configures it, tests capture it)."""
    return structlog.get_logger(__name__)


def _path(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def error_body(
    request: Request,
    status: int,
    message: str,
    *,
    code: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body_details: dict[str, Any] = {
        "message": message,
        "error": reason_phrase(status),
        "statusCode": status,
    }
    if reason:
        body_details["reason"] = reason
    if details:
        body_details.update(details)
    now = clock.now()
    body: dict[str, Any] = {
        "status": "error",
        "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
        "path": _path(request),
        "error": {
            "code": code or exception_name(status),
            "message": message,
            "details": body_details,
        },
    }
    return body


def error_response(
    request: Request,
    status: int,
    message: str,
    *,
    code: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = error_body(request, status, message, code=code, reason=reason, details=details)
    return JSONResponse(body, status_code=status, headers=headers)


def _constraint(kind: object) -> str:
    """The constraint's name: our validators' own refusal types (for the dashboard's words)
    are answered as the ``value_error`` they always were."""
    return "value_error" if kind in ERROR_TYPES else str(kind or "invalid")


def _validation_errors(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    items: list[dict[str, Any]] = []
    messages: list[str] = []
    for error in exc.errors():
        location = [
            str(part)
            for part in error.get("loc", ())
            if part not in ("body", "query", "path") and not str(part).startswith(BRANCH)
        ]
        prop = ".".join(location) or str(error.get("loc", ["body"])[0])
        message = str(error.get("msg", "is invalid"))
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        value = error.get("input")
        if error.get("type") == "missing":
            value = None
        items.append(
            {
                "property": prop,
                "value": value if isinstance(value, str | int | float | bool | None) else None,
                "constraints": {_constraint(error.get("type")): f"{prop}: {message}"},
                "children": [],
            }
        )
        messages.append(f"{prop}: {message}")
    return "; ".join(messages) or "Bad Request Exception", items


def _parent(prop: str) -> str:
    return prop.rpartition(".")[0]


def _unsupported_keys(errors: list[dict[str, Any]]) -> list[str]:
    """Keys refused as unknown. A nested object that also misses a required field is likely a
    branch of a union that did not match (``seats``: a count *or* ``{disabled: true}``): its
    keys are not unknown to the API, they belong to the other branch, so they are left to the
    ordinary validation message. The body itself is never such a branch."""
    missing = {_parent(e["property"]) for e in errors if "missing" in e["constraints"]} - {""}
    return [
        e["property"]
        for e in errors
        if "extra_forbidden" in e["constraints"] and _parent(e["property"]) not in missing
    ]


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return error_response(
        request,
        exc.status_code,
        exc.message,
        reason=exc.reason,
        details=exc.details,
        headers=exc.headers,
    )


async def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    message, errors = _validation_errors(exc)
    unsupported = _unsupported_keys(errors)
    if unsupported:  # a key we do not accept is named first: it is never silently dropped
        refusal = UnsupportedField(unsupported, where="field")
        return error_response(
            request,
            400,
            refusal.message,
            reason=refusal.reason,
            details={**refusal.details, "errors": errors},
        )
    return error_response(
        request, 400, message, reason="validation_failed", details={"errors": errors}
    )


async def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    reasons = {
        404: "not_found",
        405: "method_not_allowed",
        401: "unauthorized",
        413: "request_too_large",
    }
    message = str(exc.detail) if exc.detail else reason_phrase(exc.status_code)
    if exc.status_code == 404 and message == "Not Found":
        message = f"Cannot {request.method} {request.url.path}"
    return error_response(
        request,
        exc.status_code,
        message,
        reason=reasons.get(exc.status_code, "http_error"),
        headers=getattr(exc, "headers", None),
    )


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IntegrityError)
    # A constraint caught a race the service's own checks could not see: a clean 409.
    constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
    _log().info("integrity_conflict", constraint=constraint)
    return error_response(
        request,
        409,
        "The request conflicts with existing data.",
        code="CONFLICT",
        reason="conflict",
        details={"constraint": constraint} if constraint else None,
    )


def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    """The database could not be reached: nothing was written (the transaction can only have
    rolled back), so the client may simply try again. One line in the log, no traceback."""
    orig = getattr(exc, "orig", None) or exc
    _log().warning(
        "database_unavailable",
        error=type(orig).__name__,
        sqlstate=getattr(orig, "sqlstate", None),
        path=request.url.path,
    )
    return error_response(
        request,
        503,
        "The database is unavailable for a moment; nothing was saved. Try again.",
        reason="database_unavailable",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


async def _connection_error(request: Request, exc: Exception) -> JSONResponse:
    """The driver's or the pool's own connection errors, raised outside SQLAlchemy's
    wrapping (a raw psycopg connection, a pool timeout)."""
    if database_unavailable(exc):
        return _unavailable(request, exc)
    return await _unhandled(request, exc)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    if database_unavailable(exc):
        return _unavailable(request, exc)
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in ("55P03", "40001", "40P01"):  # lock timeout, serialization, deadlock
        return error_response(
            request,
            409,
            "The resource is busy; try again.",
            reason="busy_try_again",
            headers={"Retry-After": "1"},
        )
    if sqlstate and sqlstate.startswith("22"):  # data exception: value out of range etc.
        return error_response(request, 400, "A value is out of range.", reason="invalid_value")
    # The server's message and DETAIL quote the values at fault (a key, an email, a token):
    # log what identifies the failure (kind, state, constraint, statement, where), not them.
    diag = getattr(exc.orig, "diag", None)
    _log().error(
        "database_error",
        error=type(exc.orig).__name__,
        sqlstate=sqlstate,
        constraint=getattr(diag, "constraint_name", None),
        table=getattr(diag, "table_name", None),
        statement=(exc.statement or "")[:500],
        where=traceback.format_tb(exc.__traceback__)[-3:],
    )
    return error_response(request, 500, "Internal server error", reason="internal_error")


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    if database_unavailable(exc):  # wrapped by a library (the job queue's connector)
        return _unavailable(request, exc)
    _log().exception("unhandled_error", error=repr(exc))
    return error_response(request, 500, "Internal server error", reason="internal_error")


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DBAPIError, _database_error)
    for connection_error in (PoolTimeout, OperationalError, InterfaceError):
        app.add_exception_handler(connection_error, _connection_error)
    app.add_exception_handler(Exception, _unhandled)
