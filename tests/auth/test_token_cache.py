"""Tokens kept for a short while by each API process, and revocation within that bound."""

import asyncio

import httpx

from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token, revoke_token
from tests.conftest import build_app
from tests.helpers import problem


async def revoked_after_use(database_url, session, **settings):
    """A token used once, then revoked (as `gtpptppo token revoke` does, in another
    session); the app and the Authorization headers."""
    app = build_app(database_url, session, **settings)
    _token, clear = await create_token(session, name="kept", role=Role.national_admin)
    await session.commit()
    headers = {"Authorization": f"Bearer {clear}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        assert (await client.get("/regions/33", headers=headers)).status_code == 200
    await revoke_token(session, clear)
    await session.commit()
    return app, headers


async def test_a_revoked_token_is_refused_at_once_without_the_cache(database_url, session):
    """GTPPTPPO_TOKEN_CACHE_SECONDS=0: every request looks its token up, so the request after
    a revocation is refused."""
    app, headers = await revoked_after_use(database_url, session, token_cache_seconds=0)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        refused = await client.get("/regions/33", headers=headers)
    assert problem(refused, 401)["detail"] == "The token has been revoked."


async def test_a_revoked_token_is_refused_once_its_cache_entry_expires(database_url, session):
    """A process that has just seen a token may serve it until its entry expires
    (GTPPTPPO_TOKEN_CACHE_SECONDS, the stated bound), and refuses it from then on."""
    app, headers = await revoked_after_use(database_url, session, token_cache_seconds=0.5)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        await asyncio.sleep(0.6)
        refused = await client.get("/regions/33", headers=headers)
    assert problem(refused, 401)["detail"] == "The token has been revoked."
