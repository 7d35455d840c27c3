"""``gtpptppo backup DEST`` and ``gtpptppo restore SRC`` for the embedded mode (SQLite).

The backup copies the database with SQLite's online backup API: one read transaction, so a
consistent snapshot while the service keeps serving and writing (WAL). The archive (a tar,
gzipped, 0600) holds that copy, the key file beside the database when the keys are there
(no ``GTPPTPPO_ENCRYPTION_KEY``), and a manifest: the migration revision and a fingerprint
of each key, never a key itself.

The key store (``db/keystore.py``: the cases' wrapped data keys, a file of its own beside
the database) is never in that archive: a copy of the database holds ciphertext only, and
erasing a case reaches it at once. ``gtpptppo backup --keys`` writes the key store to an
archive of its own (``"contents": "keys"``), to keep apart and for a short time only: an
erased case's key survives in those archives until they are deleted
(docs/personal-data.md). Restoring one (``gtpptppo restore --keys``) is followed by a sweep
that deletes again the keys of the cases erased since (``cases.sealing.sweep``).

A restore refuses a database a ``gtpptppo serve`` holds (``backup.lock``), an archive whose
keys are not those configured for the target (its personal fields could not be read), and
an existing database unless told to replace it. It checks the copy's integrity before it
puts it in place, and removes the old database's ``-wal`` and ``-shm`` files, which would
otherwise be replayed over the restored one.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gtpptppo_api import __version__
from gtpptppo_api.backup.lock import take_exclusive
from gtpptppo_api.kit.crypto import Keyring, key_file_for, parse_keys
from gtpptppo_api.settings import Settings, sqlite_file

FORMAT = "gtpptppo-backup/1"
MANIFEST = "manifest.json"
DATABASE = "database.sqlite"
KEY_FILE = "encryption.key"
# What an archive holds: the database, or the key store.
DATABASE_CONTENTS, KEYS_CONTENTS = "database", "keys"


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why."""


@dataclass(frozen=True)
class Restored:
    database: Path
    key_file: Path | None
    revision: str | None
    created_at: str


def key_fingerprints(keyring: Keyring) -> dict[str, str]:
    """Each encryption key's id and a keyed digest of it (the key cannot be read back)."""
    return {
        key_id: hmac.new(raw, b"gtpptppo key fingerprint", hashlib.sha256).hexdigest()[:32]
        for key_id, raw in keyring.keys
    }


def _database_of(settings: Settings) -> Path:
    database = settings.sqlite_path
    if database is None:
        raise BackupError(
            "backup and restore are for the embedded mode (a SQLite file); for PostgreSQL "
            "see docs/deploy.md (pg_dump, with the keys kept apart from the data)"
        )
    return database


def _key_store_of(settings: Settings) -> Path:
    _database_of(settings)
    store = sqlite_file(settings.key_store)
    if store is None:
        raise BackupError("the key store is not a SQLite file: back it up as its database")
    return store


def _revision(connection: sqlite3.Connection) -> str | None:
    with contextlib.suppress(sqlite3.Error):
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(row[0]) if row else None
    return None


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup(settings: Settings, destination: Path, *, keys: bool = False) -> dict[str, Any]:
    """Write the archive of the configured SQLite database (``keys``: of its key store) to
    ``destination``."""
    database = _key_store_of(settings) if keys else _database_of(settings)
    if not database.exists():
        raise BackupError(f"no database at {database}")
    keyring = Keyring.from_settings(settings)  # the key file exists after this (or keys are set)
    key_file = key_file_for(_database_of(settings)) if not settings.encryption_key else None
    if keys:
        key_file = None  # the service's key stays apart from the wrapped keys
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".backup-") as scratch:
        copy = Path(scratch) / DATABASE
        source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
        target = sqlite3.connect(copy)
        try:
            source.backup(target)  # all pages in one step: one consistent snapshot
            revision = _revision(target)
        finally:
            target.close()
            source.close()
        manifest = {
            "format": FORMAT,
            "contents": KEYS_CONTENTS if keys else DATABASE_CONTENTS,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "version": __version__,
            "revision": revision,
            "keys": key_fingerprints(keyring),
            "key_file": key_file is not None,
        }
        partial = destination.with_name(destination.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            _add(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            archive.add(copy, DATABASE, filter=_private)
            if key_file is not None:
                _add(archive, KEY_FILE, key_file.read_bytes())
        os.replace(partial, destination)
    return manifest


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    return info


def _member(archive: tarfile.TarFile, name: str) -> bytes | None:
    try:
        handle = archive.extractfile(name)
    except KeyError:
        return None
    return handle.read() if handle is not None else None


def _read_archive(source: Path) -> tuple[dict[str, Any], tarfile.TarFile]:
    try:
        archive = tarfile.open(source, mode="r:gz")  # noqa: SIM115 - closed by the caller
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{source} is not a gtpptppo backup: {exc}") from exc
    raw = _member(archive, MANIFEST)
    try:
        manifest = json.loads(raw or b"")
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        archive.close()
        raise BackupError(f"{source} is not a gtpptppo backup (no {FORMAT} manifest)")
    return manifest, archive


def _check_keys(
    settings: Settings, database: Path, manifest: dict[str, Any], key: bytes | None
) -> None:
    """The target's keys must be the archive's: else its personal fields are unreadable."""
    wanted: dict[str, str] = manifest.get("keys", {})
    if settings.encryption_key:
        configured = settings.encryption_key
        where = "GTPPTPPO_ENCRYPTION_KEY"
    elif key_file_for(database).exists():
        configured = key_file_for(database).read_text(encoding="utf-8").strip()
        where = str(key_file_for(database))
    elif key is not None:
        configured = key.decode().strip()
        where = "the archive's key file"
    else:
        raise BackupError(
            "the archive holds no key (it was taken with GTPPTPPO_ENCRYPTION_KEY set): set "
            "the same GTPPTPPO_ENCRYPTION_KEY to restore it"
        )
    found = key_fingerprints(Keyring(tuple(parse_keys(configured))))
    missing = sorted(key_id for key_id, digest in wanted.items() if found.get(key_id) != digest)
    if missing:
        raise BackupError(
            f"the archive's data is encrypted under other keys than {where} "
            f"(key ids {', '.join(missing)} differ or are missing): refused"
        )


def restore(
    settings: Settings, source: Path, *, replace: bool = False, keys: bool = False
) -> Restored:
    """Put the archive's database (and key file) in place of the configured database;
    ``keys``: the archive's key store in place of the configured key store."""
    database = _database_of(settings)
    manifest, archive = _read_archive(source)
    wanted = KEYS_CONTENTS if keys else DATABASE_CONTENTS
    if manifest.get("contents", DATABASE_CONTENTS) != wanted:
        archive.close()
        raise BackupError(
            f"{source} holds the {manifest.get('contents', DATABASE_CONTENTS)}, not the "
            f"{wanted}: restore it {'without' if keys else 'with'} --keys"
        )
    with archive, take_exclusive(database):
        key = _member(archive, KEY_FILE)
        _check_keys(settings, database, manifest, key)
        if keys:
            database = _key_store_of(settings)
        if database.exists() and not replace:
            raise BackupError(f"{database} exists: give --replace to overwrite it")
        database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=database.parent, prefix=".restore-") as scratch:
            copy = Path(scratch) / DATABASE
            handle = archive.extractfile(DATABASE)
            if handle is None:
                raise BackupError(f"{source} holds no database")
            fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                while chunk := handle.read(1 << 20):
                    out.write(chunk)
            checked = sqlite3.connect(copy)
            try:
                verdict = checked.execute("PRAGMA integrity_check").fetchone()
            except sqlite3.DatabaseError as exc:
                raise BackupError(f"the archive's database is damaged: {exc}") from exc
            finally:
                checked.close()
            if verdict is None or verdict[0] != "ok":
                raise BackupError(f"the archive's database is damaged: {verdict}")
            for suffix in ("-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    database.with_name(database.name + suffix).unlink()
            os.replace(copy, database)
        key_file = None
        if key is not None and not settings.encryption_key:
            key_file = key_file_for(database)
            if not key_file.exists():
                fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    out.write(key)
    return Restored(database, key_file, manifest.get("revision"), str(manifest.get("created_at")))
