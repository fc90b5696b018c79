"""Immersio: the connection, course mappings, the sync and inbound webhooks (its simulator is
``fakes/immersio.py``)."""
