"""The data protection officer's contact (UU 27/2022 art. 53) is a setting, shown on the
public site and in the API's metadata."""

from __future__ import annotations

import httpx

from tests.conftest import build_app

DPO = {"dpo_name": "Rina Kusuma", "dpo_email": "dpo@gtpptppo.go.id", "dpo_phone": "021-555"}


async def test_the_dpo_is_on_the_public_site_and_in_the_api_metadata(database_url, session):
    app = build_app(database_url, session, **DPO)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        page = await client.get("/public/")
        document = await client.get("/openapi.json")
    assert "Pejabat Pelindungan Data Pribadi: Rina Kusuma" in page.text
    assert "dpo@gtpptppo.go.id" in page.text
    assert "021-555" in page.text
    contact = document.json()["info"]["contact"]
    assert contact["name"].startswith("Rina Kusuma")
    assert contact["email"] == "dpo@gtpptppo.go.id"


async def test_without_a_dpo_set_nothing_is_shown(client, app):
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as public:
        page = await public.get("/public/")
    assert page.status_code == 200
    assert "Pelindungan Data Pribadi" not in page.text
