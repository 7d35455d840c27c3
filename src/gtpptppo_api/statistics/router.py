from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from gtpptppo_api.auth.deps import StatisticsReader
from gtpptppo_api.db.session import SessionDep, one_snapshot
from gtpptppo_api.statistics import service
from gtpptppo_api.statistics.schemas import VictimStatistics

router = APIRouter(prefix="/statistics", tags=["statistics"])


@router.get("/victims")
@one_snapshot  # its cells and its shared victims: two queries, one count
async def get_victim_statistics(
    request: Request,
    session: SessionDep,
    caller: StatisticsReader,
    from_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    to_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    region_code: Annotated[
        str | None, Query(max_length=8, description="Default: the caller's jurisdiction.")
    ] = None,
    group_by: Annotated[
        list[str] | None,
        Query(
            description="Any of year, age_group, sex, region, exploitation_type, service, "
            "legal_stage, origin_region, transit_region, transit_country, destination_region, "
            "destination_country, control_method, recruitment_method, "
            "perpetrator_relationship, sector, transit (comma-separated or repeated). The *_region "
            "groups are by province; a domestic destination or transit point is the country "
            "ID; a case without an origin or destination counts under null. The HTCDS 2.0 "
            "details (means of control, recruitment method, the perpetrators' relationship "
            "to the victim, the sector of forced labour, ISIC Rev. 4) count a case under each "
            "value it recorded, and not at all where it recorded none. transit counts each case "
            "once: with_transit where it recorded a place of transit, else without_transit."
        ),
    ] = None,
    year_basis: Annotated[
        str,
        Query(
            description="The year a case counts in (year, from_year, to_year): "
            "`identified` (its identification, the default) or `incident` (Table 1 "
            '"Tahun Kejadian": the incident year, the identification year where unknown).',
            examples=["incident"],
        ),
    ] = "identified",
) -> VictimStatistics:
    """Victims over the region's whole subtree; ``region`` groups by the level below it.

    Victims, not records: the same NIK identified in the same year counts once.

    ``year_basis=incident`` counts each case in the year of the incident (Permen PPPA
    10/2012 Table 1, "Tahun Kejadian"), or of its identification where the incident year is
    unknown; the default, ``identified``, counts it in the year of its identification.

    For analysts every count is published by cell key perturbation (``disclosure_control``):
    the table lists every combination of its groups, each count is perturbed from its
    cell's key, and counts under the threshold (zeros included) are null, so a null says
    "fewer than the threshold, perhaps none". The total is a cell of its own, perturbed
    likewise, not a sum of the cells; the same cell has the same value in every request.
    Other roles (the task forces' chain, national administrators) get exact counts.
    """
    result = await service.victim_statistics(
        session,
        caller,
        region_code=region_code,
        from_year=from_year,
        to_year=to_year,
        group_by=group_by or [],
        control=request.app.state.disclosure,
        year_basis=year_basis,
    )
    return VictimStatistics(**result)
