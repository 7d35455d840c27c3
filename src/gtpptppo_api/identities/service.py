"""The national administrator's table of identity mappings, and who a token's claims make.

A person signed in through the OpenID Provider gets a role and a jurisdiction only from the
mappings their claims match (``identities/oidc.py`` verifies the token first): a claim value no
mapping names gives nothing, and values that map to different identities are refused rather
than one picked.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, select, tuple_
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.audit import service as audit
from gtpptppo_api.auth.models import ApiToken, Role
from gtpptppo_api.auth.service import Caller, hash_token
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gtpptppo_api.identities.models import FederatedIdentity, IdentityMapping
from gtpptppo_api.identities.schemas import IdentityMappingCreate, IdentityMappingRead
from gtpptppo_api.kit.region_codes import NATIONAL
from gtpptppo_api.regions import service as regions
from gtpptppo_api.service_centres.models import ServiceCentre

# Roles always scoped to a region (an analyst may be, or not).
REGIONAL = frozenset({Role.task_force_admin, Role.reporter})


async def _scope(
    session: AsyncSession, body: IdentityMappingCreate
) -> tuple[str | None, int | None]:
    """The mapping's region and centre, checked as ``gtpptppo token create`` checks them."""
    region_code = None if body.region_code == NATIONAL else body.region_code
    if body.role is Role.service_centre:
        if body.service_centre_id is None:
            raise ValidationFailed.field("service_centre_id", "a service_centre maps to a centre")
        centre = await session.get(ServiceCentre, body.service_centre_id)
        if centre is None:
            raise ValidationFailed.field(
                "service_centre_id", f"no service centre {body.service_centre_id}"
            )
        if region_code is not None and region_code != centre.region_code:
            raise ValidationFailed.field("region_code", "a centre's mapping takes its region")
        return centre.region_code, centre.id
    if body.service_centre_id is not None:
        raise ValidationFailed.field("service_centre_id", "only a service_centre names a centre")
    if body.role is Role.national_admin:
        if region_code is not None:
            raise ValidationFailed.field("region_code", "a national_admin covers the nation")
        return None, None
    if region_code is None:
        if body.role in REGIONAL:
            raise ValidationFailed.field(
                "region_code", f"a {body.role.value} is scoped to a region"
            )
        return None, None
    if await regions.get(session, region_code) is None:
        raise ValidationFailed.field("region_code", f"unknown region code {region_code!r}")
    return region_code, None


async def create(
    session: AsyncSession, caller: Caller, body: IdentityMappingCreate
) -> IdentityMapping:
    region_code, centre_id = await _scope(session, body)
    issuer = body.issuer.rstrip("/")
    clash = await session.scalar(
        select(IdentityMapping.id).where(
            IdentityMapping.issuer == issuer,
            IdentityMapping.claim == body.claim,
            IdentityMapping.value == body.value,
        )
    )
    if clash is not None:
        raise Conflict(
            f"Mapping {clash} already maps {body.claim}={body.value!r} of this issuer; "
            "delete it first to change what it gives."
        )
    mapping = IdentityMapping(
        issuer=issuer,
        claim=body.claim,
        value=body.value,
        role=body.role,
        region_code=region_code,
        service_centre_id=centre_id,
    )
    session.add(mapping)
    await session.flush()
    await audit.record(
        session,
        caller,
        action="create",
        entity_type="identity_mapping",
        entity_id=mapping.id,
        after=IdentityMappingRead.model_validate(mapping),
    )
    return mapping


def list_query() -> Select[IdentityMapping]:
    return select(IdentityMapping).order_by(IdentityMapping.id)


async def get(session: AsyncSession, mapping_id: int) -> IdentityMapping:
    mapping = await session.get(IdentityMapping, mapping_id)
    if mapping is None:
        raise NotFound(f"No identity mapping {mapping_id}.")
    return mapping


async def delete(session: AsyncSession, caller: Caller, mapping_id: int) -> None:
    """Delete a mapping: its holders lose what it gave at their next request."""
    mapping = await get(session, mapping_id)
    await audit.record(
        session,
        caller,
        action="delete",
        entity_type="identity_mapping",
        entity_id=mapping.id,
        before=IdentityMappingRead.model_validate(mapping),
    )
    await session.delete(mapping)
    await session.flush()


@dataclass(frozen=True, slots=True)
class Claims:
    """What a verified token says of its holder."""

    issuer: str
    subject: str
    name: str
    values: dict[str, frozenset[str]]  # mapping claim -> its values


async def resolve(session: AsyncSession, claims: Claims) -> Caller:
    """The caller a verified token stands for, by the mappings its claim values match."""
    pairs = [(claim, value) for claim, values in claims.values.items() for value in values]
    mappings = await _matching(session, claims.issuer, pairs)
    identities = {(m.role, m.region_code, m.service_centre_id) for m in mappings}
    if not identities:
        raise Forbidden(
            "The provider's token is valid, but no identity mapping gives its claims a role; "
            "ask the national administrator to map your group (/identity-mappings)."
        )
    if len(identities) > 1:
        raise Forbidden(
            "The token's claims match identity mappings that give different roles or "
            f"jurisdictions (mappings {sorted(m.id for m in mappings)}); none is picked."
        )
    role, region_code, centre_id = identities.pop()
    token_id = await _anchor(session, claims, role, region_code, centre_id)
    return Caller(
        token_id=token_id,
        name=_actor_name(claims),
        role=role,
        region_code=region_code,
        service_centre_id=centre_id,
    )


def _actor_name(claims: Claims) -> str:
    """How the audit trail names the person: their name and subject (``sub``)."""
    if claims.name == claims.subject:
        return claims.subject[:200]
    return f"{claims.name} ({claims.subject})"[:200]


async def _matching(
    session: AsyncSession, issuer: str, pairs: Iterable[tuple[str, str]]
) -> list[IdentityMapping]:
    pairs = list(pairs)
    if not pairs:
        return []
    query = select(IdentityMapping).where(
        IdentityMapping.issuer == issuer,
        tuple_(IdentityMapping.claim, IdentityMapping.value).in_(pairs),
    )
    return list((await session.scalars(query)).all())


async def _anchor(
    session: AsyncSession,
    claims: Claims,
    role: Role,
    region_code: str | None,
    centre_id: int | None,
) -> int:
    """The ``api_token`` row standing for the subject; made at the first sign-in, and kept
    in step with the role and jurisdiction its claims give now (written only on a change)."""
    row = (
        await session.execute(
            select(FederatedIdentity, ApiToken)
            .join(ApiToken, ApiToken.id == FederatedIdentity.token_id)
            .where(
                FederatedIdentity.issuer == claims.issuer,
                FederatedIdentity.subject == claims.subject,
            )
        )
    ).first()
    name = claims.name[:200]
    if row is None:
        return await _first_sign_in(session, claims, role, region_code, centre_id)
    identity, token = row
    if identity.name != name:
        identity.name = name
    if (token.role, token.region_code, token.service_centre_id) != (role, region_code, centre_id):
        token.role, token.region_code, token.service_centre_id = role, region_code, centre_id
    if token.revoked_at is not None:
        raise Forbidden("This person's access has been revoked (gtpptppo token revoke --id).")
    return token.id


async def _first_sign_in(
    session: AsyncSession,
    claims: Claims,
    role: Role,
    region_code: str | None,
    centre_id: int | None,
) -> int:
    """Make the subject's anchor. Two first requests at once both make a token, and the
    identity's unique key keeps one (``ON CONFLICT DO NOTHING``, no error to abort either
    transaction); the other's token is revoked at once, never having been named."""
    token = ApiToken(
        name=f"OpenID {claims.subject}"[:200],
        role=role,
        region_code=region_code,
        service_centre_id=centre_id,
        # never shown, never a usable bearer: the hash of random bytes
        token_hash=hash_token(secrets.token_urlsafe(32)),
    )
    session.add(token)
    await session.flush()
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(
        insert(FederatedIdentity)
        .values(
            issuer=claims.issuer,
            subject=claims.subject,
            name=claims.name[:200],
            token_id=token.id,
            first_seen_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["issuer", "subject"])
    )
    anchor = await session.scalar(
        select(FederatedIdentity.token_id).where(
            FederatedIdentity.issuer == claims.issuer,
            FederatedIdentity.subject == claims.subject,
        )
    )
    assert anchor is not None
    if anchor != token.id:
        token.revoked_at = utcnow()
        await session.flush()
    return int(anchor)
