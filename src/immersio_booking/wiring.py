"""Connects the packages that react to booking changes to ``bookings.events`` (payments to
``bookings.checkout``, calendars to ``bookings.busy_check``), once per process: the API
(``app.create_app``), the worker and the CLI call ``wire`` before they serve.

The order is the order listeners run in: payments first (a refund job is queued before the
email that announces it), then emails, webhooks and workflows.
"""

from __future__ import annotations

from immersio_booking.bookings import events
from immersio_booking.calendars import listeners as calendars
from immersio_booking.notifications import listeners as notifications
from immersio_booking.payments import listeners as payments
from immersio_booking.webhooks import listeners as webhooks
from immersio_booking.workflows import listeners as workflows


def wire() -> None:
    if events.is_wired():
        return
    payments.subscribe()  # the checkout port, then its listeners
    calendars.subscribe()  # calendar kinds and the live busy check port
    notifications.listeners.subscribe()
    webhooks.listeners.subscribe()
    workflows.listeners.subscribe()
    events.mark_wired()
