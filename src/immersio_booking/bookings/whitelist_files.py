"""Moved to ``immersio_booking.whitelist.files``. This re-export keeps ``app.py`` working
until it imports the router and ``UPLOAD_PATH`` from there; then delete this module."""

from immersio_booking.whitelist.files import UPLOAD_PATH, router

__all__ = ["UPLOAD_PATH", "router"]
