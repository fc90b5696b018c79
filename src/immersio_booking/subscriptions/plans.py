"""The plan catalogue: limits and feature flags per plan type (data, not code paths).

``None`` as a limit means unlimited. A tenant without a subscription row gets ``lite``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Plan:
    plan_type: str
    max_teachers: int | None
    max_bookings_per_month: int | None
    max_event_types: int | None
    monthly_price: int  # minor units, USD
    annual_price: int
    platform_fee_bps: int  # fee on student payments, in basis points
    features: dict[str, Any] = field(default_factory=dict)


_BASE = {
    "custom_branding": False,
    "landing_templates": ["education", "tutor_personal"],
    "immersio_sync": False,
    "webhooks": False,
    "workflows": False,
    "remove_branding": False,
    "priority_support": False,
}

PLANS: dict[str, Plan] = {
    "lite": Plan("lite", 1, 50, 3, 0, 0, 500, dict(_BASE)),
    "starter": Plan(
        "starter",
        3,
        300,
        10,
        1900,
        19000,
        300,
        {**_BASE, "custom_branding": True, "webhooks": True},
    ),
    "growth": Plan(
        "growth",
        10,
        2000,
        50,
        4900,
        49000,
        200,
        {
            **_BASE,
            "custom_branding": True,
            "webhooks": True,
            "workflows": True,
            "immersio_sync": True,
            "landing_templates": [
                "education",
                "tutor_personal",
                "center_small",
                "kids_1",
                "kids_2",
            ],
        },
    ),
    "pro": Plan(
        "pro",
        50,
        20000,
        500,
        14900,
        149000,
        100,
        {
            **_BASE,
            "custom_branding": True,
            "webhooks": True,
            "workflows": True,
            "immersio_sync": True,
            "remove_branding": True,
            "landing_templates": [
                "education",
                "tutor_personal",
                "center_small",
                "kids_1",
                "kids_2",
            ],
        },
    ),
    "enterprise": Plan(
        "enterprise",
        None,
        None,
        None,
        0,
        0,
        0,
        {
            **_BASE,
            "custom_branding": True,
            "webhooks": True,
            "workflows": True,
            "immersio_sync": True,
            "remove_branding": True,
            "priority_support": True,
            "landing_templates": [
                "education",
                "tutor_personal",
                "center_small",
                "kids_1",
                "kids_2",
            ],
        },
    ),
}

DEFAULT_PLAN = "lite"
