"""A fake Immersio that implements docs/immersio-api.md over generated or given data, with
faults (latency, 429s, 500s, courses that always fail) switchable at runtime under
``/_control``. For development (``make run``), tests and benchmarks; never for production.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from immersio_booking.kit import clock

LANGUAGES = [
    ("fr", "French"),
    ("es", "Spanish"),
    ("de", "German"),
    ("it", "Italian"),
    ("ja", "Japanese"),
]
LEVELS = ["A1", "A2", "B1", "B2", "C1"]
FIRST = ["Ana", "Ben", "Chloe", "Dev", "Eva", "Farid", "Gia", "Hugo", "Iris", "Jonas", "Kai", "Lea"]
LAST = ["Silva", "Novak", "Okafor", "Meyer", "Rossi", "Tanaka", "Dubois", "Kim", "Berg", "Lopez"]
# Generated records were last changed in the past, so an incremental read right after a first
# sync finds nothing new.
GENERATED_AT = datetime(2026, 1, 1, tzinfo=UTC)
MAX_PAGE = 500
# Where ``make run``'s demo school finds its Immersio: ``serve`` starts the simulator there.
DEMO_URL = "http://127.0.0.1:8100"
DEMO_API_KEY = "demo-key"
DEMO_ORGANIZATION = "demo-org"


def _stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def generate(
    seed: int = 1, courses: int = 5, students: int = 12, teachers: int = 3
) -> dict[str, Any]:
    """A data set: ``courses`` courses of ``students`` enrolled students each, some teachers."""
    rng = random.Random(seed)
    out_courses = []
    for c in range(1, courses + 1):
        code, language = LANGUAGES[(c - 1) % len(LANGUAGES)]
        level = LEVELS[rng.randrange(len(LEVELS))]
        roster = []
        for s in range(1, students + 1):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            number = (c - 1) * students + s
            roster.append(
                {
                    "id": f"stu_{number}",
                    "email": f"{first}.{last}.{number}@students.example.com".lower(),
                    "name": f"{first} {last}",
                    "status": "enrolled",
                    "updated_at": _stamp(GENERATED_AT - timedelta(minutes=rng.randrange(1, 10000))),
                }
            )
        out_courses.append(
            {
                "id": f"crs_{c}",
                "name": f"{language} {level} (group {c})",
                "language": code,
                "level": level,
                "updated_at": _stamp(GENERATED_AT - timedelta(minutes=rng.randrange(1, 10000))),
                "students_updated_at": max((s["updated_at"] for s in roster), default=None),
                "students": roster,
            }
        )
    # The first two are the demo school's teachers (matched by email); the rest are not.
    names = [("marie", "Marie Dubois"), ("kenji", "Kenji Sato")]
    names += [(f"teacher{t}", f"Teacher {t}") for t in range(3, teachers + 1)]
    out_teachers = [
        {
            "id": f"tch_{t}",
            "email": f"{local}@immersio-academy.example.com",
            "name": name,
            "updated_at": _stamp(GENERATED_AT - timedelta(days=t)),
        }
        for t, (local, name) in enumerate(names[:teachers], start=1)
    ]
    return {"courses": out_courses, "teachers": out_teachers}


@dataclass
class Faults:
    latency_ms: int = 0
    rate_limit_next: int = 0
    retry_after_seconds: float = 0.0
    server_error_next: int = 0
    failing_course_ids: set[str] = field(default_factory=set)


@dataclass
class World:
    """The simulator's state; one lock guards it (uvicorn serves from one event loop, but a
    test may run the app in another thread's loop)."""

    api_key: str
    organization_id: str
    initial: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    calls: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.data = json.loads(json.dumps(self.initial))
            self.faults = Faults()
            self.calls.clear()

    def course(self, course_id: str) -> dict[str, Any] | None:
        return next((c for c in self.data["courses"] if c["id"] == course_id), None)


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status, headers=headers)


def _changed_at(record: dict[str, Any]) -> str:
    """When a record last changed: for a course, itself or its roster (the contract)."""
    return str(max(record["updated_at"], record.get("students_updated_at") or ""))


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _page(request: Request, records: list[dict[str, Any]]) -> JSONResponse:
    since_text = request.query_params.get("updated_since")
    try:
        limit = min(max(int(request.query_params.get("limit", "100")), 1), MAX_PAGE)
        offset = int(request.query_params.get("cursor") or 0)
        since = _parse(since_text) if since_text else None
    except ValueError:
        return _error(400, "bad_request", "limit, cursor and updated_since must be valid")
    chosen = sorted(
        (r for r in records if since is None or _parse(_changed_at(r)) >= since),
        key=lambda r: (_changed_at(r), r["id"]),
    )
    window = chosen[offset : offset + limit]
    more = offset + limit < len(chosen)
    body = [{k: v for k, v in r.items() if k != "students"} for r in window]
    return JSONResponse({"data": body, "next_cursor": str(offset + limit) if more else None})


def create_simulator(
    api_key: str = DEMO_API_KEY,
    organization_id: str = DEMO_ORGANIZATION,
    data: dict[str, Any] | None = None,
) -> FastAPI:
    world = World(api_key, organization_id, data or generate())
    world.reset()
    app = FastAPI(title="Fake Immersio", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.world = world

    async def refused(request: Request) -> JSONResponse | None:
        """The faults, the key and the organization, checked before every API call (a plain
        function, not an HTTP middleware: those cost a millisecond per call)."""
        path = request.url.path
        with world.lock:
            kind = path.rstrip("/").rsplit("/", 1)[-1] if "/students" not in path else "students"
            world.calls[kind] += 1
            faults = world.faults
            delay = faults.latency_ms / 1000
            throttled = faults.rate_limit_next > 0
            broken = not throttled and faults.server_error_next > 0
            if throttled:
                faults.rate_limit_next -= 1
            elif broken:
                faults.server_error_next -= 1
            failing = set(faults.failing_course_ids)
            retry_after = faults.retry_after_seconds
        if delay:
            await asyncio.sleep(delay)
        if request.headers.get("authorization") != f"Bearer {world.api_key}":
            return _error(401, "unauthorized", "invalid API key")
        prefix = f"/v1/organizations/{world.organization_id}"
        if not (path == prefix or path.startswith(prefix + "/")):
            if path.startswith("/v1/organizations/"):
                return _error(403, "forbidden", "this key belongs to another organization")
            return _error(404, "not_found", "no such resource")
        if throttled:
            return _error(429, "rate_limited", "slow down", {"Retry-After": f"{retry_after:g}"})
        if broken or any(path.startswith(f"{prefix}/courses/{cid}") for cid in failing):
            return _error(500, "internal", "something broke")
        return None

    @app.get("/v1/organizations/{org}")
    async def organization(request: Request, org: str) -> JSONResponse:
        if (refusal := await refused(request)) is not None:
            return refusal
        return JSONResponse({"id": org, "name": "Immersio demo organization"})

    @app.get("/v1/organizations/{org}/courses")
    async def courses(request: Request) -> JSONResponse:
        if (refusal := await refused(request)) is not None:
            return refusal
        with world.lock:
            return _page(request, world.data["courses"])

    @app.get("/v1/organizations/{org}/courses/{course_id}")
    async def course(request: Request, course_id: str) -> JSONResponse:
        if (refusal := await refused(request)) is not None:
            return refusal
        with world.lock:
            found = world.course(course_id)
            if found is None:
                return _error(404, "not_found", f"no course {course_id}")
            return JSONResponse({k: v for k, v in found.items() if k != "students"})

    @app.get("/v1/organizations/{org}/courses/{course_id}/students")
    async def students(request: Request, course_id: str) -> JSONResponse:
        if (refusal := await refused(request)) is not None:
            return refusal
        with world.lock:
            found = world.course(course_id)
            if found is None:
                return _error(404, "not_found", f"no course {course_id}")
            return _page(request, found["students"])

    @app.get("/v1/organizations/{org}/teachers")
    async def teachers(request: Request) -> JSONResponse:
        if (refusal := await refused(request)) is not None:
            return refusal
        with world.lock:
            return _page(request, world.data["teachers"])

    _control_routes(app, world)
    return app


def _control_routes(app: FastAPI, world: World) -> None:
    def now() -> str:
        return _stamp(clock.now())

    @app.put("/_control/faults")
    async def set_faults(request: Request) -> dict[str, Any]:
        body = await request.json()
        with world.lock:
            world.faults = Faults(
                latency_ms=int(body.get("latencyMs", 0)),
                rate_limit_next=int(body.get("rateLimitNext", 0)),
                retry_after_seconds=float(body.get("retryAfterSeconds", 0)),
                server_error_next=int(body.get("serverErrorNext", 0)),
                failing_course_ids=set(body.get("failingCourseIds", [])),
            )
        return {"ok": True}

    @app.post("/_control/reset")
    async def reset() -> dict[str, Any]:
        world.reset()
        return {"ok": True}

    @app.get("/_control/data")
    async def dump() -> dict[str, Any]:
        with world.lock:
            return world.data

    @app.get("/_control/stats")
    async def stats() -> dict[str, Any]:
        with world.lock:
            return {"calls": dict(world.calls)}

    @app.post("/_control/courses")
    async def add_course(request: Request) -> dict[str, Any]:
        body = await request.json()
        with world.lock:
            course = {
                "id": str(body["id"]),
                "name": str(body.get("name", body["id"])),
                "language": body.get("language"),
                "level": body.get("level"),
                "updated_at": now(),
                "students_updated_at": None,
                "students": [],
            }
            world.data["courses"].append(course)
            return {k: v for k, v in course.items() if k != "students"}

    @app.patch("/_control/courses/{course_id}")
    async def rename_course(request: Request, course_id: str) -> JSONResponse:
        body = await request.json()
        with world.lock:
            course = world.course(course_id)
            if course is None:
                return _error(404, "not_found", f"no course {course_id}")
            course.update({k: body[k] for k in ("name", "language", "level") if k in body})
            course["updated_at"] = now()
            return JSONResponse({k: v for k, v in course.items() if k != "students"})

    @app.put("/_control/courses/{course_id}/students/{student_id}")
    async def enrol(request: Request, course_id: str, student_id: str) -> JSONResponse:
        body = await request.json()
        with world.lock:
            course = world.course(course_id)
            if course is None:
                return _error(404, "not_found", f"no course {course_id}")
            roster = [s for s in course["students"] if s["id"] != student_id]
            student = {
                "id": student_id,
                "email": str(body["email"]),
                "name": body.get("name"),
                "status": "enrolled",
                "updated_at": now(),
            }
            course["students"] = [*roster, student]
            course["students_updated_at"] = student["updated_at"]
            return JSONResponse(student)

    @app.delete("/_control/courses/{course_id}/students/{student_id}")
    async def drop(course_id: str, student_id: str) -> JSONResponse:
        with world.lock:
            course = world.course(course_id)
            student = next(
                (s for s in (course or {}).get("students", []) if s["id"] == student_id), None
            )
            if student is None:
                return _error(404, "not_found", f"no student {student_id} in {course_id}")
            student.update(status="dropped", updated_at=now())
            course = world.course(course_id)
            assert course is not None
            course["students_updated_at"] = student["updated_at"]
            return JSONResponse(student)


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    if not isinstance(data.get("courses"), list) or not isinstance(data.get("teachers"), list):
        raise ValueError(f"{path}: expected an object with 'courses' and 'teachers' lists")
    return data
