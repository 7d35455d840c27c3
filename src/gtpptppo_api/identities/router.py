from __future__ import annotations

from fastapi import APIRouter

from gtpptppo_api.auth.deps import IdentityMappingWriter
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.identities import service
from gtpptppo_api.identities.schemas import IdentityMappingCreate, IdentityMappingRead
from gtpptppo_api.kit.openapi import ID, links
from gtpptppo_api.kit.pagination import CursorPage, paginate

router = APIRouter(prefix="/identity-mappings", tags=["identity mappings"])


@router.post("", status_code=201, responses={201: links(get_identity_mapping={"mapping_id": ID})})
async def create_identity_mapping(
    body: IdentityMappingCreate, session: SessionDep, caller: IdentityMappingWriter
) -> IdentityMappingRead:
    """Map a claim value (a group) of an OpenID Provider's tokens to a role and jurisdiction."""
    return IdentityMappingRead.model_validate(await service.create(session, caller, body))


@router.get("", response_model=CursorPage[IdentityMappingRead])
async def list_identity_mappings(
    session: SessionDep, caller: IdentityMappingWriter
) -> CursorPage[IdentityMappingRead]:
    page: CursorPage[IdentityMappingRead] = await paginate(session, service.list_query())
    return page


@router.get("/{mapping_id}")
async def get_identity_mapping(
    mapping_id: int, session: SessionDep, caller: IdentityMappingWriter
) -> IdentityMappingRead:
    return IdentityMappingRead.model_validate(await service.get(session, mapping_id))


@router.delete("/{mapping_id}", status_code=204)
async def delete_identity_mapping(
    mapping_id: int, session: SessionDep, caller: IdentityMappingWriter
) -> None:
    """Delete a mapping; those it gave a role lose it at their next request."""
    await service.delete(session, caller, mapping_id)
