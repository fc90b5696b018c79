"""Which limits each public surface is under, and the 429 that says so.

Keys hold keyed hashes of addresses and emails, never the values. Staff (any valid API key)
are not limited; ``IMMERSIO_RATE_LIMITS_ENABLED=false`` turns every limit off.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncEngine

from immersio_booking.auth.principal import Principal
from immersio_booking.config import parse_rate, proxy_networks
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import RateLimited
from immersio_booking.ratelimits.addresses import Network, client_address, keyed_hash
from immersio_booking.ratelimits.limiter import Limit, Verdict, hit


@lru_cache(maxsize=8)
def _proxies(setting: str) -> tuple[Network, ...]:
    return proxy_networks(setting)


def address_of(request: Request) -> str:
    return client_address(request, _proxies(app_settings(request).trusted_proxies))


def address_hash(request: Request) -> str:
    """The client's address as stored on a booking (keyed hash)."""
    settings = app_settings(request)
    return keyed_hash(settings.resolved_secret_key(), "address", address_of(request))


@dataclass(frozen=True)
class Subject:
    """One thing a request is counted against: ``("address", None)`` is the client itself."""

    setting: str  # the Settings field holding the rate, e.g. "rate_limit_bookings_per_email"
    kind: str  # address | email | event-type
    value: str | None = None


async def enforce(request: Request, principal: Principal | None, *subjects: Subject) -> None:
    """Count this request against each subject's limit; 429 when any is exceeded."""
    if principal is not None:
        return
    await _count(request, *subjects)


async def enforce_on_staff(request: Request, *subjects: Subject) -> None:
    """The few limits staff are under too (messages to students): 429 when exceeded."""
    await _count(request, *subjects)


async def allows(request: Request, *subjects: Subject) -> bool:
    """Count this request against each subject's limit and say whether all still allow it,
    without refusing it (the caller answers as usual and does less)."""
    return not await _refused(request, *subjects)


async def _refused(request: Request, *subjects: Subject) -> list[Verdict]:
    settings = app_settings(request)
    if not settings.rate_limits_enabled:
        return []
    secret = settings.resolved_secret_key()
    limits = []
    for subject in subjects:
        value = subject.value if subject.kind != "address" else address_of(request)
        if value is None:
            continue
        count, seconds = parse_rate(getattr(settings, subject.setting))
        name = subject.setting.removeprefix("rate_limit_")
        digest = keyed_hash(secret, subject.kind, value.lower())
        limits.append(Limit(name, f"{name}:{digest}", count, seconds))
    engine: AsyncEngine = request.app.state.engine
    return [v for v in await hit(engine, limits, clock.now()) if not v.allowed]


async def _count(request: Request, *subjects: Subject) -> None:
    refused = await _refused(request, *subjects)
    if not refused:
        return
    worst = max(refused, key=lambda v: v.retry_after)
    raise RateLimited(
        f"Too many requests ({worst.limit.count} per {worst.limit.seconds} seconds for"
        f" {worst.limit.name.replace('_', ' ')}); try again in {worst.retry_after} seconds.",
        details={
            "limit": worst.limit.name,
            "max": worst.limit.count,
            "windowSeconds": worst.limit.seconds,
            "retryAfter": worst.retry_after,
        },
        headers={"Retry-After": str(worst.retry_after)},
    )


def booking(email: str, event_type: str) -> tuple[Subject, ...]:
    return (
        Subject("rate_limit_bookings_per_address", "address"),
        Subject("rate_limit_bookings_per_email", "email", email),
        Subject("rate_limit_bookings_per_event_type", "event-type", event_type),
    )


def reservation(event_type_id: int) -> tuple[Subject, ...]:
    return (
        Subject("rate_limit_reservations_per_address", "address"),
        Subject("rate_limit_reservations_per_event_type", "event-type", str(event_type_id)),
    )


SLOT_READS = (Subject("rate_limit_slot_reads_per_address", "address"),)
BOOKING_PAGES = (Subject("rate_limit_booking_pages_per_address", "address"),)


def verification_email(email: str) -> tuple[Subject, ...]:
    return (
        Subject("rate_limit_verification_emails_per_address", "address"),
        Subject("rate_limit_verification_emails_per_email", "email", email),
    )


def staff_messages(user_id: int) -> tuple[Subject, ...]:
    return (Subject("rate_limit_staff_messages_per_user", "user", str(user_id)),)


# Sign-in and reset links emailed to staff: the client floods → 429; one address asked for
# too often → the form answers as usual and sends nothing (``allows``).
STAFF_LINKS_PER_ADDRESS = (Subject("rate_limit_staff_links_per_address", "address"),)


def staff_links_to(email: str) -> tuple[Subject, ...]:
    return (Subject("rate_limit_staff_links_per_email", "email", email),)
