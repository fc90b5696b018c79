"""Moved to ``immersio_booking.whitelist.endpoints``. This re-export keeps ``app.py`` working
until it imports the router from there; then delete this module."""

from immersio_booking.whitelist.endpoints import router

__all__ = ["router"]
