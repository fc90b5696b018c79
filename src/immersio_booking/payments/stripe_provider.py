"""Stripe as a payment provider: PaymentIntents through the official SDK."""

from __future__ import annotations

import stripe

from immersio_booking.kit.stripe_api import PaymentProviderError, stripe_client
from immersio_booking.payments.provider import Charge, Refund


def _charge(intent: stripe.PaymentIntent) -> Charge:
    return Charge(
        external_id=intent.id,
        status=intent.status,
        amount=intent.amount,
        currency=intent.currency,
        client_secret=intent.client_secret,
    )


class StripeProvider:
    app_slug = "stripe"

    def __init__(self, secret_key: str, api_base: str) -> None:
        self._client = stripe_client(secret_key, api_base)

    async def start(
        self, *, payment_uid: str, amount: int, currency: str, metadata: dict[str, str]
    ) -> Charge:
        try:
            intent = await self._client.v1.payment_intents.create_async(
                {"amount": amount, "currency": currency, "metadata": metadata},
                # The same payment never makes two intents, however often it is retried.
                {"idempotency_key": f"payment-{payment_uid}"},
            )
        except stripe.StripeError as exc:
            raise PaymentProviderError(
                f"Stripe refused to start the payment: {exc.user_message or exc}"
            ) from exc
        return _charge(intent)

    async def fetch(self, external_id: str) -> Charge:
        try:
            return _charge(await self._client.v1.payment_intents.retrieve_async(external_id))
        except stripe.StripeError as exc:  # unknown to this account, network, Stripe down...
            raise PaymentProviderError(f"Stripe did not answer about {external_id}: {exc}") from exc

    async def cancel(self, external_id: str) -> Charge:
        try:
            return _charge(await self._client.v1.payment_intents.cancel_async(external_id))
        except stripe.StripeError as exc:  # e.g. already paid: the caller settles from fetch()
            raise PaymentProviderError(f"Stripe did not cancel the payment: {exc}") from exc

    async def refund(self, external_id: str, amount: int, idempotency_key: str) -> Refund:
        refund = await self._client.v1.refunds.create_async(
            {"payment_intent": external_id, "amount": amount},
            {"idempotency_key": idempotency_key},
        )
        return Refund(
            external_id=refund.id, status=refund.status or "pending", amount=refund.amount
        )


async def key_works(secret_key: str, api_base: str) -> bool:
    """Does Stripe accept this secret key? (An authentication error means no.)"""
    try:
        await stripe_client(secret_key, api_base).v1.balance.retrieve_async()
    except stripe.AuthenticationError:
        return False
    except stripe.StripeError:
        return True  # reachable and authenticated, but the call itself is not supported
    return True
