"""The worker's terminal: periodic tasks' routine lines (registered, deferred, started,
succeeded) are DEBUG; their failures, and every line of other jobs, keep their level."""

from __future__ import annotations

import logging

import pytest
from procrastinate import jobs

from immersio_booking.jobs.worker import QuietPeriodicJobs


def record(action: str, task_name: str | None, level: int = logging.INFO) -> logging.LogRecord:
    made = logging.LogRecord("procrastinate.worker", level, __file__, 1, "a line", None, None)
    made.action = action
    if task_name is not None:
        job = jobs.Job(id=1, queue="default", lock=None, queueing_lock=None, task_name=task_name)
        made.job = job.log_context()
    return made


@pytest.fixture
def at_info() -> object:
    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.INFO)
    yield root
    root.setLevel(previous)


@pytest.mark.usefixtures("at_info")
@pytest.mark.parametrize("action", ["periodic_task_deferred", "start_job", "job_success"])
def test_a_periodic_tasks_routine_lines_are_debug(action: str) -> None:
    import immersio_booking.payments.tasks  # noqa: F401  (registers its periodic tasks)

    line = record(action, "expire_payment_holds")
    assert QuietPeriodicJobs().filter(line) is False
    assert line.levelname == "DEBUG"


@pytest.mark.usefixtures("at_info")
def test_registering_a_periodic_task_is_debug() -> None:
    assert QuietPeriodicJobs().filter(record("registering_periodic_task", None)) is False


@pytest.mark.usefixtures("at_info")
@pytest.mark.parametrize(
    ("action", "task", "level"),
    [
        ("job_error", "expire_payment_holds", logging.ERROR),
        ("job_error_retry", "expire_payment_holds", logging.INFO),
        ("start_job", "send_staff_link_email", logging.INFO),
        ("job_success", "send_staff_link_email", logging.INFO),
        ("start_worker", None, logging.INFO),
    ],
)
def test_problems_and_other_jobs_keep_their_level(
    action: str, task: str | None, level: int
) -> None:
    import immersio_booking.payments.tasks  # noqa: F401

    line = record(action, task, level)
    assert QuietPeriodicJobs().filter(line) is True
    assert line.levelno == level


def test_at_debug_the_routine_lines_are_shown() -> None:
    import immersio_booking.payments.tasks  # noqa: F401

    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.DEBUG)
    try:
        assert QuietPeriodicJobs().filter(record("start_job", "expire_payment_holds")) is True
    finally:
        root.setLevel(previous)
