"""A real job kind end to end: a report's figures assembled by the embedded worker."""

from __future__ import annotations

import asyncio
import time

import httpx

from gtpptppo_api.app import create_app
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token
from gtpptppo_api.db.engine import create_engine, create_sessionmaker
from tests.jobs.support import job_settings
from tests.reports.support import YEAR


async def test_the_embedded_worker_generates_a_report(sqlite_url: str):
    engine = create_engine(sqlite_url)
    async with create_sessionmaker(engine)() as session, session.begin():
        _, token = await create_token(session, name="admin", role=Role.national_admin)
    await engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    app = create_app(job_settings(sqlite_url))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client,
    ):
        created = await client.post(
            "/task-forces",
            json={
                "name": "GT-PPTPPO Kabupaten Banyumas",
                "region_code": "33.02",
                "established_decree": {
                    "number": "Perbup 7/2014",
                    "title": "Pembentukan",
                    "issued_on": "2014-02-10",
                    "authority": "bupati",
                },
            },
            headers=headers,
        )
        assert created.status_code == 201, created.text
        opened = await client.post(
            "/reports",
            json={"task_force_id": created.json()["id"], "kind": "annual", "year": YEAR},
            headers=headers,
        )
        assert opened.status_code == 202
        assert opened.json()["generation"] == "pending"
        url = f"/reports/{opened.json()['id']}"
        deadline = time.monotonic() + 30
        while True:
            response = await client.get(url, headers=headers)
            if response.status_code == 200 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
        assert response.status_code == 200, response.text
        report = response.json()
        assert (report["generation"], report["version"]) == ("ready", 1)
        assert report["figures"]["victims"]["total"] == 0
        assert len(report["content_hash"]) == 64
