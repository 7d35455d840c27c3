"""Issuing and checking bearer tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.auth.models import ApiToken, Role
from gtpptppo_api.db.base import utcnow
from gtpptppo_api.errors import Unauthenticated, ValidationFailed
from gtpptppo_api.kit.region_codes import NATIONAL, in_subtree
from gtpptppo_api.regions.models import Region
from gtpptppo_api.service_centres.models import ServiceCentre

TOKEN_PREFIX = "gtp_"  # noqa: S105 - a marker, not a secret


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated caller of one request."""

    token_id: int
    name: str
    role: Role
    region_code: str | None
    service_centre_id: int | None

    @property
    def scope_code(self) -> str:
        """The root of the caller's jurisdiction: a region code, or ``ID`` for all."""
        return self.region_code or NATIONAL

    def covers(self, region_code: str) -> bool:
        """Whether ``region_code`` lies in the caller's jurisdiction (itself or below)."""
        return in_subtree(region_code, self.scope_code)


async def create_token(
    session: AsyncSession,
    *,
    name: str,
    role: Role,
    region_code: str | None = None,
    service_centre_id: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its clear text, which is never stored."""
    if not name.strip():
        raise ValidationFailed.field("name", "must not be empty")
    if region_code is not None:
        if region_code != NATIONAL and await session.get(Region, region_code) is None:
            raise ValidationFailed.field("region", f"unknown region code {region_code!r}")
        if region_code == NATIONAL:
            region_code = None
    if role in (Role.task_force_admin, Role.reporter) and region_code is None:
        raise ValidationFailed.field(
            "region", f"a {role.value} token is scoped to a region: give --region CODE"
        )
    if role is Role.national_admin and region_code is not None:
        raise ValidationFailed.field("region", "a national_admin token covers the whole nation")
    if role is Role.service_centre:
        if service_centre_id is None:
            raise ValidationFailed.field("centre", "a service_centre token is bound to one centre")
        if region_code is not None:
            raise ValidationFailed.field(
                "region", "a service_centre token takes its centre's region"
            )
        centre = await session.get(ServiceCentre, service_centre_id)
        if centre is None:
            raise ValidationFailed.field("centre", f"no service centre {service_centre_id}")
        region_code = centre.region_code
    if role is not Role.service_centre and service_centre_id is not None:
        raise ValidationFailed.field("centre", "only a service_centre token names a centre")
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name.strip(),
        role=role,
        region_code=region_code,
        service_centre_id=service_centre_id,
        token_hash=hash_token(clear),
    )
    session.add(token)
    await session.flush()
    return token, clear


async def list_tokens(session: AsyncSession) -> list[ApiToken]:
    """Every token ever issued, revoked ones too, oldest first (their hashes are not shown)."""
    return list((await session.scalars(select(ApiToken).order_by(ApiToken.id))).all())


async def revoke_token(
    session: AsyncSession, clear: str | None = None, *, token_id: int | None = None
) -> ApiToken:
    """Revoke a token, given as itself or by its id (from ``list_tokens``; for a token whose
    text is lost). It is kept, with the time, for the audit trail; it authenticates no more."""
    if (clear is None) == (token_id is None):
        raise ValueError("give the token or its id, not both")
    if token_id is not None:
        token = await session.get(ApiToken, token_id)
        if token is None:
            raise ValidationFailed.field("id", f"no token has the id {token_id}")
    else:
        assert clear is not None
        digest = hash_token(clear)
        token = await session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
        if token is None:
            raise ValidationFailed.field("token", "no such token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        await session.flush()
    return token


# Every request runs this lookup: built once, as plain columns (no ORM object to track), so
# that a request pays only for its execution.
_TOKEN_BY_HASH = select(
    ApiToken.id,
    ApiToken.name,
    ApiToken.role,
    ApiToken.region_code,
    ApiToken.service_centre_id,
    ApiToken.token_hash,
    ApiToken.revoked_at,
).where(ApiToken.token_hash == bindparam("digest"))


class TokenCache:
    """Callers by token hash, kept ``seconds`` in one API process, so that a caller's
    requests do not each look its token up.

    The bound on a revocation: ``gtpptppo token revoke`` commits in the database, and every
    API process (on any machine) refuses the token at the latest ``seconds`` after that,
    when its entry expires; an unknown, malformed or revoked token is never kept. At most
    ``size`` entries: past it the expired ones go, then the oldest.
    """

    def __init__(self, seconds: float, size: int = 10_000) -> None:
        self.seconds = seconds
        self.size = size
        self._entries: dict[str, tuple[float, Caller]] = {}

    def get(self, digest: str) -> Caller | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            del self._entries[digest]
            return None
        return entry[1]

    def put(self, digest: str, caller: Caller) -> None:
        if self.seconds <= 0:
            return
        now = time.monotonic()
        if len(self._entries) >= self.size:
            self._entries = {d: e for d, e in self._entries.items() if e[0] > now}
            while len(self._entries) >= self.size:  # insertion order: the oldest first
                del self._entries[next(iter(self._entries))]
        self._entries[digest] = (now + self.seconds, caller)

    def forget(self, digest: str) -> None:
        self._entries.pop(digest, None)


async def authenticate(
    session: AsyncSession, authorization: str | None, cache: TokenCache | None = None
) -> Caller:
    """The caller named by an ``Authorization: Bearer`` header, or 401: every request's
    token is resolved here, from ``cache`` when it holds the token (``TokenCache``)."""
    if not authorization:
        raise Unauthenticated("Send an Authorization: Bearer <token> header.")
    scheme, _, credentials = authorization.partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not credentials:
        raise Unauthenticated("Use the Bearer scheme: Authorization: Bearer <token>.")
    digest = hash_token(credentials)
    if cache is not None and (caller := cache.get(digest)) is not None:
        return caller
    token = (await session.execute(_TOKEN_BY_HASH, {"digest": digest})).first()
    # The lookup is by hash, so timing reveals nothing of the token; compare once more in
    # constant time all the same.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        raise Unauthenticated("The token is not valid.")
    if token.revoked_at is not None:
        raise Unauthenticated("The token has been revoked.")
    caller = Caller(
        token_id=token.id,
        name=token.name,
        role=token.role,
        region_code=token.region_code,
        service_centre_id=token.service_centre_id,
    )
    if cache is not None:
        cache.put(digest, caller)
    return caller
