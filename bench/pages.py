"""Public pages benchmark: TTFB and bytes of the demo school's landing and booking pages, then
Lighthouse scores when npm can install it (``.cache/npm``) and /usr/bin/chromium exists.

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
from pathlib import Path

import httpx
from sqlalchemy import update

from _setup import ROOT, percentile, scratch_database, served  # type: ignore[import-not-found]
from immersio_booking.db.session import make_engine, make_sessionmaker, transaction
from immersio_booking.demo import DEMO_SLUG, load_demo
from immersio_booking.models import OrganizationSettings

NPM_CACHE = ROOT / ".cache" / "npm"
CHROMIUM = Path("/usr/bin/chromium")
ASSET = re.compile(r'(?:src|href)="(/static/[^"]+|/embed\.js)"')


async def seed(url: str, data_dir: Path) -> None:
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


def lighthouse(url: str) -> dict[str, int] | str:
    if not CHROMIUM.exists() or shutil.which("npm") is None:
        return "skipped: needs /usr/bin/chromium and npm"
    binary = NPM_CACHE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        subprocess.run(
            ["npm", "install", "--prefix", str(NPM_CACHE), "--no-audit", "--no-fund", "lighthouse"],
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


def main() -> None:
    with scratch_database() as (url, data_dir):
        asyncio.run(seed(url, data_dir))
        with served(url, data_dir) as base, httpx.Client(base_url=base) as client:
            pages = {
                "landing": f"/{DEMO_SLUG}?tz=Europe/Paris",
                "booking": f"/{DEMO_SLUG}/business-english?tz=Europe/Paris",
            }
            print("page      TTFB p50   TTFB p95   bytes (raw / gzip)   lighthouse")
            for name, path in pages.items():
                p50, p95 = ttfb(client, path)
                raw, zipped = weight(client, path)
                scores = (
                    lighthouse(base + path)
                    if os.environ.get("BENCH_LIGHTHOUSE", "1") == "1"
                    else "-"
                )
                print(
                    f"{name:<9} {p50:6.1f} ms  {p95:6.1f} ms  {raw / 1024:6.1f} KB /"
                    f" {zipped / 1024:5.1f} KB   {scores}"
                )


if __name__ == "__main__":
    main()
