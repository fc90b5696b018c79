"""The payment provider interface: bookings talk to "a provider"; Stripe is one of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Charge:
    """What the provider says about one payment."""

    external_id: str
    status: str  # the provider's own status, e.g. Stripe's "succeeded"
    amount: int
    currency: str
    client_secret: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"


@dataclass(frozen=True)
class Refund:
    external_id: str
    status: str
    amount: int


class PaymentProvider(Protocol):
    app_slug: str

    async def start(
        self, *, payment_uid: str, amount: int, currency: str, metadata: dict[str, str]
    ) -> Charge: ...

    async def fetch(self, external_id: str) -> Charge: ...

    async def cancel(self, external_id: str) -> Charge: ...

    async def refund(self, external_id: str, amount: int, idempotency_key: str) -> Refund: ...
