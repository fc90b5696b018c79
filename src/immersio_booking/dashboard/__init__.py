"""The staff dashboard under ``/dashboard``: server-rendered pages over the same services as
the API (docs/dashboard.md). Signed-in staff act as a ``Principal`` built from their session,
so every rule (roles, tenant scoping, booking rules) is the API's own."""
