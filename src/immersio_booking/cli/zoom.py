"""The Zoom simulator."""

from __future__ import annotations

from typing import Annotated

import typer

from immersio_booking.cli.common import app, err


@app.command("fake-zoom")
def fake_zoom(
    port: Annotated[int, typer.Option(help="Port to listen on (loopback only).")] = 8200,
    account_id: Annotated[str, typer.Option(help="The Zoom account id accepted.")] = "demo-account",
    client_id: Annotated[str, typer.Option(help="The app's client id accepted.")] = "demo-client",
    client_secret: Annotated[
        str, typer.Option(help="The app's client secret accepted.")
    ] = "demo-secret",
) -> None:
    """Serve a fake Zoom (OAuth token, meetings, GET /_meetings, faults under /_control)."""
    import uvicorn

    from immersio_booking.fakes import zoom as simulator

    err.print(f"Fake Zoom on http://127.0.0.1:{port} (account {account_id})")
    uvicorn.run(
        simulator.create_simulator(account_id, client_id, client_secret),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
