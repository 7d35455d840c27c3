from __future__ import annotations

from fastapi import APIRouter, Response

router = APIRouter(tags=["health"])

ALIVE = b'{"status":"ok"}'


@router.get(
    "/healthz",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}, "description": "The process is alive."}},
)
async def healthz() -> Response:
    """The process answers (no dependency is asked): for liveness checks."""
    return Response(ALIVE, media_type="application/json", headers={"Cache-Control": "no-store"})
