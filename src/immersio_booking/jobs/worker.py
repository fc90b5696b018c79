"""Running the job worker until SIGTERM/SIGINT, finishing the jobs in hand first."""

from __future__ import annotations

import immersio_booking.jobs.maintenance  # noqa: F401  (registers the tasks)
import immersio_booking.notifications.tasks  # noqa: F401
import immersio_booking.payments.tasks  # noqa: F401
import immersio_booking.webhooks.meetings  # noqa: F401
import immersio_booking.webhooks.tasks  # noqa: F401
from immersio_booking.jobs.app import bound_to

GRACEFUL_SHUTDOWN_SECONDS = 30.0


async def run_worker(database_url: str, concurrency: int = 4) -> None:
    with bound_to(database_url) as app:
        async with app.open_async():
            await app.run_worker_async(
                concurrency=concurrency,
                install_signal_handlers=True,
                shutdown_graceful_timeout=GRACEFUL_SHUTDOWN_SECONDS,
            )
