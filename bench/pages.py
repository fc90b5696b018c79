"""Public pages benchmark: TTFB and bytes of the demo school's landing and booking pages and of a
booking's confirmation and manage pages, then Lighthouse scores (performance, accessibility,
best practices, SEO) when npm can install the pinned Lighthouse (``.cache/npm``) and
/usr/bin/chromium exists. Then three dashboard screens of the demo owner (Today, Bookings, a
workshop's form), signed in with a real staff session (its cookie sent by Lighthouse's
``--extra-headers``): the same figures (the SEO score means nothing there: noindex on purpose).
``BENCH_PAGES=today,bookings`` measures only the pages named.

Database: DATABASE_URL's server, else an embedded one (a scratch database either way), loaded
with the demo school (two teachers, three workshops, a published education page). One uvicorn
worker. TTFB: median and p95 of 200 sequential GETs (time until the first body byte) after
20 warm-up requests. Bytes: the HTML and every script and stylesheet it loads, uncompressed and
gzip-compressed, without tenant images (the demo has none).
Run: ``make bench`` or ``.venv/bin/python bench/pages.py``.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import update

from _setup import ROOT, percentile, scratch_database, served  # type: ignore[import-not-found]
from immersio_booking.auth import staff_sessions
from immersio_booking.config import Settings
from immersio_booking.dashboard.access import lifetime
from immersio_booking.db.session import make_engine, make_sessionmaker, transaction
from immersio_booking.demo import DEMO_SLUG, load_demo
from immersio_booking.kit import clock
from immersio_booking.models import OrganizationSettings

NPM_CACHE = ROOT / ".cache" / "npm"
# Pinned: the last release that runs on Debian's Node.js 20 (13.x needs Node.js 22).
LIGHTHOUSE_VERSION = "12.8.2"
CHROMIUM = Path("/usr/bin/chromium")
ASSET = re.compile(r'(?:src|href)="(/static/[^"]+|/embed\.js)"')


async def seed(url: str, data_dir: Path) -> dict[str, Any]:
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            demo = await load_demo(session, data_dir)
            # Indexable, as a school that wants to be found would set it (Lighthouse's SEO
            # score counts a noindex page as a failure).
            await session.execute(
                update(OrganizationSettings)
                .where(OrganizationSettings.organization_id == demo["organization"]["id"])
                .values(allow_seo_indexing=True)
            )
            demo["staff_cookie"] = await staff_sessions.open_session(
                session,
                demo["owner"]["id"],
                clock.now(),
                lifetime(Settings(data_dir=data_dir)),
                organization_id=demo["organization"]["id"],
            )
            return demo
    finally:
        await engine.dispose()


def ttfb(client: httpx.Client, path: str, runs: int = 200) -> tuple[float, float]:
    for _ in range(20):
        client.get(path)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        with client.stream("GET", path) as response:
            chunks = response.iter_raw()
            next(chunks)
            times.append((time.perf_counter() - began) * 1000)
            for _ in chunks:
                pass
    return percentile(times, 0.5), percentile(times, 0.95)


def weight(client: httpx.Client, path: str) -> tuple[int, int]:
    html = client.get(path).content
    parts = [html] + [client.get(a).content for a in set(ASSET.findall(html.decode()))]
    return sum(len(p) for p in parts), sum(len(gzip.compress(p)) for p in parts)


def lighthouse(url: str, *, private: bool = False, cookie: str = "") -> dict[str, int] | str:
    """Lighthouse's four scores. A private page (a booking's, behind its manage token) is
    ``noindex`` on purpose, so the one SEO audit that asks to be indexed is skipped for it."""
    if not CHROMIUM.exists() or shutil.which("npm") is None:
        return "skipped: needs /usr/bin/chromium and npm"
    binary = NPM_CACHE / "node_modules" / ".bin" / "lighthouse"
    manifest = NPM_CACHE / "node_modules" / "lighthouse" / "package.json"
    installed = json.loads(manifest.read_text()).get("version") if manifest.exists() else None
    if installed != LIGHTHOUSE_VERSION:
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(NPM_CACHE),
                "--no-audit",
                "--no-fund",
                "--save-exact",
                f"lighthouse@{LIGHTHOUSE_VERSION}",
            ],
            check=False,
            capture_output=True,
            timeout=600,
        )
    if not binary.exists():
        return "skipped: npm could not install lighthouse"
    out = Path(tempfile.mkdtemp(prefix="lighthouse-")) / "report.json"
    subprocess.run(
        [
            str(binary),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            "--only-categories=performance,accessibility,best-practices,seo",
            "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage",
            *(["--skip-audits=is-crawlable"] if private else []),
            *([f"--extra-headers={json.dumps({'Cookie': cookie})}"] if cookie else []),
        ],
        env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
        check=False,
        capture_output=True,
        timeout=300,
    )
    if not out.exists():
        return "failed: lighthouse wrote no report"
    categories = json.loads(out.read_text())["categories"]
    return {name: round((c["score"] or 0) * 100) for name, c in categories.items()}


def booked(client: httpx.Client, event_type_id: int) -> tuple[str, str]:
    """A student's booking of the free workshop's first free session: (uid, manage token)."""
    now = datetime.now(UTC)
    slots = client.get(
        "/v2/slots",
        params={
            "eventTypeId": event_type_id,
            "start": now.date().isoformat(),
            "end": (now + timedelta(days=30)).date().isoformat(),
            "timeZone": "Europe/Paris",
        },
        headers={"cal-api-version": "2024-09-04"},
    ).json()["data"]
    start = next(s["start"] for day in sorted(slots) for s in slots[day])
    booking = client.post(
        "/v2/bookings",
        json={
            "eventTypeId": event_type_id,
            "start": start,
            "attendee": {
                "name": "Zoé Student",
                "email": "zoe@example.com",
                "timeZone": "Europe/Paris",
            },
        },
        headers={"cal-api-version": "2024-08-13"},
    ).json()["data"]
    return booking["uid"], parse_qs(urlsplit(booking["manageUrl"]).query)["token"][0]


def main() -> None:
    with scratch_database() as (url, data_dir):
        demo = asyncio.run(seed(url, data_dir))
        free = next(w["id"] for w in demo["workshops"] if w["slug"] == "business-english")
        with served(url, data_dir) as base, httpx.Client(base_url=base) as client:
            uid, token = booked(client, free)
            pages = {
                "landing": f"/{DEMO_SLUG}?tz=Europe/Paris",
                "booking": f"/{DEMO_SLUG}/business-english?tz=Europe/Paris",
                "confirm": f"/booking/{uid}?token={token}&tz=Europe/Paris",
                "manage": f"/booking/{uid}/manage?token={token}&tz=Europe/Paris",
                # The dashboard, signed in as the demo owner.
                "today": "/dashboard",
                "bookings": "/dashboard/bookings",
                "workshop": f"/dashboard/workshops/{free}",
            }
            staff = {"today", "bookings", "workshop"}
            cookie = f"{staff_sessions.COOKIE}={demo['staff_cookie']}"
            only = os.environ.get("BENCH_PAGES")
            print("page      TTFB p50   TTFB p95   bytes (raw / gzip)   lighthouse")
            for name, path in pages.items():
                if only and name not in only.split(","):
                    continue
                client.headers["Cookie"] = cookie if name in staff else ""
                p50, p95 = ttfb(client, path)
                raw, zipped = weight(client, path)
                scores = (
                    lighthouse(
                        base + path,
                        private=name in ("confirm", "manage") or name in staff,
                        cookie=cookie if name in staff else "",
                    )
                    if os.environ.get("BENCH_LIGHTHOUSE", "1") == "1"
                    else "-"
                )
                print(
                    f"{name:<9} {p50:6.1f} ms  {p95:6.1f} ms  {raw / 1024:6.1f} KB /"
                    f" {zipped / 1024:5.1f} KB   {scores}"
                )


if __name__ == "__main__":
    main()
