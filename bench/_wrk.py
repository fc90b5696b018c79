"""HTTP load from ``wrk`` (a compiled generator: no Python client shares the server's cores).

``run`` cycles through a list of request paths (one Lua script, written per run) and reads
wrk's own summary back as JSON: latency percentiles, rate, and the answers that were not 2xx,
plus the CPU time the uvicorn processes spent meanwhile (``cpu_ms_per_request``): on a machine
shared with other work, latency and rate move with the neighbours, CPU per request much less.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

WRK = shutil.which("wrk") or "/usr/bin/wrk"

LUA = """
local paths = {%(paths)s}
local headers = {%(headers)s}
local counter = 0
function init(args)
  counter = tonumber(wrk.thread:get("id") or 0) or 0
end
function setup(thread)
  thread:set("id", tostring(#setup_ids))
  table.insert(setup_ids, thread)
end
setup_ids = {}
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], headers)
end
function done(summary, latency, requests)
  io.write(string.format(
    '\\nWRK-JSON {"requests": %%d, "seconds": %%.6f, "non2xx": %%d, "socket_errors": %%d,'
    .. ' "p50_ms": %%.3f, "p90_ms": %%.3f, "p99_ms": %%.3f}\\n',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000))
end
"""


TICKS = os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    found = []
    try:
        children = [
            c
            for t in Path(f"/proc/{pid}/task").iterdir()
            for c in (t / "children").read_text().split()
        ]
    except FileNotFoundError:
        return []  # ended meanwhile
    for child in map(int, children):
        found += [child, *_descendants(child)]
    return found


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except FileNotFoundError:
        return 0.0  # ended meanwhile
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def service_cpu_seconds() -> float:
    """User + system CPU of the uvicorn processes this benchmark started and their workers."""
    total = 0.0
    for pid in _descendants(os.getpid()):
        try:
            served = b"uvicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if served:
            total += sum(map(_cpu_seconds, [pid, *_descendants(pid)]))
    return total


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal here


def run(
    base: str,
    paths: list[str],
    *,
    connections: int,
    seconds: int,
    threads: int = 1,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``wrk`` against ``base`` for ``seconds`` with ``connections`` keep-alive connections,
    cycling through ``paths``; returns p50/p90/p99 (ms), ``rps``, ``non2xx`` and errors."""
    script = LUA % {
        "paths": ", ".join(_lua_string(p) for p in paths),
        "headers": ", ".join(
            f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in (headers or {}).items()
        ),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    cpu = service_cpu_seconds()
    try:
        done = subprocess.run(
            [
                WRK,
                f"-t{min(threads, connections)}",
                f"-c{connections}",
                f"-d{round(seconds)}s",
                "--timeout",
                "10s",
                "-s",
                lua.name,
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        Path(lua.name).unlink()
    cpu = service_cpu_seconds() - cpu
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK-JSON "))
    found: dict[str, Any] = json.loads(line.removeprefix("WRK-JSON "))
    found["rps"] = found["requests"] / found["seconds"]
    found["cpu_ms_per_request"] = cpu * 1000 / max(1, found["requests"])
    return found
