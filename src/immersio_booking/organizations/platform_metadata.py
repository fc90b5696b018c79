"""``Team.metadata`` keys that belong to the platform, not to the school.

Plan billing and the platform flag live there (seed ERD: ``isPlatform``, ``orgSeats``,
``orgPricePerSeat``, ``billingPeriod``, ``subscriptionId``, ``subscriptionItemId``), and so
does the school's Stripe customer on the platform's account. A school writing them could
make itself a platform, change what it pays, or point checkout at another school's card.
Only a platform admin writes them; sending a key back unchanged (a read-modify-write client)
is not a write.
"""

from __future__ import annotations

import re
from typing import Any

from immersio_booking.auth.principal import Principal
from immersio_booking.kit.errors import Forbidden

PLATFORM_KEYS = frozenset(
    {
        "isPlatform",
        "orgSeats",
        "orgPricePerSeat",
        "billingPeriod",
        "subscriptionId",
        "subscriptionItemId",
    }
)
# Any spelling of a Stripe customer id key (stripeCustomerId, stripe_customer_id, customerId...).
_STRIPE_KEY = re.compile(r"stripe|customer")
_STRIPE_CUSTOMER_ID = re.compile(r"^cus_")


def is_platform_key(key: str) -> bool:
    folded = re.sub(r"[^a-z]", "", key.lower())
    return key in PLATFORM_KEYS or bool(_STRIPE_KEY.search(folded))


def _holds_customer_id(value: Any) -> bool:
    if isinstance(value, str):
        return bool(_STRIPE_CUSTOMER_ID.match(value.strip()))
    if isinstance(value, dict):
        return any(_holds_customer_id(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_customer_id(v) for v in value)
    return False


def refuse_platform_keys(
    principal: Principal, current: dict[str, Any] | None, wanted: dict[str, Any] | None
) -> None:
    """403 ``platform_metadata_key`` when a school would change a platform-owned key or store
    a Stripe customer id anywhere in its metadata."""
    if not wanted or principal.is_platform_admin:
        return
    current = current or {}
    written = sorted(
        key
        for key, value in wanted.items()
        if (is_platform_key(key) or _holds_customer_id(value)) and current.get(key) != value
    )
    if written:
        raise Forbidden(
            f"These metadata keys belong to the platform: {', '.join(written)}",
            reason="platform_metadata_key",
            details={"keys": written},
        )
