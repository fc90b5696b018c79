"""The settings of a request: the ones the app was created with, never a fresh read of the
environment.

Endpoints and pages take ``settings: AppSettings``; a helper that only has the ``Request`` calls
``app_settings(request)``. Jobs have their own accessor (``jobs.context.settings()``), and only
the edges (``app.create_app``, the CLI, the worker bootstrap, the demo) call
``config.get_settings()``; ``tests/api/test_settings_source.py`` holds the rule.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from immersio_booking.config import Settings


def app_settings(request: Request) -> Settings:
    """The settings of the app serving ``request`` (``create_app`` put them on its state)."""
    settings: Settings = request.app.state.settings
    return settings


async def _request_settings(request: Request) -> Settings:
    # A coroutine, so FastAPI calls it on the loop: a plain function would cost every request a
    # round trip through the thread pool for one attribute read.
    return app_settings(request)


AppSettings = Annotated[Settings, Depends(_request_settings)]
"""The app's settings, as a FastAPI dependency."""
