"""axe-core from npm (installed by the tests into the git-ignored ``.cache/npm``), run in a page."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from playwright.async_api import Page

CACHE = Path(__file__).resolve().parents[2] / ".cache" / "npm"
AXE = CACHE / "node_modules" / "axe-core" / "axe.min.js"


@lru_cache(maxsize=1)
def axe_source() -> str | None:
    """The axe-core script, installing it with npm the first time; None without npm."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            return None
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", "axe-core@4"],
            check=False,
            capture_output=True,
            timeout=300,
        )
    return AXE.read_text() if AXE.exists() else None


async def serious_violations(page: Page, source: str) -> list[dict[str, Any]]:
    """axe's serious and critical findings on the page as it is now (evaluated through the
    DevTools protocol, which the page's CSP does not govern)."""
    await page.evaluate(source)
    found: list[dict[str, Any]] = await page.evaluate(
        """async () => (await axe.run(document)).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))"""
    )
    return found
