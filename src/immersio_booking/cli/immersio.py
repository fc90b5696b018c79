"""The Immersio simulator and the on-demand sync."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError

if TYPE_CHECKING:
    pass

from immersio_booking.cli.common import (
    JsonFlag,
    app,
    database_errors,
    emit,
    err,
    fail,
    fail_validation,
    immersio_app,
    load_settings,
    out,
    ready_database,
    show,
)

# ---------------------------------------------------------------------------------------------
# Immersio


@app.command("fake-immersio")
def fake_immersio(
    port: Annotated[int, typer.Option(help="Port to listen on (loopback only).")] = 8100,
    api_key: Annotated[str, typer.Option(help="The one API key accepted.")] = "demo-key",
    org_id: Annotated[str, typer.Option(help="The Immersio organization id served.")] = "demo-org",
    data: Annotated[Path | None, typer.Option(help="A JSON data set instead of generated.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated data set.")] = 1,
    courses: Annotated[int, typer.Option(min=1, help="Generated courses.")] = 5,
    students: Annotated[int, typer.Option(min=1, help="Generated students per course.")] = 12,
) -> None:
    """Serve a fake Immersio API (docs/immersio-api.md) with runtime fault injection."""
    import uvicorn

    from immersio_booking.fakes import immersio as simulator

    try:
        dataset = (
            simulator.load(data)
            if data
            else simulator.generate(seed=seed, courses=courses, students=students)
        )
    except (OSError, ValueError) as exc:
        fail(str(exc))
    err.print(f"Fake Immersio on http://127.0.0.1:{port} (organization {org_id})")
    uvicorn.run(
        simulator.create_simulator(api_key, org_id, dataset),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )


@immersio_app.command("sync")
def immersio_sync(
    org: Annotated[str, typer.Option(help="The organization's slug.")],
    types: Annotated[
        list[str] | None, typer.Option("--type", help="courses, students or teachers (repeat).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Sync a school with Immersio now, in this process, with a progress bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from immersio_booking.db.session import make_engine, make_sessionmaker
    from immersio_booking.immersio.schemas import SyncRequest
    from immersio_booking.immersio.sync import sync_in_place
    from immersio_booking.organizations.repository import by_slug

    settings = load_settings()
    try:
        request = SyncRequest.model_validate({"types": types} if types else {})
    except ValidationError as exc:
        fail_validation(exc)
    url = ready_database()

    async def work() -> dict[str, Any]:
        engine = make_engine(url, pool_size=2, max_overflow=0)
        sessionmaker = make_sessionmaker(engine)
        try:
            async with sessionmaker() as session:
                team = await by_slug(session, org)
            if team is None:
                fail(f"no organization with slug {org}")
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=err,
                transient=as_json,
            ) as bar:
                task = bar.add_task("Reading courses from Immersio", total=None)

                def advance(stage: str, done: int, total: int) -> None:
                    bar.update(task, description=f"Reading {stage}", completed=done, total=total)

                started, outcomes = await sync_in_place(
                    sessionmaker, team.id, request.types, settings, advance
                )
        finally:
            await engine.dispose()
        return {
            "syncLogIds": [log.id for log in started.logs],
            "alreadyRunning": started.already_running,
            "results": {
                kind: {
                    "status": o.status,
                    "processed": o.processed,
                    "failed": o.failed,
                    "error": o.fatal,
                }
                for kind, o in outcomes.items()
            },
        }

    with database_errors():
        report = asyncio.run(work())

    def human() -> None:
        if report["alreadyRunning"]:
            out.print(f"A sync is already running (logs {report['syncLogIds']}).")
            return
        rows = [
            (
                kind,
                f"{r['status']}: {r['processed']} processed, {r['failed']} failed"
                + (f" ({r['error']})" if r["error"] else ""),
            )
            for kind, r in report["results"].items()
        ]
        show(f"Immersio sync of {org}", rows)

    emit(report, as_json, human)
    if any(r["status"] == "failed" for r in report["results"].values()):
        raise typer.Exit(1)
