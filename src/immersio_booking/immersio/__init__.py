"""Immersio: the connection, course mappings, the sync, inbound webhooks and a simulator."""
