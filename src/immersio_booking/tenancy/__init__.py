"""Tenant scoping shared by every domain: the organization named in the path, checked against the
caller, and the organization's settings row. Below the domain packages, so members, subscriptions,
teams and the rest can scope to a tenant without importing organizations (which imports them)."""
