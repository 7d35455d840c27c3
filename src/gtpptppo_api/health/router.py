from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response

from gtpptppo_api.errors import RETRY_AFTER_SECONDS, ServiceUnavailable
from gtpptppo_api.health import readiness

router = APIRouter(tags=["health"])

ALIVE = b'{"status":"ok"}'
NO_STORE = {"Cache-Control": "no-store"}


@router.get(
    "/healthz",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}, "description": "The process is alive."}},
)
async def healthz() -> Response:
    """The process answers (no dependency is asked): for liveness checks."""
    return Response(ALIVE, media_type="application/json", headers=NO_STORE)


# Operations, not the API: left out of the OpenAPI document (as /metrics).
@router.get("/readyz", response_class=Response, include_in_schema=False)
async def readyz(request: Request) -> Response:
    """Ready to serve: the database and the key store answer at their latest migrations,
    and the broker answers when one is configured. Otherwise 503 problem+json naming what
    is down."""
    store = request.app.state.keyring().store
    state = await readiness.check(
        request.app.state.settings,
        request.app.state.engine,
        store.engine if store is not None else None,
    )
    if not state.ready:
        raise ServiceUnavailable(
            f"Not ready: {', '.join(state.down)}.",
            checks=state.checks,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS), **NO_STORE},
        )
    body = json.dumps({"status": "ready", "checks": state.checks}).encode()
    return Response(body, media_type="application/json", headers=NO_STORE)
