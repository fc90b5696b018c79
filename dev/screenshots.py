"""``make screenshots``: the journey tests' screens that docs/pages.md shows, taken again.

Runs the browser journeys (tests/e2e/journeys), copies the screens chosen in ``tests/screens.py``
into docs/screens/ (made smaller by pngquant), and records there, in manifest.json, the hash of
the page sources they were taken from. Look at every image before committing them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The repository root is on the path just above: the page sources and CHOSEN live in tests/.
from tests import screens


def main() -> int:
    pngquant = shutil.which("pngquant")
    if pngquant is None:
        print("pngquant is missing: apt-get install pngquant", file=sys.stderr)
        return 1
    shutil.rmtree(screens.ARTIFACTS, ignore_errors=True)  # only this run's screens
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/e2e/journeys"],
        cwd=screens.ROOT,
        check=False,
    )
    if ran.returncode != 0:
        print("the journeys failed: no screenshots taken", file=sys.stderr)
        return ran.returncode
    source_hash = screens.page_sources_hash()
    # Only the screens this script put there last time go: docs/dashboard.md's are others'.
    if screens.MANIFEST.exists():
        for earlier in json.loads(screens.MANIFEST.read_text())["screens"]:
            (screens.SCREENS / earlier["file"]).unlink(missing_ok=True)
    screens.SCREENS.mkdir(parents=True, exist_ok=True)
    chosen = []
    for journey, step in screens.CHOSEN:
        taken = screens.ARTIFACTS / journey / f"{step}.png"
        if not taken.exists():
            print(f"{taken} was not taken: is CHOSEN in tests/screens.py up to date?")
            return 1
        name = f"{journey}-{step}.png"
        subprocess.run(
            [pngquant, "--quality=60-90", "--speed=1", "--strip", "--force"]
            + ["--output", str(screens.SCREENS / name), str(taken)],
            check=True,
        )
        chosen.append({"file": name, "journey": journey, "step": step})
    manifest = {"pageSources": source_hash, "screens": chosen}
    screens.MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
    total = sum((screens.SCREENS / c["file"]).stat().st_size for c in chosen)
    print(f"{len(chosen)} screens in {screens.SCREENS} ({total // 1024} KB): look at each one.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
