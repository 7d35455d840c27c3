"""The public pages opened in headless Chromium (Debian's ``chromium``, driven by Playwright):
they render without console errors, fit a phone's width, and a screenshot of each is kept
as a test artifact (``$GTPPTPPO_TEST_ARTIFACTS``, default ``tests/artifacts/``).

The app is served by uvicorn on a loopback port over a SQLite file, in embedded mode (its
worker generates the report), and seeded through the API with committed requests.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession

from gtpptppo_api.app import create_app
from gtpptppo_api.auth.models import Role
from gtpptppo_api.auth.service import create_token
from gtpptppo_api.db.engine import create_engine
from gtpptppo_api.db.migrate import upgrade
from gtpptppo_api.settings import Settings
from tests.conftest import TEST_KEYS, unavailable
from tests.publishing.support import REGION, narrative, partners, publish, push_table
from tests.reports.support import open_report, through_to_forwarded, unit

CHROMIUM = os.environ.get("GTPPTPPO_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(
    os.environ.get("GTPPTPPO_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "artifacts")
)
PHONE = {"width": 390, "height": 844}


def _chromium() -> str:
    found = shutil.which(CHROMIUM)
    if found is None:
        unavailable(f"Chromium not found at {CHROMIUM} (make browser installs Debian's chromium)")
    assert found is not None
    return found


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[str, str]]:
    """The app on a loopback port over a fresh SQLite file: its base URL and database URL."""
    url = f"sqlite:///{tmp_path / 'public.db'}"
    await asyncio.to_thread(upgrade, url)
    app = create_app(Settings(database_url=url, encryption_key=TEST_KEYS))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.05)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}", url
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 20)
        sock.close()


async def _seed(base: str, database_url: str) -> dict[str, Any]:
    """A regency with victims, a narrative, partners and a published report; a province
    and the nation with task forces. Returns the report's id and the regency's."""
    engine = create_engine(database_url)

    async def auth(role: Role | str, region: str | None = None, centre: int | None = None):
        async with AsyncSession(engine) as session:
            _, clear = await create_token(
                session,
                name=f"browser {role}",
                role=Role(role),
                region_code=region,
                service_centre_id=centre,
            )
            await session.commit()
        return {"Authorization": f"Bearer {clear}"}

    try:
        async with httpx.AsyncClient(base_url=f"{base}/api/v1", timeout=60) as client:
            national = await auth(Role.national_admin)
            await unit(client, national, auth, "ID")
            await unit(client, national, auth, "33")
            regency = await unit(client, national, auth, REGION)
            await push_table(client, national, auth)
            await narrative(client, regency.admin, regency)
            await partners(client, regency.admin, regency)
            report = await open_report(client, regency.admin, regency)
            for _ in range(300):  # the embedded worker generates the figures
                state = await client.get(f"/reports/{report['id']}", headers=regency.admin)
                if state.json()["generation"] == "ready":
                    break
                assert state.json()["generation"] != "failed", state.text
                await asyncio.sleep(0.1)
            await through_to_forwarded(client, regency, report["id"])
            published = await publish(client, regency, report["id"])
            assert published.status_code == 201, published.text
            return {"report_id": report["id"], "region": REGION}
    finally:
        await engine.dispose()


@pytest.mark.slow
async def test_public_pages_render_in_chromium_without_console_errors(
    served: tuple[str, str],
) -> None:
    executable = _chromium()
    try:
        from playwright.async_api import async_playwright
    except ImportError:  # pragma: no cover - a dev dependency
        unavailable("playwright is not installed")
        raise
    app_url, database_url = served
    seeded = await _seed(app_url, database_url)
    pages = {
        "index": "/public/",
        "province": "/public/regions/33",
        "regency": f"/public/regions/{seeded['region']}",
        "report": f"/public/reports/{seeded['report_id']}",
    }
    await asyncio.to_thread(ARTIFACTS.mkdir, parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox"]
        )
        try:
            context = await browser.new_context(viewport=PHONE, locale="id-ID")
            for name, path in pages.items():
                page = await context.new_page()
                problems: list[str] = []
                page.on(
                    "console",
                    lambda m, p=problems: (
                        p.append(f"console {m.type}: {m.text}")
                        if m.type in ("error", "warning")
                        else None
                    ),
                )
                page.on("pageerror", lambda e, p=problems: p.append(f"page error: {e}"))
                page.on("requestfailed", lambda r, p=problems: p.append(f"failed: {r.url}"))
                response = await page.goto(app_url + path, wait_until="networkidle")
                assert response is not None
                assert response.status == 200, (name, response.status)
                assert problems == [], (name, problems)
                assert await page.locator("h1").count() == 1
                # readable on a phone: nothing wider than the screen but the scrolling tables
                overflow = await page.evaluate(
                    "document.documentElement.scrollWidth - window.innerWidth"
                )
                assert overflow <= 0, (name, overflow)
                shot = ARTIFACTS / f"public-{name}.png"
                await page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 1000
                await page.close()
            report = await context.new_page()
            await report.goto(app_url + pages["report"])
            assert "×" in await report.locator("#tabel-1").inner_text()
            regency = await context.new_page()
            await regency.goto(app_url + pages["regency"])
            assert await regency.locator("svg.org-chart g.sub-task-force").count() == 6
        finally:
            await browser.close()
