from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response

from gtpptppo_api.auth.deps import ComplianceReader
from gtpptppo_api.compliance import service
from gtpptppo_api.compliance.schemas import ComplianceDashboard, TaskForceComplianceRead
from gtpptppo_api.db.session import SessionDep

router = APIRouter(tags=["compliance"])

Year = Annotated[int, Query(ge=1900, le=2999, description="The calendar year judged.")]


@router.get("/task-forces/{task_force_id}/compliance")
async def get_task_force_compliance(
    task_force_id: int, year: Year, request: Request, session: SessionDep, caller: ComplianceReader
) -> TaskForceComplianceRead:
    """The cadence rules of Permen PPPA 10/2012 for one task force and year.

    - plenary: at least one in each four-month period of the year, January-April,
      May-August, September-December (once in 4 months, 3.1.x a 2);
    - each sub-task-force: at least one meeting in each two-month period, January-February
      to November-December (once in 2 months, 3.1.x b 1);
    - the national/provincial/regency coordination at least once (3.1.x c 2);
    - monitoring: at least one in each half of the year (every 6 months, 3.3.1 d 1);
    - evaluation at least once (3.3.1 d 2);
    - the annual report for the year submitted to the daily chair (3.3.3, Lampiran V): met
      once submitted (or further along the chain), with the day of its latest submission;
      open until 31 December; due until its due date in the next year (31 March unless
      `GTPPTPPO_ANNUAL_REPORT_DUE` says otherwise); missed after it (none, a draft, or
      returned for revision).

    The period runs from 1 January (or the formation decree) to 31 December (or the day
    before dissolution, or today). A period of months is judged once it is over and only if
    the task force existed through all of it (the one it was formed in is its first period,
    not judged). Each rule answers ``met``, ``missed`` (with the periods missed), ``open``
    (a yearly event still to come this year) or ``due`` (the annual report, its due date not
    passed).
    """
    due = request.app.state.settings.annual_report_due
    return await service.task_force_compliance(session, caller, task_force_id, year, due)


@router.get(
    "/compliance",
    response_model=ComplianceDashboard,
    responses={
        200: {
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": (
                        "region_code,region_name,level,task_force_id,task_force_name,plenary,"
                        "sub_task_forces,coordination,monitoring,evaluation,annual_report,met_all\r\n"
                    ),
                }
            },
            "description": (
                "JSON, or CSV with `?format=csv` or `Accept: text/csv`: a row per task force, "
                "then a row (with empty rule columns) per province or regency without one."
            ),
        }
    },
)
async def get_compliance_dashboard(
    year: Year,
    request: Request,
    session: SessionDep,
    caller: ComplianceReader,
    region_code: Annotated[
        str | None,
        Query(max_length=8, description="A province, a regency or `ID`; default: your scope."),
    ] = None,
    format: Annotated[Literal["json", "csv"] | None, Query()] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Any:
    """The compliance dashboard of a province or the nation (3.1, 3.3.1 d, 3.3.3; BAB I).

    One row per task force in the region's subtree with each rule's status, the share of task
    forces meeting each rule (and all of them), and the provinces and regencies that have no
    task force in the year.
    """
    due = request.app.state.settings.annual_report_due
    board = await service.dashboard(session, caller, region_code, year, report_due=due)
    wants_csv = format == "csv" or (format is None and accept is not None and "text/csv" in accept)
    if wants_csv:
        return Response(
            content=service.to_csv(board),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": (
                    f'attachment; filename="compliance-{board.region_code}-{year}.csv"'
                )
            },
        )
    return board
