"""Community partners (Peran Serta Masyarakat, Permen PPPA 10/2012 §5.7): identify the
groups (a), build their capacity and coordinate with them (b, c, as activities), and
recognise them (d, as awards).

Services flush, never commit; the request's session commits.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller
from gtpptppo_api.errors import NotFound, ValidationFailed
from gtpptppo_api.kit import clock
from gtpptppo_api.kit.crypto import Keyring
from gtpptppo_api.kit.etag import check_if_match
from gtpptppo_api.partners.models import CommunityPartner, PartnerActivity, PartnerAward
from gtpptppo_api.partners.schemas import (
    AwardCreate,
    AwardRead,
    PartnerActivityCreate,
    PartnerActivityRead,
    PartnerContact,
    PartnerCreate,
    PartnerRead,
    PartnerUpdate,
)
from gtpptppo_api.task_forces import service as task_forces
from gtpptppo_api.task_forces.models import TaskForce
from gtpptppo_api.task_forces.service import ensure_active

# Who sees a group's contact person: the secretariats that work with the group.
CONTACT_ROLES = frozenset({Role.national_admin, Role.task_force_admin})


def _associated(partner: CommunityPartner) -> str:
    return f"community_partner:{partner.id}"


def _seal(partner: CommunityPartner, contact: PartnerContact | None, keyring: Keyring) -> None:
    if contact is None:
        partner.contact_key_id, partner.contact_ciphertext = None, None
        return
    partner.contact_key_id, partner.contact_ciphertext = keyring.encrypt(
        contact.model_dump(), _associated(partner)
    )


def public_view(partner: CommunityPartner) -> PartnerRead:
    """The partner without its contact person."""
    return PartnerRead(
        id=partner.id,
        task_force_id=partner.task_force_id,
        name=partner.name,
        kind=partner.kind,
        contribution=partner.contribution,
        listing_consent=partner.listing_consent,
        has_contact=partner.contact_ciphertext is not None,
        created_at=partner.created_at,
        updated_at=partner.updated_at,
        version=partner.version,
    )


async def read(
    session: AsyncSession, caller: Caller, partner: CommunityPartner, keyring: Keyring
) -> PartnerRead:
    """The partner; its contact person decrypted for the roles that may see it (audited)."""
    result = public_view(partner)
    if caller.role in CONTACT_ROLES and partner.contact_ciphertext is not None:
        assert partner.contact_key_id is not None
        result.contact = PartnerContact.model_validate(
            keyring.decrypt(
                partner.contact_key_id, partner.contact_ciphertext, _associated(partner)
            )
        )
        await audit.record(
            session,
            caller,
            action="read_personal",
            entity_type="community_partner",
            entity_id=partner.id,
        )
    return result


async def get_visible(
    session: AsyncSession, caller: Caller, task_force_id: int, partner_id: int
) -> tuple[TaskForce, CommunityPartner]:
    """The partner of a task force in the caller's jurisdiction; 404 otherwise."""
    task_force = await task_forces.get_visible(session, caller, task_force_id)
    partner = await session.get(CommunityPartner, partner_id)
    if partner is None or partner.task_force_id != task_force.id:
        raise NotFound(f"Task force {task_force_id} has no community partner {partner_id}.")
    return task_force, partner


async def create(
    session: AsyncSession, caller: Caller, task_force_id: int, body: PartnerCreate, keyring: Keyring
) -> CommunityPartner:
    """Record a community group working with the task force (5.7 a)."""
    task_force = await task_forces.get_visible(session, caller, task_force_id)
    ensure_active(task_force)
    partner = CommunityPartner(
        task_force_id=task_force.id,
        name=body.name,
        kind=body.kind,
        contribution=body.contribution,
        listing_consent=body.listing_consent,
    )
    session.add(partner)
    await session.flush()  # the id is bound into the ciphertext
    _seal(partner, body.contact, keyring)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="community_partner",
        entity_id=partner.id,
        after=public_view(partner),
    )
    return partner


async def update(
    session: AsyncSession,
    caller: Caller,
    task_force_id: int,
    partner_id: int,
    body: PartnerUpdate,
    keyring: Keyring,
    if_match: str | None,
) -> CommunityPartner:
    task_force, partner = await get_visible(session, caller, task_force_id, partner_id)
    ensure_active(task_force)
    check_if_match(if_match, partner.version)
    before = public_view(partner)
    changes = body.model_dump(exclude_unset=True)
    for name in ("name", "kind", "contribution", "listing_consent"):
        if name in changes:
            if changes[name] is None:
                raise ValidationFailed.field(name, "must not be null")
            setattr(partner, name, changes[name])
    if "contact" in changes:
        _seal(partner, body.contact, keyring)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="update",
        entity_type="community_partner",
        entity_id=partner.id,
        before=before,
        after=public_view(partner),
        reason="contact replaced" if "contact" in changes else None,
    )
    return partner


def list_query(task_force: TaskForce, *, listed: bool | None = None) -> Select[CommunityPartner]:
    query = select(CommunityPartner).where(CommunityPartner.task_force_id == task_force.id)
    if listed is not None:
        query = query.where(CommunityPartner.listing_consent == listed)
    return query.order_by(CommunityPartner.id)


async def add_activity(
    session: AsyncSession,
    caller: Caller,
    task_force_id: int,
    partner_id: int,
    body: PartnerActivityCreate,
) -> PartnerActivity:
    """An activity with the group: capacity building, coordination, prevention (5.7 b, c)."""
    task_force, partner = await get_visible(session, caller, task_force_id, partner_id)
    ensure_active(task_force)
    activity = PartnerActivity(partner_id=partner.id, **body.model_dump())
    session.add(activity)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="partner_activity",
        entity_id=activity.id,
        after=PartnerActivityRead.model_validate(activity),
    )
    return activity


def activities_query(partner: CommunityPartner) -> Select[PartnerActivity]:
    return (
        select(PartnerActivity)
        .where(PartnerActivity.partner_id == partner.id)
        .order_by(PartnerActivity.id)
    )


async def add_award(
    session: AsyncSession, caller: Caller, task_force_id: int, partner_id: int, body: AwardCreate
) -> PartnerAward:
    """An award given by the task force to the group for its role (5.7 d)."""
    task_force, partner = await get_visible(session, caller, task_force_id, partner_id)
    ensure_active(task_force)
    if body.awarded_on > clock.today(task_force.region_code):
        raise ValidationFailed.field("awarded_on", "an award is recorded once it is given")
    award = PartnerAward(partner_id=partner.id, **body.model_dump())
    session.add(award)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="partner_award",
        entity_id=award.id,
        after=AwardRead.model_validate(award),
    )
    return award


def awards_query(partner: CommunityPartner) -> Select[PartnerAward]:
    return (
        select(PartnerAward).where(PartnerAward.partner_id == partner.id).order_by(PartnerAward.id)
    )


async def listed(session: AsyncSession, task_force_id: int) -> list[dict[str, object]]:
    """The partners that consented to be listed publicly, with their awards (no contact)."""
    partners = (
        await session.scalars(
            select(CommunityPartner)
            .where(
                CommunityPartner.task_force_id == task_force_id,
                CommunityPartner.listing_consent.is_(True),
            )
            .order_by(CommunityPartner.name, CommunityPartner.id)
        )
    ).all()
    awards: dict[int, list[PartnerAward]] = {p.id: [] for p in partners}
    if partners:
        for award in await session.scalars(
            select(PartnerAward)
            .where(PartnerAward.partner_id.in_(list(awards)))
            .order_by(PartnerAward.awarded_on, PartnerAward.id)
        ):
            awards[award.partner_id].append(award)
    return [
        {
            "name": p.name,
            "kind": p.kind.value,
            "contribution": p.contribution,
            "awards": [{"title": a.title, "awarded_on": a.awarded_on} for a in awards[p.id]],
        }
        for p in partners
    ]
