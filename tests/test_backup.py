"""``gtpptppo backup`` / ``gtpptppo restore`` (embedded mode), with real processes."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
import tarfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from bench.cluster import Cluster

from gtpptppo_api.kit.crypto import new_key_line
from tests.cases.helpers import case_body
from tests.test_cli import create_national_token, gtpptppo

NAME = "Wulan Sekar Arum"
NIK = "3302014409010003"


async def _push_while(api: str, token: str, centre: int, stop: asyncio.Event) -> int:
    """Push cases until ``stop``; return how many were accepted."""
    pushed = 0
    async with httpx.AsyncClient(base_url=f"{api}/api/v1", timeout=30) as client:
        headers = {"Authorization": f"Bearer {token}"}
        while not stop.is_set():
            body = case_body(f"LOAD-{pushed}", personal={"name": f"load {pushed}"})
            answer = await client.put(
                f"/service-centres/{centre}/cases/LOAD-{pushed}", json=body, headers=headers
            )
            assert answer.status_code in (200, 201), answer.text
            pushed += 1
    return pushed


@pytest.mark.processes
async def test_a_backup_taken_while_serving_restores_elsewhere_with_its_personal_fields(
    tmp_path: Path,
):
    """A `gtpptppo serve` on SQLite takes pushes while `gtpptppo backup` runs; the archive
    (0600, with the key file) and the key store's own archive (`--keys`, without the key
    file) restore into another folder, where a new server reads the case's name and NIK
    back. A restore onto the running server's database is refused, and an archive restored
    as what it does not hold."""
    live = tmp_path / "live" / "gtpptppo.db"
    live.parent.mkdir()
    assert gtpptppo("migrate", database=live).returncode == 0
    token = create_national_token(live)
    cluster = Cluster({"GTPPTPPO_DATABASE_URL": f"sqlite:///{live}"}, tmp_path)
    try:
        api = await asyncio.to_thread(cluster.start_api)
        async with httpx.AsyncClient(base_url=f"{api.url}/api/v1", timeout=30) as client:
            auth = {"Authorization": f"Bearer {token}"}
            centre = await client.post(
                "/service-centres",
                json={"name": "P2TP2A Banyumas", "kind": "p2tp2a", "region_code": "33.02"},
                headers=auth,
            )
            centre_id = centre.json()["id"]
            kept = await client.put(
                f"/service-centres/{centre_id}/cases/KEEP-1",
                json=case_body("KEEP-1", personal={"name": NAME, "nik": NIK}),
                headers=auth,
            )
            assert kept.status_code == 201, kept.text
        stop = asyncio.Event()
        pushing = asyncio.create_task(_push_while(api.url, token, centre_id, stop))
        await asyncio.sleep(0.5)
        archive = tmp_path / "backup.tar.gz"
        made = await asyncio.to_thread(gtpptppo, "backup", str(archive), database=live)
        stop.set()
        assert await pushing > 0
        assert made.returncode == 0, made.stderr
        assert stat.S_IMODE(archive.stat().st_mode) == 0o600
        with tarfile.open(archive) as opened:
            assert set(opened.getnames()) == {"manifest.json", "database.sqlite", "encryption.key"}
        # the key store apart, in an archive of its own, without the service's key
        keys = tmp_path / "keys.tar.gz"
        made = await asyncio.to_thread(gtpptppo, "backup", "--keys", str(keys), database=live)
        assert made.returncode == 0, made.stderr
        with tarfile.open(keys) as opened:
            assert set(opened.getnames()) == {"manifest.json", "database.sqlite"}
        refused = await asyncio.to_thread(
            gtpptppo, "restore", str(archive), "--replace", database=live
        )
        assert refused.returncode == 2
        assert "running" in refused.stderr
    finally:
        cluster.close()

    elsewhere = tmp_path / "restored" / "gtpptppo.db"
    restored = gtpptppo("restore", str(archive), database=elsewhere)
    assert restored.returncode == 0, restored.stderr
    wrong = gtpptppo("restore", str(archive), "--keys", database=elsewhere)
    assert wrong.returncode == 2
    assert "without --keys" in wrong.stderr
    restored = gtpptppo("restore", "--keys", str(keys), database=elsewhere)
    assert restored.returncode == 0, restored.stderr
    with sqlite3.connect(elsewhere) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    second = Cluster({"GTPPTPPO_DATABASE_URL": f"sqlite:///{elsewhere}"}, tmp_path / "second")
    second.workdir.mkdir()
    try:
        api = await asyncio.to_thread(second.start_api)
        async with httpx.AsyncClient(base_url=f"{api.url}/api/v1", timeout=30) as client:
            auth = {"Authorization": f"Bearer {token}", "X-Access-Reason": "restore check"}
            listed = await client.get("/cases", params={"limit": 200}, headers=auth)
            [case] = [c for c in listed.json()["items"] if c["external_ref"] == "KEEP-1"]
            read = await client.get(
                f"/cases/{case['id']}", params={"include": "personal"}, headers=auth
            )
        assert read.status_code == 200, read.text
        assert (read.json()["personal"]["name"], read.json()["personal"]["nik"]) == (NAME, NIK)
    finally:
        second.close()


def test_restore_refuses_an_archive_of_another_key(tmp_path: Path):
    """A target whose key is not the archive's: refused, and its database left as it was."""
    source = tmp_path / "a" / "gtpptppo.db"
    assert gtpptppo("migrate", database=source).returncode == 0
    archive = tmp_path / "a.tar.gz"
    assert gtpptppo("backup", str(archive), database=source).returncode == 0
    other = gtpptppo(
        "restore", str(archive), database=tmp_path / "b" / "gtpptppo.db",
        env_extra={"GTPPTPPO_ENCRYPTION_KEY": new_key_line("k1")},
    )  # fmt: skip
    assert other.returncode == 2
    assert "other keys" in other.stderr
    assert not (tmp_path / "b" / "gtpptppo.db").exists()


def test_backup_and_restore_are_refused_on_postgresql_and_for_a_foreign_file(tmp_path: Path):
    """PostgreSQL: pointed to the documented procedure; a file that is no backup: refused."""
    env = {
        "GTPPTPPO_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
        "GTPPTPPO_ENCRYPTION_KEY": new_key_line(),
    }
    answer = gtpptppo("backup", str(tmp_path / "x.tar.gz"), env_extra=env)
    assert answer.returncode == 2
    assert "pg_dump" in answer.stderr
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    refused = gtpptppo("restore", str(junk), database=tmp_path / "c.db")
    assert refused.returncode == 2
    assert "not a gtpptppo backup" in refused.stderr


async def test_a_restored_key_store_forgets_again_the_keys_of_cases_erased_since(tmp_path: Path):
    """The key store's archive taken before an erasure still holds the erased case's key;
    restoring it (`gtpptppo restore --keys`) deletes that key again, from the erasure the
    database records, so the erasure reaches the restored key store too; the other case's
    personal fields read as before."""
    from gtpptppo_api.app import create_app
    from gtpptppo_api.db.keystore import KeyStore
    from gtpptppo_api.settings import Settings
    from tests.cases.helpers import create_centre
    from tests.privacy.support import OTHER_NIK, ask, complete, push, reading

    live = tmp_path / "gtpptppo.db"
    store = tmp_path / "gtpptppo.keys.sqlite"
    assert gtpptppo("migrate", database=live).returncode == 0
    headers = {"Authorization": f"Bearer {create_national_token(live)}"}
    settings = Settings(database_url=f"sqlite:///{live}")

    async def serving() -> Any:
        app = create_app(settings)
        return app, httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test/api/v1"
        )

    app, client = await serving()
    async with app.router.lifespan_context(app), client:
        centre = await create_centre(client, headers, "33.02")
        erased = await push(client, headers, centre, "R-1", personal={"nik": NIK})
        kept = await push(client, headers, centre, "R-2", personal={"nik": OTHER_NIK})
        archive = tmp_path / "keys.tar.gz"
        made = await asyncio.to_thread(gtpptppo, "backup", "--keys", str(archive), database=live)
        assert made.returncode == 0, made.stderr
        request = await ask(client, headers, centre, erased["id"], "erasure")
        assert (await complete(client, headers, request["id"])).status_code == 200
    await KeyStore.for_url(settings.key_store).dispose()

    def stored() -> set[str]:
        with sqlite3.connect(store) as db:
            return {str(row[0]) for row in db.execute("SELECT case_id FROM data_key")}

    assert stored() == {kept["id"].replace("-", "")}
    restored = await asyncio.to_thread(
        gtpptppo, "restore", "--keys", str(archive), "--replace", database=live
    )
    assert restored.returncode == 0, restored.stderr
    assert "1 keys of cases erased or gone since removed again" in restored.stderr
    assert stored() == {kept["id"].replace("-", "")}
    app, client = await serving()
    async with app.router.lifespan_context(app), client:
        shown = await client.get(
            f"/cases/{kept['id']}", params={"include": "personal"}, headers=reading(headers)
        )
    assert shown.json()["personal"]["nik"] == OTHER_NIK
