"""Sign-in through an OpenID Provider: its JWT access tokens beside the service's own.

The provider is real (`oidc-provider` under Node.js, tests/oidc), started on the loopback;
the tokens that must be refused are either its own (another audience) or made with its keys
or others to fail exactly one check each.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import build_app
from tests.helpers import create_task_force, problem
from tests.oidc.provider import Provider, new_key, provider_settings, running_provider

BANYUMAS_GROUP = "dinas-ppa-banyumas"


@pytest.fixture
def provider(oidc_provider: Provider) -> Provider:
    return oidc_provider


def provider_app(database_url, session, provider: Provider) -> FastAPI:
    return build_app(database_url, session, **provider_settings(provider))


@pytest.fixture
async def client(database_url, session, provider) -> AsyncIterator[httpx.AsyncClient]:
    app = provider_app(database_url, session, provider)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        yield client


async def map_group(client, national, provider, value=BANYUMAS_GROUP, **target) -> dict:
    """Map ``value`` of the provider's groups (default: a regency administrator of 33.02)."""
    target = target or {"role": "task_force_admin", "region_code": "33.02"}
    response = await client.post(
        "/identity-mappings",
        json={"issuer": provider.issuer, "value": value, **target},
        headers=national,
    )
    assert response.status_code == 201, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_mapped_group_gets_its_role_and_jurisdiction(client, national, provider):
    """A provider's group "dinas-ppa-banyumas", mapped to a regency administrator of 33.02,
    reads and writes in 33.02 only, and its writes are audited under its subject and name."""
    province = await create_task_force(client, national, "33")
    regency = await create_task_force(client, national, "33.02")
    await map_group(client, national, provider)
    headers = bearer(provider.token([BANYUMAS_GROUP, "unrelated-group"], name="Sri Lestari"))

    assert (await client.get(f"/task-forces/{regency['id']}", headers=headers)).status_code == 200
    problem(await client.get(f"/task-forces/{province['id']}", headers=headers), 404)
    problem(await client.get("/audit-events", headers=headers), 403)  # not a national role
    created = await client.post(
        "/service-centres",
        json={"name": "P2TP2A Banyumas", "kind": "p2tp2a", "region_code": "33.02"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    problem(
        await client.post(
            "/service-centres",
            json={"name": "P2TP2A Cilacap", "kind": "p2tp2a", "region_code": "33.01"},
            headers=headers,
        ),
        403,
    )

    events = (
        await client.get(
            "/audit-events",
            params={"entity_type": "service_centre", "entity_id": created.json()["id"]},
            headers=national,
        )
    ).json()["items"]
    [event] = events
    subject = provider.clients[("Sri Lestari", BANYUMAS_GROUP, "unrelated-group")][0]
    assert event["actor_name"] == f"Sri Lestari ({subject})"
    assert event["actor_role"] == "task_force_admin"
    # the same person again is the same actor
    await client.patch(
        f"/service-centres/{created.json()['id']}", json={"name": "PPT Banyumas"}, headers=headers
    )
    again = (
        await client.get(
            "/audit-events",
            params={"entity_type": "service_centre", "entity_id": created.json()["id"]},
            headers=national,
        )
    ).json()["items"]
    assert {e["actor_token_id"] for e in again} == {event["actor_token_id"]}


async def test_a_token_no_mapping_names_gets_no_role(client, national, provider):
    """A valid token whose groups no mapping names is refused (403), and a mapping deleted
    takes the role away at the next request."""
    await create_task_force(client, national, "33.02")
    problem(await client.get("/task-forces", headers=bearer(provider.token(["other"]))), 403)
    mapping = await map_group(client, national, provider)
    headers = bearer(provider.token([BANYUMAS_GROUP]))
    assert (await client.get("/task-forces", headers=headers)).status_code == 200
    deleted = await client.delete(f"/identity-mappings/{mapping['id']}", headers=national)
    assert deleted.status_code == 204
    problem(await client.get("/task-forces", headers=headers), 403)


async def test_groups_mapped_to_different_identities_are_refused(client, national, provider):
    """Two groups mapped to different roles: none is picked (403)."""
    await map_group(client, national, provider)
    await map_group(
        client, national, provider, "ppa-jateng", role="task_force_admin", region_code="33"
    )
    token = provider.token([BANYUMAS_GROUP, "ppa-jateng"])
    body = problem(await client.get("/task-forces", headers=bearer(token)), 403)
    assert "different" in body["detail"]


async def test_identity_mappings_are_checked_and_kept_by_the_nation(
    client, national, auth, provider
):
    """A mapping names a real region for a regional role, a centre for a centre, and is kept
    by the national administrator only."""
    issuer = provider.issuer
    bad = await client.post(
        "/identity-mappings",
        json={"issuer": issuer, "value": "g", "role": "task_force_admin"},
        headers=national,
    )
    assert problem(bad, 422)["errors"][0]["field"] == "region_code"
    bad = await client.post(
        "/identity-mappings",
        json={"issuer": issuer, "value": "g", "role": "reporter", "region_code": "99.99"},
        headers=national,
    )
    assert problem(bad, 422)["errors"][0]["field"] == "region_code"
    bad = await client.post(
        "/identity-mappings",
        json={"issuer": issuer, "value": "g", "role": "service_centre"},
        headers=national,
    )
    assert problem(bad, 422)["errors"][0]["field"] == "service_centre_id"
    await map_group(client, national, provider, "g", role="analyst")
    problem(
        await client.post(
            "/identity-mappings",
            json={"issuer": issuer, "value": "g", "role": "analyst"},
            headers=national,
        ),
        409,
    )
    admin = await auth("task_force_admin", "33")
    problem(await client.get("/identity-mappings", headers=admin), 403)


def mapped(p: Provider, **changes) -> dict:
    """The provider's claims, with the mapped group: only the one change makes them fail."""
    return p.claims(groups=[BANYUMAS_GROUP], **changes)


BAD_TOKENS = {
    "expired": lambda p: p.forge(mapped(p, iat=int(time.time()) - 900, exp=int(time.time()) - 600)),
    "not yet valid": lambda p: p.forge(mapped(p, nbf=int(time.time()) + 600)),
    "wrong audience": lambda p: p.token([BANYUMAS_GROUP], audience="https://other.example"),
    "wrong issuer": lambda p: p.forge(mapped(p, iss="http://127.0.0.1:1")),
    "re-signed with another key": lambda p: p.forge(mapped(p), key=new_key(p.key.kid)),
    "signed with an unknown key": lambda p: p.forge(mapped(p), key=new_key("k-unknown")),
    "alg none": lambda p: p.unsigned(mapped(p)),
    "HS256 keyed with the public key": lambda p: p.hmac_with_public_key(mapped(p)),
    "no subject": lambda p: p.forge({k: v for k, v in mapped(p).items() if k != "sub"}),
}


async def test_a_token_failing_one_check_is_refused(client, national, provider):
    """Each token fails exactly one check (its groups are mapped; the same claims signed
    properly pass): each gets 401 problem+json saying why."""
    await create_task_force(client, national, "33.02")
    await map_group(client, national, provider)
    good = provider.forge(mapped(provider))
    assert (await client.get("/task-forces", headers=bearer(good))).status_code == 200

    answers = {}
    for kind, make in BAD_TOKENS.items():
        token = make(provider)
        response = await client.get("/task-forces", headers=bearer(token))
        answers[kind] = problem(response, 401)["detail"]
    assert all(answers.values()), answers


async def test_keys_rotated_at_the_provider_are_followed(
    database_url, session, national, tmp_path: Path
):
    """The provider starts signing with a new key: its new tokens are accepted without a
    restart of the service (the JWKS is fetched again for the unknown key id), and a token
    of the retired key no longer is."""
    with running_provider(tmp_path) as rotating:
        app = provider_app(database_url, session, rotating)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
            await map_group(client, national, rotating, role="analyst")
            old = rotating.token([BANYUMAS_GROUP])
            assert (await client.get("/task-forces", headers=bearer(old))).status_code == 200

            rotating.start(new_key("k2"))  # the same issuer, signing with k2 only
            new = rotating.token([BANYUMAS_GROUP])
            assert (await client.get("/task-forces", headers=bearer(new))).status_code == 200
            problem(await client.get("/task-forces", headers=bearer(old)), 401)


async def test_the_service_tokens_still_work_beside_the_provider(client, national):
    """With a provider configured, the service's own tokens authenticate as before."""
    assert (await client.get("/task-forces", headers=national)).status_code == 200
    problem(await client.get("/task-forces", headers=bearer("gtp_not-a-token")), 401)
    problem(await client.get("/task-forces", headers=bearer("a.b.c")), 401)
