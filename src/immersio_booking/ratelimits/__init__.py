"""Abuse controls on anonymous traffic: rate limits shared by every API process (PostgreSQL)."""
