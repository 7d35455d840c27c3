from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from gtpptppo_api.auth.deps import TaskForceReader
from gtpptppo_api.charts import render, service
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.schemas import Day
from gtpptppo_api.task_forces import service as task_forces

router = APIRouter(prefix="/task-forces", tags=["task forces"])

MEDIA = {"svg": "image/svg+xml", "pdf": "application/pdf"}


@router.get(
    "/{task_force_id}/chart",
    response_class=Response,
    responses={
        200: {
            "content": {"image/svg+xml": {}, "application/pdf": {}},
            "description": "The organisation chart (Indonesian), in the layout of Lampiran I-III.",
        }
    },
)
async def get_task_force_chart(
    task_force_id: int,
    session: SessionDep,
    caller: TaskForceReader,
    format: Literal["svg", "pdf"] = "svg",
    on: Annotated[Day | None, Query(description="The day the chart shows; default today.")] = None,
) -> Response:
    """The task force's structure drawn from live data: chair, daily chair, secretariat and the
    six (or merged) sub-task-forces with their coordinating agencies and member counts."""
    task_force = await task_forces.get_visible(session, caller, task_force_id)
    structure = await service.structure(session, task_force, on)
    if format == "pdf":
        content = await asyncio.to_thread(render.render_pdf, structure)
    else:
        content = render.render_svg(structure).encode()
    return Response(content, media_type=MEDIA[format])
