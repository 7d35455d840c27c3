"""Schemathesis over the whole committed OpenAPI document, in-process, as every role (and
as two callers signed in through a real OpenID Provider): for every operation, generated
requests never get a server error and every response matches the document (status,
content type, body schema).

The app runs with its lifespan (engine, embedded worker) over a migrated SQLite file seeded
with a small tree of task forces, a centre and its cases, and a token of each role; the
generated requests are committed there, not rolled back.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.app import create_app
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token
from gtpptppo_api.db.engine import create_engine
from gtpptppo_api.db.migrate import upgrade
from gtpptppo_api.identities import oidc
from gtpptppo_api.settings import Settings
from tests.cases.helpers import case_body
from tests.conftest import TEST_KEYS
from tests.helpers import task_force_body
from tests.oidc.provider import provider_auth, provider_settings

COMMITTED = Path(__file__).parents[2] / "openapi" / "openapi.json"
# Bounded for `make test` (about 2 minutes): generated examples only (the document's own
# examples are many and add little), a few per operation, each sent as all five roles,
# derandomised so a run is repeatable.
EXAMPLES = 8


async def _tokens(url: str, centre_id: int | None) -> dict[str, str]:
    engine = create_engine(url)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            grants: dict[str, dict[str, Any]] = {"national_admin": {}}
            if centre_id is not None:
                grants = {
                    "task_force_admin": {"region_code": "33"},
                    "reporter": {"region_code": "33"},
                    "service_centre": {"service_centre_id": centre_id},
                    "analyst": {},
                }
            tokens = {}
            for role, scope in grants.items():
                _token, clear = await create_token(
                    session, name=f"schemathesis {role}", role=Role(role), **scope
                )
                tokens[role] = clear
            await session.commit()
            return tokens
    finally:
        await engine.dispose()


async def _seed(national: dict[str, str]) -> int:
    """Task forces of the nation, Central Java and Banyumas; a centre and six cases."""
    async with (
        APP.router.lifespan_context(APP),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=APP), base_url="http://test/api/v1"
        ) as client,
    ):
        for code in ("ID", "33", "33.02"):
            created = await client.post(
                "/task-forces", json=task_force_body(code), headers=national
            )
            assert created.is_success, created.text
        centre = (
            await client.post(
                "/service-centres",
                json={"name": "P2TP2A Banyumas", "kind": "p2tp2a", "region_code": "33.02"},
                headers=national,
            )
        ).json()
        cases = [case_body(f"S-{i}", personal={"name": f"Korban {i}"}) for i in range(6)]
        pushed = await client.post(
            f"/service-centres/{centre['id']}/cases:batch", json=cases, headers=national
        )
        assert pushed.json()["created"] == 6, pushed.text
        return int(centre["id"])


# The app is made at import, so that the operations can be generated from the document;
# its lifespan starts only with the first request, after the database is seeded.
_FOLDER = Path(tempfile.mkdtemp(prefix="gtpptppo-conformance-"))
CONFIG = Settings(
    database_url=f"sqlite:///{_FOLDER / 'api.db'}", encryption_key=TEST_KEYS, rate_limit=""
)
APP = create_app(CONFIG)


@schemathesis.serializer("application/x-ndjson")
def _ndjson(_context: Any, value: Any) -> bytes:
    """A batch as NDJSON: the document describes one line, a case."""
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(item) + "\n" for item in items).encode()


schema = schemathesis.openapi.from_path(COMMITTED)
schema.app = APP  # requests go to the app in-process, through its ASGI interface


async def _provider_tokens(
    national: dict[str, str], provider: Any, centre_id: int
) -> dict[str, str]:
    """Tokens of the real OpenID Provider for two callers, mapped by the national
    administrator (``/identity-mappings``): a national administrator and the centre."""
    async with (
        APP.router.lifespan_context(APP),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=APP), base_url="http://test/api/v1"
        ) as client,
    ):
        auth = provider_auth(client, national, provider)
        signed_in = {
            "provider national_admin": await auth("national_admin"),
            "provider service_centre": await auth("service_centre", "33.02", centre_id),
        }
        for headers in signed_in.values():  # they are callers, not 401s
            listed = await client.get("/cases", params={"limit": 1}, headers=headers)
            assert listed.status_code == 200, listed.text
        return {name: headers["Authorization"] for name, headers in signed_in.items()}


@pytest.fixture(scope="module")
def tokens(oidc_provider: Any) -> Iterator[dict[str, str]]:
    """A migrated, seeded database, and an Authorization header per role; and, signed in
    through a real OpenID Provider, a national administrator and the centre."""
    upgrade(CONFIG.database_url)
    clear = asyncio.run(_tokens(CONFIG.database_url, None))
    national = {"Authorization": f"Bearer {clear['national_admin']}"}
    centre_id = asyncio.run(_seed(national))
    clear |= asyncio.run(_tokens(CONFIG.database_url, centre_id))
    APP.state.oidc = oidc.Verifier(CONFIG.model_copy(update=provider_settings(oidc_provider)))
    signed_in = asyncio.run(_provider_tokens(national, oidc_provider, centre_id))
    try:
        yield {role: f"Bearer {token}" for role, token in clear.items()} | signed_in
    finally:
        shutdown_lifespans()  # the app's lifespan (and its embedded worker) ends here
        shutil.rmtree(_FOLDER, ignore_errors=True)


def test_the_app_serves_the_committed_document():
    """So the operations below are all those the app serves."""
    assert APP.openapi() == json.loads(COMMITTED.read_text())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_as_every_role(case, tokens):
    for authorization in tokens.values():
        case.call_and_validate(
            headers={"Authorization": authorization},
            checks=[not_a_server_error, response_schema_conformance],
        )
