"""Dependencies: the authenticated caller and function-level permissions."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.rate_limit import RateLimiter
from gtpptppo_api.auth.service import Caller, TokenCache, authenticate, hash_token
from gtpptppo_api.db.session import SessionDep, StreamSessionDep
from gtpptppo_api.errors import AppError, Forbidden
from gtpptppo_api.identities.oidc import looks_like_jwt, provider_caller

_bearer = HTTPBearer(auto_error=False, description="A token from `gtpptppo token create`.")

# The request state's note of the token whose request was counted against its rate limit
# already (by a lean read that then handed the request on, ``cached_caller``): counted once.
COUNTED = "rate_counted_token"


async def _caller(request: Request, session: AsyncSession) -> Caller:
    # An OpenID Provider's access token (identities/oidc.py), else one of the service's own tokens.
    caller = await provider_caller(request, session) or await authenticate(
        session, request.headers.get("authorization"), request.app.state.token_cache
    )
    request.state.caller = caller
    limiter: RateLimiter | None = request.app.state.rate_limiter
    if limiter is not None and getattr(request.state, COUNTED, None) != caller.token_id:
        await limiter.check(caller.token_id)
    return caller


async def current_caller(
    request: Request,
    session: SessionDep,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    return await _caller(request, session)


async def current_streaming_caller(
    request: Request,
    session: StreamSessionDep,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The caller of a streamed response, read in the request's one (streaming) session.

    A second session would deadlock on SQLite: each transaction begins IMMEDIATE, and the
    first session's lock is held until the handler returns.
    """
    return await _caller(request, session)


CallerDep = Annotated[Caller, Depends(current_caller)]
StreamingCallerDep = Annotated[Caller, Depends(current_streaming_caller)]

# What each role may do (function-level authorisation). Jurisdiction is checked separately,
# on every resource, by the services.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "regions:read": frozenset(Role),
    "task_forces:read": frozenset(
        {Role.national_admin, Role.task_force_admin, Role.reporter, Role.analyst}
    ),
    "task_forces:write": frozenset({Role.national_admin, Role.task_force_admin}),
    "members:read": frozenset({Role.national_admin, Role.task_force_admin, Role.reporter}),
    "members:write": frozenset({Role.national_admin, Role.task_force_admin}),
    "audit:read": frozenset({Role.national_admin}),
    "service_centres:read": frozenset(
        {Role.national_admin, Role.task_force_admin, Role.reporter, Role.service_centre}
    ),
    "service_centres:write": frozenset({Role.national_admin, Role.task_force_admin}),
    # Case records: read in jurisdiction (a centre: its own); pushed by the centre itself or
    # by the national secretariat, the clearing house of victim records (2.1.4 c).
    "cases:read": frozenset(
        {Role.national_admin, Role.task_force_admin, Role.reporter, Role.service_centre}
    ),
    "cases:write": frozenset({Role.service_centre, Role.national_admin}),
    # Likely duplicates resolved as one victim by the secretariats, the clearing house of
    # victim data (2.1.4 C, 2.2.4 d, 2.3.4 (7)).
    "cases:link": frozenset({Role.national_admin, Role.task_force_admin}),
    # De-identified aggregates and exports.
    "statistics:read": frozenset(
        {Role.national_admin, Role.task_force_admin, Role.reporter, Role.analyst}
    ),
    "exports:read": frozenset({Role.national_admin, Role.analyst}),
    # The HTCDS 2.0 export: whole records for national admins and a centre (its own cases),
    # the de-identified release for analysts (``exports.htcds``).
    "exports:htcds": frozenset({Role.national_admin, Role.analyst, Role.service_centre}),
    # Reports (3.3.3): exact figures and narratives, so not for analysts.
    "reports:read": frozenset({Role.national_admin, Role.task_force_admin, Role.reporter}),
    "reports:write": frozenset({Role.national_admin, Role.task_force_admin}),
    "narratives:write": frozenset({Role.national_admin, Role.task_force_admin, Role.reporter}),
    # Action plans (RAN/RAD, BAB V): not personal data, so analysts read them too.
    "action_plans:read": frozenset(
        {Role.national_admin, Role.task_force_admin, Role.reporter, Role.analyst}
    ),
    "action_plans:write": frozenset({Role.national_admin, Role.task_force_admin}),
    # Cooperation agreements (BAB IV), capacity building (5.1) and facilities (5.2): not
    # personal data, so analysts read them too; a centre reads its own facilities.
    "agreements:read": frozenset(
        {Role.national_admin, Role.task_force_admin, Role.reporter, Role.analyst}
    ),
    "agreements:write": frozenset({Role.national_admin, Role.task_force_admin}),
    "capacity:read": frozenset(
        {Role.national_admin, Role.task_force_admin, Role.reporter, Role.analyst}
    ),
    "capacity:write": frozenset({Role.national_admin, Role.task_force_admin}),
    "facilities:read": frozenset(
        {
            Role.national_admin,
            Role.task_force_admin,
            Role.reporter,
            Role.analyst,
            Role.service_centre,
        }
    ),
    "facilities:write": frozenset({Role.national_admin, Role.task_force_admin}),
    # Coordination meetings (3.1) and monitoring visits (3.3.1) name members and findings:
    # not for analysts. Cadence compliance is not personal, so analysts read it.
    "meetings:read": frozenset({Role.national_admin, Role.task_force_admin, Role.reporter}),
    "meetings:write": frozenset({Role.national_admin, Role.task_force_admin}),
    "monitoring:read": frozenset({Role.national_admin, Role.task_force_admin, Role.reporter}),
    "monitoring:write": frozenset({Role.national_admin, Role.task_force_admin}),
    "compliance:read": frozenset(
        {Role.national_admin, Role.task_force_admin, Role.reporter, Role.analyst}
    ),
    # Community partners (5.7): their contact person is personal data, shown only to the
    # secretariats (see partners.service.CONTACT_ROLES), so not for analysts.
    # A service centre's coordination with its task force (3.2): the centre asks for one
    # and reads its meetings and the monitoring findings about itself; the chain reads them.
    "coordination:read": frozenset(
        {Role.national_admin, Role.task_force_admin, Role.reporter, Role.service_centre}
    ),
    "coordination:request": frozenset({Role.service_centre, Role.national_admin}),
    "partners:read": frozenset({Role.national_admin, Role.task_force_admin, Role.reporter}),
    # A case's consent record (UU 27/2022) and its referrals and transfers: the case's own
    # centre (and the receiving one, for a referral) or the national admin; jurisdiction by
    # the services (consent.service, referrals.service).
    "consent:read": frozenset({Role.service_centre, Role.national_admin}),
    "consent:write": frozenset({Role.service_centre, Role.national_admin}),
    "referrals:read": frozenset({Role.service_centre, Role.national_admin}),
    "referrals:write": frozenset({Role.service_centre, Role.national_admin}),
    "partners:write": frozenset({Role.national_admin, Role.task_force_admin}),
    # Data subject requests (UU 27/2022): answered by the centre that received them (or the
    # national admin); the secretariats of the region follow them. The breach register and
    # the retention schedule are the national administrator's.
    "privacy:read": frozenset({Role.national_admin, Role.task_force_admin, Role.service_centre}),
    "privacy:handle": frozenset({Role.national_admin, Role.service_centre}),
    # Who an OpenID Provider's claims make (identities/oidc.py): kept by the national secretariat.
    "identity_mappings:write": frozenset({Role.national_admin}),
    # Webhooks: the app of a task force or a centre, for events in its own jurisdiction.
    "webhooks:manage": frozenset({Role.national_admin, Role.task_force_admin, Role.service_centre}),
}


async def cached_caller(request: Request, permission: str) -> Caller | None:
    """A lean read's caller (``kit.lean``): the caller of a service token held by the token
    cache, with ``permission``, within its rate limit (the request is counted, once: the
    full stack does not count it again if the request goes on to it).

    None for anything else: no or another scheme, an OpenID Provider's token, a token the
    cache does not hold (the full stack looks it up and fills the cache), a role without
    the permission (403), a limit reached (429) or not countable (503).
    """
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not credentials:
        return None
    state = request.app.state
    if state.oidc is not None and looks_like_jwt(credentials):
        return None
    cache: TokenCache = state.token_cache
    caller = cache.get(hash_token(credentials))
    if caller is None or caller.role not in PERMISSIONS[permission]:
        return None
    limiter: RateLimiter | None = state.rate_limiter
    if limiter is not None:
        try:
            await limiter.check(caller.token_id)
        except AppError:
            return None
        setattr(request.state, COUNTED, caller.token_id)
    request.state.caller = caller
    return caller


def _check(caller: Caller, permission: str) -> Caller:
    if caller.role not in PERMISSIONS[permission]:
        raise Forbidden(
            f"The role {caller.role.value} may not do this ({permission}).",
            permission=permission,
        )
    return caller


def require(permission: str) -> Callable[[Caller], Coroutine[Any, Any, Caller]]:
    if permission not in PERMISSIONS:  # fails at import, not on the first request
        raise KeyError(permission)

    async def dependency(caller: CallerDep) -> Caller:
        return _check(caller, permission)

    return dependency


def require_streaming(permission: str) -> Callable[[Caller], Coroutine[Any, Any, Caller]]:
    """``require`` for endpoints that stream their response over ``StreamSessionDep``."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)

    async def dependency(caller: StreamingCallerDep) -> Caller:
        return _check(caller, permission)

    return dependency


NationalAdmin = Annotated[Caller, Depends(require("audit:read"))]
RegionReader = Annotated[Caller, Depends(require("regions:read"))]
TaskForceReader = Annotated[Caller, Depends(require("task_forces:read"))]
TaskForceWriter = Annotated[Caller, Depends(require("task_forces:write"))]
MemberReader = Annotated[Caller, Depends(require("members:read"))]
MemberWriter = Annotated[Caller, Depends(require("members:write"))]
ServiceCentreReader = Annotated[Caller, Depends(require("service_centres:read"))]
ServiceCentreWriter = Annotated[Caller, Depends(require("service_centres:write"))]
CaseReader = Annotated[Caller, Depends(require("cases:read"))]
CaseWriter = Annotated[Caller, Depends(require("cases:write"))]
CaseLinker = Annotated[Caller, Depends(require("cases:link"))]
StatisticsReader = Annotated[Caller, Depends(require("statistics:read"))]
# Exports stream their rows: one session for the caller and the rows (see above).
ExportReader = Annotated[Caller, Depends(require_streaming("exports:read"))]
HtcdsExportReader = Annotated[Caller, Depends(require_streaming("exports:htcds"))]
ActionPlanReader = Annotated[Caller, Depends(require("action_plans:read"))]
ActionPlanWriter = Annotated[Caller, Depends(require("action_plans:write"))]
AgreementReader = Annotated[Caller, Depends(require("agreements:read"))]
AgreementWriter = Annotated[Caller, Depends(require("agreements:write"))]
CapacityReader = Annotated[Caller, Depends(require("capacity:read"))]
CapacityWriter = Annotated[Caller, Depends(require("capacity:write"))]
FacilityReader = Annotated[Caller, Depends(require("facilities:read"))]
FacilityWriter = Annotated[Caller, Depends(require("facilities:write"))]
MeetingReader = Annotated[Caller, Depends(require("meetings:read"))]
MeetingWriter = Annotated[Caller, Depends(require("meetings:write"))]
MonitoringReader = Annotated[Caller, Depends(require("monitoring:read"))]
MonitoringWriter = Annotated[Caller, Depends(require("monitoring:write"))]
ComplianceReader = Annotated[Caller, Depends(require("compliance:read"))]
ReportReader = Annotated[Caller, Depends(require("reports:read"))]
ReportWriter = Annotated[Caller, Depends(require("reports:write"))]
NarrativeWriter = Annotated[Caller, Depends(require("narratives:write"))]
CoordinationReader = Annotated[Caller, Depends(require("coordination:read"))]
CoordinationRequester = Annotated[Caller, Depends(require("coordination:request"))]
PartnerReader = Annotated[Caller, Depends(require("partners:read"))]
PartnerWriter = Annotated[Caller, Depends(require("partners:write"))]
PrivacyReader = Annotated[Caller, Depends(require("privacy:read"))]
PrivacyHandler = Annotated[Caller, Depends(require("privacy:handle"))]
ConsentReader = Annotated[Caller, Depends(require("consent:read"))]
ConsentWriter = Annotated[Caller, Depends(require("consent:write"))]
ReferralReader = Annotated[Caller, Depends(require("referrals:read"))]
ReferralWriter = Annotated[Caller, Depends(require("referrals:write"))]
IdentityMappingWriter = Annotated[Caller, Depends(require("identity_mappings:write"))]
WebhookManager = Annotated[Caller, Depends(require("webhooks:manage"))]
