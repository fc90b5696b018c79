"""The Stripe SDK client and the error a Stripe refusal becomes.

Shared by the schools' payments (``payments.stripe_provider``) and the platform's plan billing
(``subscriptions.billing``), so plan billing does not depend on the payments package.
"""

from __future__ import annotations

import stripe

from immersio_booking.kit.errors import DomainError


class PaymentProviderError(DomainError):
    status_code = 502
    reason = "payment_provider_error"


def stripe_client(secret_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        secret_key,
        base_addresses={"api": api_base},
        http_client=stripe.HTTPXClient(allow_sync_methods=True),
        max_network_retries=2,
    )
