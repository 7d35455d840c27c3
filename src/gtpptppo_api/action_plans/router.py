from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from gtpptppo_api.action_plans import activities, plans, progress, realisations
from gtpptppo_api.action_plans.models import ActionPlanState, Program
from gtpptppo_api.action_plans.schemas import (
    ActionPlanCreate,
    ActionPlanProgress,
    ActionPlanRead,
    ActionPlanUpdate,
    ActivityCreate,
    ActivityRead,
    ActivityUpdate,
    CatalogueProgram,
    RealisationPut,
    RealisationRead,
    Rollup,
)
from gtpptppo_api.auth.deps import ActionPlanReader, ActionPlanWriter
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.kit.etag import IfMatch, etag
from gtpptppo_api.kit.openapi import ID, body, links
from gtpptppo_api.kit.pagination import CursorPage, paginate

router = APIRouter(prefix="/action-plans", tags=["action plans"])

YearQuery = Annotated[int | None, Query(ge=2000, le=2100)]


@router.get("/catalogue")
async def get_action_plan_catalogue(caller: ActionPlanReader) -> list[CatalogueProgram]:
    """Programs a-f and their typical activities (Permen PPPA 10/2012, BAB V)."""
    return plans.catalogue()


@router.get("/rollup")
async def get_action_plan_rollup(
    session: SessionDep,
    caller: ActionPlanReader,
    region_code: Annotated[
        str | None,
        Query(max_length=8, description="This region and those under it; default: yours."),
    ] = None,
    year: YearQuery = None,
) -> Rollup:
    """Planned and realised budgets of adopted and closed plans, by source and program."""
    return await progress.rollup(session, caller, region_code, year)


@router.post(
    "",
    status_code=201,
    responses={
        201: links(
            get_action_plan={"plan_id": ID},
            get_action_plan_progress={"plan_id": ID},
            list_action_plan_activities={"plan_id": ID},
            list_action_plan_realisations={"plan_id": ID},
        )
    },
)
async def create_action_plan(
    body: ActionPlanCreate, session: SessionDep, caller: ActionPlanWriter, response: Response
) -> ActionPlanRead:
    """Draft a RAN (national task force) or RAD (province, regency/city)."""
    plan = await plans.create(session, caller, body)
    response.headers["ETag"] = etag(plan.version)
    response.headers["Location"] = f"/api/v1/action-plans/{plan.id}"
    return plans.read(plan)


@router.get("", response_model=CursorPage[ActionPlanRead])
async def list_action_plans(
    session: SessionDep,
    caller: ActionPlanReader,
    task_force_id: int | None = None,
    region_code: Annotated[
        str | None, Query(max_length=8, description="This region and those under it.")
    ] = None,
    state: ActionPlanState | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="Plans covering it.")] = None,
) -> CursorPage[ActionPlanRead]:
    """Plans in the caller's jurisdiction, ordered by id."""
    query = plans.list_query(
        caller, task_force_id=task_force_id, region_code=region_code, state=state, year=year
    )
    page: CursorPage[ActionPlanRead] = await paginate(session, query)
    return page


@router.get("/{plan_id}")
async def get_action_plan(
    plan_id: int, session: SessionDep, caller: ActionPlanReader, response: Response
) -> ActionPlanRead:
    plan = await plans.get_visible(session, caller, plan_id)
    response.headers["ETag"] = etag(plan.version)
    return plans.read(plan)


@router.patch("/{plan_id}")
async def update_action_plan(
    plan_id: int,
    body: ActionPlanUpdate,
    session: SessionDep,
    caller: ActionPlanWriter,
    response: Response,
    if_match: IfMatch = None,
) -> ActionPlanRead:
    """Edit a draft; ``state: adopted`` adopts it (422 listing every missing element),
    ``state: closed`` closes an adopted plan."""
    plan = await plans.update(session, caller, plan_id, body, if_match)
    response.headers["ETag"] = etag(plan.version)
    return plans.read(plan)


@router.get("/{plan_id}/progress")
async def get_action_plan_progress(
    plan_id: int, session: SessionDep, caller: ActionPlanReader, year: YearQuery = None
) -> ActionPlanProgress:
    """Achievement and budget absorption in basis points (10 000 = 100 %), for ``year`` or
    the whole period."""
    return await progress.progress(session, caller, plan_id, year)


@router.get("/{plan_id}/activities", response_model=CursorPage[ActivityRead])
async def list_action_plan_activities(
    plan_id: int, session: SessionDep, caller: ActionPlanReader, program: Program | None = None
) -> CursorPage[ActivityRead]:
    plan = await plans.get_visible(session, caller, plan_id)
    page: CursorPage[ActivityRead] = await paginate(
        session,
        activities.activity_query(plan, program),
        transformer=lambda items: [activities.read_activity(a) for a in items],
    )
    return page


@router.post(
    "/{plan_id}/activities",
    status_code=201,
    responses={
        201: links(get_action_plan_activity={"plan_id": body("action_plan_id"), "activity_id": ID})
    },
)
async def create_action_plan_activity(
    plan_id: int,
    body: ActivityCreate,
    session: SessionDep,
    caller: ActionPlanWriter,
    response: Response,
) -> ActivityRead:
    """Add an activity to a draft plan; ``catalogue_code`` starts it from a typical one."""
    activity = await activities.create_activity(session, caller, plan_id, body)
    response.headers["ETag"] = etag(activity.version)
    return activities.read_activity(activity)


@router.get("/{plan_id}/activities/{activity_id}")
async def get_action_plan_activity(
    plan_id: int,
    activity_id: int,
    session: SessionDep,
    caller: ActionPlanReader,
    response: Response,
) -> ActivityRead:
    plan = await plans.get_visible(session, caller, plan_id)
    activity = await activities.get_activity(session, plan, activity_id)
    response.headers["ETag"] = etag(activity.version)
    return activities.read_activity(activity)


@router.patch("/{plan_id}/activities/{activity_id}")
async def update_action_plan_activity(
    plan_id: int,
    activity_id: int,
    body: ActivityUpdate,
    session: SessionDep,
    caller: ActionPlanWriter,
    response: Response,
    if_match: IfMatch = None,
) -> ActivityRead:
    """Edit an activity of a draft plan (409 once the plan is adopted or closed)."""
    activity = await activities.update_activity(
        session, caller, plan_id, activity_id, body, if_match
    )
    response.headers["ETag"] = etag(activity.version)
    return activities.read_activity(activity)


@router.delete("/{plan_id}/activities/{activity_id}", status_code=204)
async def delete_action_plan_activity(
    plan_id: int, activity_id: int, session: SessionDep, caller: ActionPlanWriter
) -> None:
    await activities.delete_activity(session, caller, plan_id, activity_id)


@router.get("/{plan_id}/realisations", response_model=CursorPage[RealisationRead])
async def list_action_plan_realisations(
    plan_id: int,
    session: SessionDep,
    caller: ActionPlanReader,
    year: YearQuery = None,
    activity_id: int | None = None,
) -> CursorPage[RealisationRead]:
    plan = await plans.get_visible(session, caller, plan_id)
    query = realisations.realisation_query(plan, year=year, activity_id=activity_id)
    page: CursorPage[RealisationRead] = await paginate(session, query)
    return page


@router.put("/{plan_id}/realisations/{activity_id}/{year}")
async def record_realisation(
    plan_id: int,
    activity_id: int,
    year: int,
    body: RealisationPut,
    session: SessionDep,
    caller: ActionPlanWriter,
    response: Response,
    if_match: IfMatch = None,
) -> RealisationRead:
    """Record what an activity achieved and spent in a year (201 new, 200 replaced)."""
    realisation, created = await realisations.put_realisation(
        session, caller, plan_id, activity_id, year, body, if_match
    )
    if created:
        response.status_code = 201
    response.headers["ETag"] = etag(realisation.version)
    return realisations.read_realisation(realisation)
