"""A real SMTP server (aiosmtpd) that keeps what it receives, for tests of emails sent by jobs."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email.message import Message
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.jobs import job_environment


class MailFolder:
    """The ``.eml`` files the file mailer writes under the data dir, and which came after now."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / "mail"
        self.before = self.files()

    def files(self) -> set[Path]:
        return set(self.folder.glob("*.eml")) if self.folder.exists() else set()

    def new_files(self) -> set[Path]:
        return self.files() - self.before

    def new(self) -> list[Message]:
        return [
            email.message_from_bytes(path.read_bytes(), policy=default) for path in self.new_files()
        ]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        # Each message's SMTP envelope recipients (RCPT TO), in the order received.
        self.envelopes: list[list[str]] = []
        self.port = 0  # where it listens (a test may point another job environment at it)
        # A server that refuses: its answer, to whom (None: anyone), how many more times
        # (None: until told otherwise). Refused messages are not kept.
        self.refusal: str | None = None
        self.refusal_to: str | None = None
        self.refusals_left: int | None = None

    def refuse(self, answer: str, to: str | None = None, times: int | None = None) -> None:
        self.refusal, self.refusal_to, self.refusals_left = answer, to, times

    def accept(self) -> None:
        self.refusal = None

    def _refuses(self, recipients: list[str]) -> str | None:
        if self.refusal is None or (self.refusal_to and self.refusal_to not in recipients):
            return None
        answer = self.refusal
        if self.refusals_left is not None:
            self.refusals_left -= 1
            if self.refusals_left <= 0:
                self.refusal = None
        return answer

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        del server, session
        refused = self._refuses(list(envelope.rcpt_tos))  # type: ignore[attr-defined]
        if refused is not None:
            return refused
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))  # type: ignore[attr-defined]
        self.envelopes.append(list(envelope.rcpt_tos))  # type: ignore[attr-defined]
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in str(m["To"])]


@pytest.fixture
def inbox(database_url: str, data_dir: Path) -> Iterator[Inbox]:
    """A real SMTP server on a free port, and the job environment pointing at it."""
    handler = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler.port = port
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with job_environment(
            database_url, data_dir, IMMERSIO_SMTP_HOST="127.0.0.1", IMMERSIO_SMTP_PORT=str(port)
        ):
            yield handler
    finally:
        controller.stop()
