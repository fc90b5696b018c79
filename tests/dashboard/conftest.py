from tests.dashboard.staff import staff  # noqa: F401  (signs staff in)
