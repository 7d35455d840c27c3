"""A real OpenID Provider for the tests: the `oidc-provider` package under Node.js.

``start_provider()`` starts ``provider.js`` on a free loopback port with signing keys made
here (so a test may rotate them, by starting it again with others, and may forge tokens with
them to prove each check). Apps register themselves (dynamic client registration) with the
groups they stand for, and take JWT access tokens with the client_credentials grant and a
resource indicator (the audience). ``make install`` installs the package
(tests/oidc/node_modules).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.conftest import unavailable

HERE = Path(__file__).parent
AUDIENCE = "https://api.gtpptppo.test"
START_TIMEOUT_SECONDS = 30


def new_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Provider:
    port: int
    folder: Path
    key: RSAKey
    process: subprocess.Popen[bytes] | None = None
    clients: dict[tuple[str, ...], tuple[str, str]] = field(default_factory=dict)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, key: RSAKey | None = None) -> None:
        """Start the provider (again, with ``key``: a rotation; its clients are forgotten)."""
        self.stop()
        self.key = key or self.key
        jwks = self.folder / "jwks.json"
        jwks.write_text(json.dumps({"keys": [self.key.as_dict(private=True)]}))
        node = shutil.which("node")
        assert node is not None
        self.process = subprocess.Popen(
            [node, str(HERE / "provider.js"), str(self.port), str(jwks)],
            cwd=HERE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode()  # "ready ..." once it listens
        if not line.startswith("ready"):
            self.stop()
            raise RuntimeError(f"the OpenID Provider did not start: {line!r}")
        self.clients.clear()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def _endpoint(self, name: str) -> str:
        discovery = httpx.get(f"{self.issuer}/.well-known/openid-configuration").json()
        return str(discovery[name])

    def token(
        self, groups: list[str], *, name: str = "Petugas Uji", audience: str = AUDIENCE
    ) -> str:
        """A real access token of the provider for an app standing for ``groups``."""
        wanted = (name, *groups)
        if wanted not in self.clients:
            registered = httpx.post(
                self._endpoint("registration_endpoint"),
                json={
                    "grant_types": ["client_credentials"],
                    "response_types": [],
                    "redirect_uris": [],
                    "token_endpoint_auth_method": "client_secret_basic",
                    "groups": groups,
                    "name": name,
                },
            )
            assert registered.status_code == 201, registered.text
            body = registered.json()
            self.clients[wanted] = (body["client_id"], body["client_secret"])
        client_id, secret = self.clients[wanted]
        answer = httpx.post(
            self._endpoint("token_endpoint"),
            data={"grant_type": "client_credentials", "resource": audience, "scope": "api"},
            auth=(client_id, secret),
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    def forge(self, claims: dict[str, Any], key: RSAKey | None = None) -> str:
        """A token of ``claims`` signed RS256 with ``key`` (the provider's own by default)."""
        key = key or self.key
        header = {"alg": "RS256", "typ": "at+jwt", "kid": key.kid}
        return jwt.encode(header, claims, key)

    def claims(self, **changes: Any) -> dict[str, Any]:
        """Claims as the provider's tokens have them, with ``changes``."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": "app-uji",
            "iat": now,
            "exp": now + 300,
            "groups": [],
            "name": "Petugas Uji",
        }
        claims.update(changes)
        return claims

    def unsigned(self, claims: dict[str, Any]) -> str:
        """``alg: none``: claims with no signature at all."""
        header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        return f"{header}.{_b64(json.dumps(claims).encode())}."

    def hmac_with_public_key(self, claims: dict[str, Any]) -> str:
        """HS256 keyed with the provider's public key (the key-confusion attack)."""
        public_pem = self.key.as_pem(private=False)
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": self.key.kid}).encode())
        payload = _b64(json.dumps(claims).encode())
        signing_input = f"{header}.{payload}".encode()
        signature = hmac.new(public_pem, signing_input, hashlib.sha256).digest()
        return f"{header}.{payload}.{_b64(signature)}"


@contextmanager
def running_provider(tmp: Path) -> Iterator[Provider]:
    """A provider on a free loopback port for the block; skipped (CI: failed) without Node.js
    or the package (``make install`` installs it)."""
    if shutil.which("node") is None:
        unavailable("Node.js is not installed (the OpenID Provider of the tests runs on it)")
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        unavailable("oidc-provider is not installed: run `make install`")
    provider = Provider(port=_free_port(), folder=tmp, key=new_key("k1"))
    provider.start()
    try:
        yield provider
    finally:
        provider.stop()


def provider_settings(provider: Provider) -> dict[str, Any]:
    """The app's settings to accept the provider's tokens (keys refetched at once)."""
    return {
        "oidc_issuer": provider.issuer,
        "oidc_audience": AUDIENCE,
        "oidc_refresh_seconds": 0,
    }


def provider_auth(
    client: httpx.AsyncClient, national: dict[str, str], provider: Provider
) -> Callable[..., Awaitable[dict[str, str]]]:
    """``auth`` (tests/conftest.py) with provider tokens: each ``(role, region, centre)`` gets
    a group of its own, mapped by the national administrator, and a token carrying it."""

    async def make(
        role: Any, region: str | None = None, centre: int | None = None
    ) -> dict[str, str]:
        role = str(getattr(role, "value", role))
        group = f"grp-{role}-{region or 'ID'}-{centre or 0}"
        body: dict[str, Any] = {"issuer": provider.issuer, "value": group, "role": role}
        if region is not None:
            body["region_code"] = region
        if centre is not None:
            body["service_centre_id"] = centre
        response = await client.post("/identity-mappings", json=body, headers=national)
        assert response.status_code in (201, 409), response.text
        token = provider.token([group], name=f"Uji {role}")
        return {"Authorization": f"Bearer {token}"}

    return make
