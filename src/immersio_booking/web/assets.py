"""Static files and ``/embed.js`` (served from the site root so embedders write one URL)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from immersio_booking.web.rendering import STATIC

router = APIRouter(include_in_schema=False)


@router.get("/embed.js")
async def embed_script() -> Response:
    return Response(
        (STATIC / "embed.js").read_bytes(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"},
    )
