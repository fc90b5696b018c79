"""axe-core from npm (installed by the tests into the git-ignored ``.cache/npm``), run in a page.

The version is pinned exactly, so every run checks the page with the same rules; a cache
holding another version (an older pin, or a range that once resolved elsewhere) is replaced.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from playwright.async_api import Frame, Page

AXE_VERSION = "4.14.1"
CACHE = Path(__file__).resolve().parents[2] / ".cache" / "npm"
PACKAGE = CACHE / "node_modules" / "axe-core"
AXE = PACKAGE / "axe.min.js"


def installed_version() -> str | None:
    """The axe-core version in the cache, None when there is none (or it is unreadable)."""
    try:
        version = json.loads((PACKAGE / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return version if isinstance(version, str) else None


@lru_cache(maxsize=1)
def axe_source() -> str | None:
    """The pinned axe-core script, installing it with npm when the cache lacks that exact
    version; None without npm (or when the install failed): never another version."""
    if installed_version() != AXE_VERSION or not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            return None
        CACHE.mkdir(parents=True, exist_ok=True)
        # The test processes (make test runs several) install one at a time: two npm installs
        # into one prefix tear each other's node_modules.
        with (CACHE / ".install.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if installed_version() != AXE_VERSION or not AXE.exists():
                subprocess.run(
                    [
                        npm,
                        "install",
                        "--prefix",
                        str(CACHE),
                        "--no-audit",
                        "--no-fund",
                        "--save-exact",
                        f"axe-core@{AXE_VERSION}",
                    ],
                    check=False,
                    capture_output=True,
                    timeout=300,
                )
    if installed_version() != AXE_VERSION or not AXE.exists():
        return None
    return AXE.read_text()


async def serious_violations(page: Page | Frame, source: str) -> list[dict[str, Any]]:
    """axe's serious and critical findings on the page as it is now."""
    return await violations(page, source, impacts=("serious", "critical"))


async def violations(
    page: Page | Frame, source: str, impacts: tuple[str, ...] | None = None
) -> list[dict[str, Any]]:
    """axe's findings on the page (or a frame's page) as it is now, of the given impacts (all
    when None); evaluated through the DevTools protocol, which the page's CSP does not govern."""
    await page.evaluate(source)
    found: list[dict[str, Any]] = await page.evaluate(
        """async (impacts) => (await axe.run(document)).violations
            .filter(v => impacts === null || impacts.includes(v.impact))
            .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))""",
        list(impacts) if impacts is not None else None,
    )
    return found
