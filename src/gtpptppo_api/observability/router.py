"""``GET /metrics``: operations, not the API, so left out of the OpenAPI document."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.observability.metrics import authorise, scrape

router = APIRouter()


@router.get("/metrics", response_class=Response, include_in_schema=False)
async def metrics(request: Request, session: SessionDep) -> Response:
    """This process's metrics in Prometheus's text format."""
    state = request.app.state
    authorise(request, state.settings)
    figures = await scrape(getattr(state, "engine", None), session)
    body = generate_latest(REGISTRY) + generate_latest(figures)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
