"""Idempotency-Key: replaying the first answer of a retried request (see ``replay``)."""
