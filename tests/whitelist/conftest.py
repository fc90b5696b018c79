"""The Immersio fixtures, for the whitelist that the sync fills."""

from tests.immersio.conftest import fake_immersio, jobs_env, quick_retries

__all__ = ["fake_immersio", "jobs_env", "quick_retries"]
