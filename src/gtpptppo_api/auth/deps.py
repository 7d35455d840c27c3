"""Dependencies: the authenticated caller and function-level permissions."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import Caller, authenticate
from gtpptppo_api.db.session import SessionDep
from gtpptppo_api.errors import Forbidden

_bearer = HTTPBearer(auto_error=False, description="A token from `gtpptppo token create`.")


async def current_caller(
    request: Request,
    session: SessionDep,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    caller = await authenticate(session, request.headers.get("authorization"))
    request.state.caller = caller
    return caller


CallerDep = Annotated[Caller, Depends(current_caller)]

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
}


def require(permission: str) -> Callable[[Caller], Coroutine[Any, Any, Caller]]:
    roles = PERMISSIONS[permission]

    async def dependency(caller: CallerDep) -> Caller:
        if caller.role not in roles:
            raise Forbidden(
                f"The role {caller.role.value} may not do this ({permission}).",
                permission=permission,
            )
        return caller

    return dependency


NationalAdmin = Annotated[Caller, Depends(require("audit:read"))]
RegionReader = Annotated[Caller, Depends(require("regions:read"))]
TaskForceReader = Annotated[Caller, Depends(require("task_forces:read"))]
TaskForceWriter = Annotated[Caller, Depends(require("task_forces:write"))]
MemberReader = Annotated[Caller, Depends(require("members:read"))]
MemberWriter = Annotated[Caller, Depends(require("members:write"))]
ServiceCentreReader = Annotated[Caller, Depends(require("service_centres:read"))]
ServiceCentreWriter = Annotated[Caller, Depends(require("service_centres:write"))]
