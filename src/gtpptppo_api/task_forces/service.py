"""Task forces and sub-task-forces: the rules of BAB II.

Services flush, never commit; the request's session commits.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth import scope
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gtpptppo_api.kit.etag import check_if_match
from gtpptppo_api.regions import service as regions
from gtpptppo_api.regions.models import Region, RegionLevel
from gtpptppo_api.task_forces import rules
from gtpptppo_api.task_forces.models import (
    Decree,
    DecreeAuthority,
    DecreePurpose,
    SubTaskForce,
    SubTaskForceKind,
    TaskForce,
    TaskForceStatus,
)
from gtpptppo_api.task_forces.schemas import (
    SubTaskForceCreate,
    SubTaskForceRead,
    SubTaskForceUpdate,
    TaskForceCreate,
    TaskForceRead,
    TaskForceUpdate,
)

LEGAL = SubTaskForceKind.legal_norm_development
ENFORCEMENT = SubTaskForceKind.law_enforcement


def ensure_active(task_force: TaskForce) -> None:
    """A dissolved task force is kept as history: nothing more is recorded under it."""
    if task_force.status is TaskForceStatus.dissolved:
        raise Conflict("The task force is dissolved; its records are kept as history.")


OWN_LEVEL_RULE = "Lampiran V, Lampiran VI"


def ensure_own_level(caller: Caller, region_code: str, what: str) -> None:
    """A level acts on its own task force: the level above reads its records, receives and
    returns its reports and monitors it, but does not act for it (Permen PPPA 10/2012,
    Lampiran V and VI). The national administrator keeps every power."""
    if caller.role is Role.national_admin or caller.scope_code == region_code:
        return
    raise Forbidden(
        f"{what} is the act of the task force of region {region_code} itself; the level above "
        f"reads, receives, returns and monitors (Permen PPPA 10/2012, {OWN_LEVEL_RULE}).",
        rule=OWN_LEVEL_RULE,
    )


def read(task_force: TaskForce) -> TaskForceRead:
    return TaskForceRead.model_validate(task_force)


async def get_visible(session: AsyncSession, caller: Caller, task_force_id: int) -> TaskForce:
    """The task force, if it exists and lies in the caller's jurisdiction; 404 otherwise.

    A task force outside the jurisdiction answers exactly as one that does not exist.
    """
    return await scope.get(session, caller, TaskForce, task_force_id, noun="task force")


def list_query(
    caller: Caller,
    *,
    level: RegionLevel | None = None,
    status: TaskForceStatus | None = None,
    region_code: str | None = None,
    parent_id: int | None = None,
) -> Select[TaskForce]:
    query = scope.filter(select(TaskForce), caller, TaskForce.region_code)
    if level is not None:
        query = query.where(TaskForce.level == level)
    if status is not None:
        query = query.where(TaskForce.status == status)
    if region_code is not None:
        query = query.where(regions.subtree_clause(TaskForce.region_code, region_code))
    if parent_id is not None:
        query = query.where(TaskForce.parent_id == parent_id)
    return query.order_by(TaskForce.id)


def check_authority(
    region: Region,
    authority: DecreeAuthority,
    allowed: frozenset[DecreeAuthority],
    field: str,
    what: str,
) -> None:
    """Refuse a decree from the wrong authority for the level (2.1.5, 2.2.5, 2.3.5)."""
    if authority in allowed:
        return
    rule = rules.AUTHORITY_RULE[region.level]
    names = " or ".join(sorted(a.value for a in allowed))
    raise ValidationFailed.field(
        field,
        f"{what} of a {region.level.value} task force ({region.name}) is decreed by the "
        f"{names}, not the {authority.value} (Permen PPPA 10/2012, {rule})",
        rule=rule,
    )


def _sub_task_force(
    task_force: TaskForce, level: RegionLevel, kind: SubTaskForceKind, agency: str | None
) -> SubTaskForce:
    return SubTaskForce(
        task_force_id=task_force.id,
        kind=kind,
        name=rules.SUB_TASK_FORCE_NAMES[kind],
        coordinating_agency=agency or rules.default_coordinating_agency(level, kind),
    )


def _check_merge_allowed(region: Region, field: str) -> None:
    if region.level is not RegionLevel.regency:
        raise ValidationFailed.field(
            field,
            "only a regency/city task force may merge the legal-norm and law-enforcement "
            "sub-task-forces (Permen PPPA 10/2012, 2.3.1 f)",
            rule="2.3.1 f",
        )


async def create(session: AsyncSession, caller: Caller, body: TaskForceCreate) -> TaskForce:
    """Form a task force in a region: the region decides its level and parent (BAB II).

    At most one active task force per region; the national one is unique.
    """
    region = await regions.get(session, body.region_code)
    if region is None:
        raise ValidationFailed.field("region_code", f"unknown region code {body.region_code!r}")
    scope.ensure_acts_in(caller, region.code)
    check_authority(
        region,
        body.established_decree.authority,
        rules.decree_authorities(region.level, region.kind),
        "established_decree.authority",
        "the formation",
    )
    if body.merge_legal_sub_task_forces:
        _check_merge_allowed(region, "merge_legal_sub_task_forces")
    agencies: dict[SubTaskForceKind, str | None] = {}
    for index, item in enumerate(body.sub_task_forces or []):
        field = f"sub_task_forces.{index}"
        if item.kind in agencies:
            raise ValidationFailed.field(f"{field}.kind", f"{item.kind.value} is listed twice")
        if item.also_covers is not None:
            raise ValidationFailed.field(
                f"{field}.also_covers", "use merge_legal_sub_task_forces to merge units"
            )
        if body.merge_legal_sub_task_forces and item.kind is ENFORCEMENT:
            raise ValidationFailed.field(
                f"{field}.kind", "law_enforcement is merged into legal_norm_development"
            )
        agencies[item.kind] = item.coordinating_agency

    existing = await session.scalar(
        select(TaskForce.id).where(
            TaskForce.region_code == region.code, TaskForce.status == TaskForceStatus.active
        )
    )
    if existing is not None:
        raise Conflict(
            f"{region.name} already has an active task force ({existing}); dissolve it first.",
            existing_task_force_id=existing,
        )
    chair, daily_chair, host = rules.DEFAULT_POSITIONS[region.level]
    secretariat = body.secretariat
    task_force = TaskForce(
        name=body.name,
        region_code=region.code,
        level=region.level,
        status=TaskForceStatus.active,
        chair_position=body.chair_position or chair,
        daily_chair_position=body.daily_chair_position or daily_chair,
        secretariat_host_agency=secretariat.host_agency if secretariat else host,
        secretariat_head=secretariat.head if secretariat else None,
    )
    session.add(task_force)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent request formed one first
        raise Conflict(f"{region.name} already has an active task force.") from exc

    decree = body.established_decree
    session.add(
        Decree(
            task_force_id=task_force.id,
            number=decree.number,
            title=decree.title,
            issued_on=decree.issued_on,
            authority=decree.authority,
            purpose=DecreePurpose.establishment,
        )
    )
    for kind in SubTaskForceKind:
        if body.merge_legal_sub_task_forces and kind is ENFORCEMENT:
            continue
        unit = _sub_task_force(task_force, region.level, kind, agencies.get(kind))
        if body.merge_legal_sub_task_forces and kind is LEGAL:
            unit.also_covers = ENFORCEMENT
            unit.name = rules.MERGED_LEGAL_NAME
        session.add(unit)
    await session.flush()
    await session.refresh(task_force)
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="task_force",
        entity_id=task_force.id,
        after=read(task_force),
    )
    return task_force


async def _check_dissolution_decree(
    session: AsyncSession, task_force: TaskForce, body: TaskForceUpdate
) -> None:
    """Dissolution is decreed by the authority that formed the task force (2.1.5, 2.2.5,
    2.3.5): the President, the Governor, or the Bupati/Walikota; issued after the formation
    and by the day of dissolution, under a number of its own."""
    decree = body.dissolution_decree
    rule = rules.AUTHORITY_RULE[task_force.level]
    if decree is None:
        raise ValidationFailed.field(
            "dissolution_decree",
            f"a task force is dissolved by a decree of the authority that formed it "
            f"(Permen PPPA 10/2012, {rule})",
            rule=rule,
        )
    established = task_force.established_decree
    former = (
        established.authority
        if established is not None
        else rules.head_authority(task_force.level, task_force.region.kind)
    )
    check_authority(
        task_force.region,
        decree.authority,
        frozenset({former}),
        "dissolution_decree.authority",
        "the dissolution",
    )
    assert body.dissolved_on is not None
    if established is not None and decree.issued_on < established.issued_on:
        raise ValidationFailed.field(
            "dissolution_decree.issued_on", "issued before the task force was formed"
        )
    if decree.issued_on > body.dissolved_on:
        raise ValidationFailed.field(
            "dissolution_decree.issued_on", "issued after dissolved_on: the decree comes first"
        )
    taken = await session.scalar(
        select(Decree.id).where(
            Decree.task_force_id == task_force.id, Decree.number == decree.number
        )
    )
    if taken is not None:
        raise ValidationFailed.field(
            "dissolution_decree.number", f"already the number of decree {taken} of this task force"
        )


async def update(
    session: AsyncSession,
    caller: Caller,
    task_force_id: int,
    body: TaskForceUpdate,
    if_match: str | None,
) -> TaskForce:
    """Edit a task force, or dissolve it (kept as history, its region freed for a new one)."""
    task_force = await get_visible(session, caller, task_force_id)
    ensure_own_level(caller, task_force.region_code, "Editing or dissolving a task force")
    check_if_match(if_match, task_force.version)
    if task_force.status is TaskForceStatus.dissolved:
        raise Conflict("A dissolved task force is kept as history and cannot be edited.")
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise ValidationFailed.nothing_to_change()
    before = read(task_force)
    if (body.status is None) != (body.dissolved_on is None):
        field = "dissolved_on" if body.dissolved_on is None else "status"
        raise ValidationFailed.field(field, "status 'dissolved' and dissolved_on go together")
    if body.dissolved_on is not None:
        established = task_force.established_decree
        if established is not None and body.dissolved_on < established.issued_on:
            raise ValidationFailed.field(
                "dissolved_on", "a task force cannot be dissolved before it was established"
            )
        await _check_dissolution_decree(session, task_force, body)
    elif body.dissolution_decree is not None:
        raise ValidationFailed.field("dissolution_decree", "only given when dissolving")
    for name in ("name", "chair_position", "daily_chair_position"):
        if name in changes:
            if changes[name] is None:
                raise ValidationFailed.field(name, "must not be null")
            setattr(task_force, name, changes[name])
    if "secretariat" in changes:
        if body.secretariat is None:
            raise ValidationFailed.field("secretariat", "must not be null")
        task_force.secretariat_host_agency = body.secretariat.host_agency
        task_force.secretariat_head = body.secretariat.head
    action = "update"
    if body.status is not None:
        assert body.dissolution_decree is not None  # _check_dissolution_decree
        task_force.status = TaskForceStatus.dissolved
        task_force.dissolved_on = body.dissolved_on
        task_force.dissolution_reason = body.dissolution_reason
        session.add(
            Decree(
                task_force_id=task_force.id,
                purpose=DecreePurpose.dissolution,
                **body.dissolution_decree.model_dump(),
            )
        )
        action = "dissolve"
    elif body.dissolution_reason is not None:
        raise ValidationFailed.field("dissolution_reason", "only given when dissolving")
    await session.flush()
    await session.refresh(task_force)
    await audit.record(
        session,
        caller,
        action=action,
        entity_type="task_force",
        entity_id=task_force.id,
        before=before,
        after=read(task_force),
    )
    return task_force


# --- sub-task-forces -------------------------------------------------------------------


def sub_task_force_query(task_force: TaskForce) -> Select[SubTaskForce]:
    return (
        select(SubTaskForce)
        .where(SubTaskForce.task_force_id == task_force.id)
        .order_by(SubTaskForce.id)
    )


async def get_sub_task_force(
    session: AsyncSession, task_force: TaskForce, sub_task_force_id: int
) -> SubTaskForce:
    unit = await session.get(SubTaskForce, sub_task_force_id)
    if unit is None or unit.task_force_id != task_force.id:
        raise NotFound(f"Task force {task_force.id} has no sub-task-force {sub_task_force_id}.")
    return unit


async def add_sub_task_force(
    session: AsyncSession, caller: Caller, task_force_id: int, body: SubTaskForceCreate
) -> SubTaskForce:
    """Form one of the six sub-task-forces the task force does not have yet (2.x.3)."""
    task_force = await get_visible(session, caller, task_force_id)
    if task_force.status is TaskForceStatus.dissolved:
        raise Conflict("A dissolved task force cannot form sub-task-forces.")
    if body.also_covers is not None:
        if body.kind is not LEGAL or body.also_covers is not ENFORCEMENT:
            raise ValidationFailed.field(
                "also_covers",
                "only legal_norm_development may also cover law_enforcement (2.3.1 f)",
                rule="2.3.1 f",
            )
        _check_merge_allowed(task_force.region, "also_covers")
    units = (await session.scalars(sub_task_force_query(task_force))).all()
    covered = {kind for unit in units for kind in unit.covers}
    wanted = {body.kind} | ({body.also_covers} if body.also_covers else set())
    if covered & wanted:
        taken = ", ".join(sorted(k.value for k in covered & wanted))
        raise Conflict(f"Task force {task_force.id} already has a sub-task-force for {taken}.")
    unit = _sub_task_force(task_force, task_force.level, body.kind, body.coordinating_agency)
    if body.also_covers is not None:
        unit.also_covers = body.also_covers
        unit.name = rules.MERGED_LEGAL_NAME
    session.add(unit)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="sub_task_force",
        entity_id=unit.id,
        after=SubTaskForceRead.model_validate(unit),
    )
    return unit


async def update_sub_task_force(
    session: AsyncSession,
    caller: Caller,
    task_force_id: int,
    sub_task_force_id: int,
    body: SubTaskForceUpdate,
) -> SubTaskForce:
    task_force = await get_visible(session, caller, task_force_id)
    if task_force.status is TaskForceStatus.dissolved:
        raise Conflict("A dissolved task force is kept as history and cannot be edited.")
    unit = await get_sub_task_force(session, task_force, sub_task_force_id)
    before = SubTaskForceRead.model_validate(unit)
    changes = body.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            raise ValidationFailed.field(name, "must not be null")
        setattr(unit, name, value)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="update",
        entity_type="sub_task_force",
        entity_id=unit.id,
        before=before,
        after=SubTaskForceRead.model_validate(unit),
    )
    return unit
