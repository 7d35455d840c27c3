"""OpenID Connect sign-in: JWT access tokens of a configured OpenID Provider.

Beside the service's own bearer tokens (``gtp_...``), a request may carry an access token
(a JWT, RFC 9068) that the provider named by ``GTPPTPPO_OIDC_ISSUER`` issued for this API
(``GTPPTPPO_OIDC_AUDIENCE``). It is accepted when:

- its header names an asymmetric algorithm of ``GTPPTPPO_OIDC_ALGORITHMS``: ``none`` and the
  HMAC algorithms are refused before anything else, so a token "signed" with the provider's
  public key as an HMAC secret proves nothing;
- its signature verifies (joserfc) with the provider's key of the header's ``kid``, from the
  JWKS its discovery document points to. Both are fetched once and kept for
  ``GTPPTPPO_OIDC_CACHE_SECONDS``; a ``kid`` not among them fetches the JWKS again, at most
  once per ``GTPPTPPO_OIDC_REFRESH_SECONDS``, so keys rotate without a restart and a flood of
  made-up key ids cannot make the service hammer the provider;
- its ``iss`` is the issuer, its ``aud`` names the audience, ``exp`` is to come and ``nbf``
  (if any) is past, within ``GTPPTPPO_OIDC_LEEWAY_SECONDS``, and it has a ``sub``.

Who the holder is, is then the identity mappings' answer (``identities/service.py``): the
values of ``GTPPTPPO_OIDC_MAPPING_CLAIMS`` (``groups``) are matched against the table the
national administrator keeps. Anything else is a 401 problem+json saying what failed.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import time
from typing import Any

import httpx
from fastapi import Request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey, RSAKey
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.auth.service import TOKEN_PREFIX, Caller
from gtpptppo_api.errors import RETRY_AFTER_SECONDS, ServiceUnavailable, Unauthenticated
from gtpptppo_api.identities import service as identities
from gtpptppo_api.settings import Settings

logger = logging.getLogger(__name__)

Key = RSAKey | ECKey | OKPKey
KEY_TYPES: dict[str, type[Key]] = {"RSA": RSAKey, "EC": ECKey, "OKP": OKPKey}
# Never accepted, whatever GTPPTPPO_OIDC_ALGORITHMS says.
REFUSED_ALGORITHMS = frozenset({"none", "HS256", "HS384", "HS512"})
FETCH_TIMEOUT_SECONDS = 5.0
# A bearer longer than this is no access token of any provider: refused before it is parsed.
MAX_TOKEN_LENGTH = 16 * 1024


def _b64_json(segment: str) -> Any:
    padded = segment + "=" * (-len(segment) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))


def looks_like_jwt(credentials: str) -> bool:
    """A compact JWS (three dot-separated parts), not one of the service's own tokens."""
    return not credentials.startswith(TOKEN_PREFIX) and credentials.count(".") == 2


class ProviderKeys:
    """The provider's discovery document and signing keys, cached in this process."""

    def __init__(self, settings: Settings) -> None:
        assert settings.oidc_issuer is not None
        self.issuer = settings.oidc_issuer
        self.cache_seconds = settings.oidc_cache_seconds
        self.refresh_seconds = settings.oidc_refresh_seconds
        self.keys: dict[str, Key] = {}
        self.fetched_at: float | None = None  # monotonic time of the last JWKS fetch
        self._lock = asyncio.Lock()

    async def _fetch(self) -> None:
        async with httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS) as client:
            discovery = await _get_json(
                client, f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"
            )
            if discovery.get("issuer") != self.issuer:
                raise ValueError(
                    f"the discovery document names issuer {discovery.get('issuer')!r}, "
                    f"not {self.issuer!r}"
                )
            jwks_uri = discovery.get("jwks_uri")
            if not isinstance(jwks_uri, str):
                raise ValueError("the discovery document has no jwks_uri")
            jwks = await _get_json(client, jwks_uri)
        keys: dict[str, Key] = {}
        for entry in jwks.get("keys", []):
            key_type = KEY_TYPES.get(entry.get("kty"))
            # symmetric ("oct") keys and encryption keys never verify a token here
            if key_type is None or entry.get("use", "sig") != "sig":
                continue
            try:
                key = key_type.import_key(entry)
            except (JoseError, ValueError) as exc:
                logger.warning("OpenID Provider key %r skipped: %s", entry.get("kid"), exc)
                continue
            keys[str(entry.get("kid", ""))] = key
        self.keys = keys
        self.fetched_at = time.monotonic()
        logger.info("OpenID Provider keys fetched: %s", sorted(keys))

    async def key(self, kid: str | None) -> Key | None:
        """The signing key of ``kid`` (or the only key when the header names none)."""
        now = time.monotonic()
        async with self._lock:
            stale = self.fetched_at is None or now - self.fetched_at >= self.cache_seconds
            unknown = self._pick(kid) is None
            may_refresh = self.fetched_at is None or now - self.fetched_at >= self.refresh_seconds
            if stale or (unknown and may_refresh):
                try:
                    await self._fetch()
                except (httpx.HTTPError, ValueError) as exc:
                    logger.warning("OpenID Provider unreachable: %s", exc)
                    if not self.keys:
                        raise ServiceUnavailable(
                            "The OpenID Provider's keys cannot be fetched just now; retry later.",
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                        ) from exc
            return self._pick(kid)

    def _pick(self, kid: str | None) -> Key | None:
        if kid is None:
            return next(iter(self.keys.values())) if len(self.keys) == 1 else None
        return self.keys.get(kid)


async def _get_json(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    response = await client.get(url, headers={"Accept": "application/json"})
    response.raise_for_status()
    document = response.json()
    if not isinstance(document, dict):
        raise ValueError(f"{url} is not a JSON object")
    return document


class Verifier:
    """Checks the provider's access tokens and tells who they stand for."""

    def __init__(self, settings: Settings) -> None:
        assert settings.oidc_issuer is not None
        assert settings.oidc_audience is not None
        self.issuer = settings.oidc_issuer
        self.audience = settings.oidc_audience
        self.algorithms = [
            alg.strip()
            for alg in settings.oidc_algorithms.split(",")
            if alg.strip() and alg.strip() not in REFUSED_ALGORITHMS
        ]
        self.mapping_claims = [c.strip() for c in settings.oidc_mapping_claims.split(",")]
        self.name_claim = settings.oidc_name_claim
        self.leeway = settings.oidc_leeway_seconds
        self.keys = ProviderKeys(settings)

    async def verify(self, value: str) -> dict[str, Any]:
        """The token's claims, once every check passed; else 401."""
        if len(value) > MAX_TOKEN_LENGTH:
            raise Unauthenticated("The token is too long to be an access token.")
        try:
            header = _b64_json(value.split(".", 1)[0])
        except (ValueError, binascii.Error, UnicodeError) as exc:
            raise Unauthenticated("The token is not a JWT.") from exc
        if not isinstance(header, dict):
            raise Unauthenticated("The token is not a JWT.")
        alg = header.get("alg")
        if alg not in self.algorithms:
            raise Unauthenticated(
                f"The token's algorithm {alg!r} is not accepted: only the provider's "
                f"asymmetric signatures are ({', '.join(self.algorithms)})."
            )
        kid = header.get("kid")
        key = await self.keys.key(kid if isinstance(kid, str) else None)
        if key is None:
            raise Unauthenticated(f"The token is signed with a key ({kid!r}) the provider has not.")
        try:
            token = jwt.decode(value, key, algorithms=[alg])
        except (JoseError, ValueError) as exc:
            raise Unauthenticated("The token's signature does not verify.") from exc
        registry = jwt.JWTClaimsRegistry(
            leeway=self.leeway,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.audience},
            exp={"essential": True},
            sub={"essential": True},
        )
        try:
            registry.validate(token.claims)
        except JoseError as exc:
            raise Unauthenticated(f"The token is not valid here: {exc.description}") from exc
        return dict(token.claims)

    def claims(self, verified: dict[str, Any]) -> identities.Claims:
        subject = str(verified["sub"])
        name = verified.get(self.name_claim) or verified.get("preferred_username") or subject
        values: dict[str, frozenset[str]] = {}
        for claim in self.mapping_claims:
            raw = verified.get(claim)
            if isinstance(raw, str):
                values[claim] = frozenset({raw})
            elif isinstance(raw, list):
                values[claim] = frozenset(v for v in raw if isinstance(v, str))
        return identities.Claims(issuer=self.issuer, subject=subject, name=str(name), values=values)


async def provider_caller(request: Request, session: AsyncSession) -> Caller | None:
    """The caller of a provider's access token; None when the bearer is not such a token (or
    no provider is configured), for the service's own tokens to be looked up instead."""
    verifier: Verifier | None = getattr(request.app.state, "oidc", None)
    if verifier is None:
        return None
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not looks_like_jwt(credentials):
        return None
    verified = await verifier.verify(credentials)
    return await identities.resolve(session, verifier.claims(verified))
