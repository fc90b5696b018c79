"""Browser tests: the app served over real HTTP, driven by Debian's Chromium through Playwright.

Never ``playwright install``: the browser is the system's ``/usr/bin/chromium`` (``apt-get
install chromium``); without it these tests are skipped, saying so.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.async_api import Browser, Dialog, Page, async_playwright

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from tests.dashboard.staff import staff  # noqa: F401  (signs staff in)
from tests.served import free_port, in_thread

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def live_url(settings: Settings, localstripe: str) -> Iterator[str]:
    """The whole app (API and pages) on a loopback port, in a thread with its own loop."""
    port = free_port()
    served = settings.model_copy(
        update={
            "public_base_url": f"http://127.0.0.1:{port}",
            "stripe_js_url": f"{localstripe}/js.stripe.com/v3/",
        }
    )
    with in_thread(create_app(served), port) as base:
        yield base


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("browser tests need /usr/bin/chromium (apt-get install chromium)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A fresh visitor in Paris; any dialog (alert, confirm) is recorded and dismissed."""
    context = await browser.new_context(
        timezone_id="Europe/Paris", locale="en-GB", viewport={"width": 1200, "height": 900}
    )
    opened = await context.new_page()
    opened.dialogs = []  # type: ignore[attr-defined]

    async def record(dialog: Dialog) -> None:
        opened.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        await dialog.dismiss()

    opened.on("dialog", record)
    yield opened
    await context.close()


class _ThirdParty(BaseHTTPRequestHandler):
    """A stranger's site: a page embedding our booking widget (``?src=&org=&event=&mode=``)."""

    def do_GET(self) -> None:
        q = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        if q.get("mode") == "frame":  # frames the booking page itself, announcing ``announce``
            page = f"{q.get('src', '')}/{q.get('org', '')}/{q.get('event', '')}"
            query = urlencode(
                {"embed": "1", "email": q.get("email", "kid@example.com"), "name": "Kid Student"}
                | ({"origin": q["announce"]} if "announce" in q else {})
            )
            widget = (
                f"<iframe data-immersio-embed style='height:900px' src='{page}?{query}'></iframe>"
            )
        else:
            widget = (
                f"<script src='{q.get('src', '')}/embed.js' data-org='{q.get('org', '')}'"
                f" data-event='{q.get('event', '')}' data-mode='{q.get('mode', 'inline')}'"
                " data-email='kid@example.com' data-name='Kid Student' data-student-id='stu-42'>"
                "</script>"
            )
        body = (
            "<!doctype html><html lang='en'><head><title>Course page</title></head><body>"
            f"<h1>My course</h1><p id='log'></p>{widget}"
            "<script>window.addEventListener('message', function (e) {"
            " if (e.data && e.data.type === 'booking:success') {"
            " document.getElementById('log').textContent = 'booked ' + e.data.uid; } });"
            "</script></body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: ARG002
        return


@pytest.fixture(scope="session")
def third_party_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _ThirdParty)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
