"""Domain errors: one base type with a status and a stable reason, one JSON shape.

The wire shape is Cal.com's error envelope; ``error.code`` is the NestJS exception class name
that Cal.com clients branch on, and our stable machine-readable reason is in
``error.details.reason``.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

NEST_EXCEPTION_NAMES: dict[int, str] = {
    400: "BadRequestException",
    401: "UnauthorizedException",
    402: "PaymentRequiredException",
    403: "ForbiddenException",
    404: "NotFoundException",
    405: "MethodNotAllowedException",
    409: "ConflictException",
    413: "PayloadTooLargeException",
    415: "UnsupportedMediaTypeException",
    422: "UnprocessableEntityException",
    429: "ThrottlerException",
    500: "InternalServerErrorException",
    502: "BadGatewayException",
    503: "ServiceUnavailableException",
}


def exception_name(status: int) -> str:
    return NEST_EXCEPTION_NAMES.get(status, "HttpException")


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class DomainError(Exception):
    """Base of every expected failure. Subclasses fix ``status_code`` and ``reason``."""

    status_code: int = 400
    reason: str = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        status_code: int | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason
        if status_code is not None:
            self.status_code = status_code
        self.details = details or {}
        self.headers = headers or {}


class BadRequest(DomainError):
    status_code = 400
    reason = "bad_request"


class Unauthorized(DomainError):
    status_code = 401
    reason = "unauthorized"


class PaymentRequired(DomainError):
    status_code = 402
    reason = "payment_required"


class Forbidden(DomainError):
    status_code = 403
    reason = "forbidden"


class NotFound(DomainError):
    status_code = 404
    reason = "not_found"


class Conflict(DomainError):
    status_code = 409
    reason = "conflict"


class Unprocessable(DomainError):
    status_code = 422
    reason = "unprocessable"


class PlanLimitReached(Forbidden):
    reason = "plan_limit_reached"


class RoleRequired(Forbidden):
    reason = "role_required"


class RateLimited(DomainError):
    """Too many requests; ``Retry-After`` (header and details) says when to try again."""

    status_code = 429
    reason = "rate_limited"
