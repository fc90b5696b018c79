"""Re-export of ``tenancy.dependencies.ReadableOrganization`` for payments/endpoints.py only.

payments/ is being reworked on another branch (payments <-> subscriptions); its import moves to
``tenancy.dependencies`` there and this module is then deleted. Nothing new should import it.
"""

from __future__ import annotations

from immersio_booking.tenancy.dependencies import ReadableOrganization

__all__ = ["ReadableOrganization"]
