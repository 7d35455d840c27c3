"""An app on a PostgreSQL database of its own, committed to for real, through HTTP.

For tests of what only real transactions show (concurrent pushes, the session dependency
itself); the other tests run in one rolled-back transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from gtpptppo_api.app import create_app
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from gtpptppo_api.db.migrate import upgrade
from gtpptppo_api.settings import Settings
from tests.conftest import TEST_KEYS, _postgres_database


@dataclass
class Live:
    client: httpx.AsyncClient
    engine: AsyncEngine
    app: Any

    async def bearer(self, role: Role, centre: int | None = None) -> dict[str, str]:
        """Headers with a new token of ``role`` (of ``centre`` for a service centre)."""
        async with create_sessionmaker(self.engine)() as session, session.begin():
            _, clear = await create_token(
                session, name=role.value, role=role, service_centre_id=centre
            )
        return {"Authorization": f"Bearer {clear}"}


@asynccontextmanager
async def live_app(**settings: Any) -> AsyncIterator[Live]:
    """The app (``settings`` over the test defaults) on a fresh migrated database."""
    url, drop = await _postgres_database()
    try:
        await asyncio.to_thread(upgrade, url)
        app = create_app(
            Settings(database_url=url, encryption_key=TEST_KEYS, rate_limit="", **settings)
        )
        engine = create_engine(url)
        try:
            async with (
                app.router.lifespan_context(app),
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url="http://test/api/v1"
                ) as client,
            ):
                yield Live(client, engine, app)
        finally:
            await engine.dispose()
    finally:
        await drop()
