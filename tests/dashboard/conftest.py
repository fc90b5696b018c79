from tests.dashboard.staff import staff, teacher  # noqa: F401  (signs staff in; a teacher)
