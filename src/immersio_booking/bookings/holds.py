"""Caps on open unpaid holds: how many seats one booker may keep waiting for payment.

A hold blocks its seat for ``payment_hold_minutes`` without any money changing hands, so one
visitor could hold a whole workshop. Per school, a booker (by email, and by client address)
may have only so many unpaid holds open at once; staff are not capped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.bookings import repository
from immersio_booking.config import Settings
from immersio_booking.kit.errors import Conflict
from immersio_booking.kit.locks import lock_key


class TooManyOpenHolds(Conflict):
    reason = "too_many_open_holds"


@dataclass(frozen=True)
class HoldCaps:
    address_hash: str | None  # the booker's client address (keyed hash), stored on the booking
    per_email: int | None = None  # None: no cap (staff, or abuse controls turned off)
    per_address: int | None = None


def caps_for(settings: Settings, principal: Principal | None, address_hash: str) -> HoldCaps:
    """Anonymous bookers are capped (unless abuse controls are off); a valid API key is not."""
    capped = settings.rate_limits_enabled and principal is None
    return HoldCaps(
        address_hash,
        settings.max_open_holds_per_email if capped else None,
        settings.max_open_holds_per_address if capped else None,
    )


def lock_keys(caps: HoldCaps | None, organization_id: int, email: str) -> list[int]:
    """Advisory locks that make two concurrent holds of one booker count each other."""
    if caps is None:
        return []
    keys = []
    if caps.per_email is not None:
        keys.append(lock_key("holds-email", organization_id, email))
    if caps.per_address is not None and caps.address_hash:
        keys.append(lock_key("holds-address", organization_id, caps.address_hash))
    return keys


async def check(
    session: AsyncSession,
    caps: HoldCaps | None,
    organization_id: int,
    email: str,
    adding: int,
    now: datetime,
) -> None:
    """Refuse ``adding`` more unpaid holds when the booker would go over a cap (under locks)."""
    if caps is None:
        return
    if caps.per_email is not None:
        held = await repository.open_holds_of_email(session, organization_id, email, now)
        if held + adding > caps.per_email:
            raise _refusal("email", caps.per_email, held)
    if caps.per_address is not None and caps.address_hash:
        held = await repository.open_holds_of_address(
            session, organization_id, caps.address_hash, now
        )
        if held + adding > caps.per_address:
            raise _refusal("address", caps.per_address, held)


def _refusal(by: str, cap: int, held: int) -> TooManyOpenHolds:
    who = "this email" if by == "email" else "your network address"
    return TooManyOpenHolds(
        f"{who.capitalize()} already holds {held} unpaid seat(s) at this school (at most {cap})."
        " Pay for or cancel one, or wait until a hold expires, then book again.",
        details={"limit": f"open_holds_per_{by}", "max": cap, "held": held},
    )
