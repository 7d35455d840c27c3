"""Keys for personal fields (docs/architecture.md, "The case write path")."""

from __future__ import annotations

import base64
import hashlib
import hmac
import stat

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from gtpptppo_api.kit.crypto import KeyConfigError, Keyring
from gtpptppo_api.settings import Settings


def test_embedded_mode_creates_its_key_beside_the_database_readable_by_its_owner(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'gt.db'}", encryption_key=None)
    ring = Keyring.from_settings(settings)
    key_file = tmp_path / "gt.db.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # the same key on the next start: what was sealed can be opened
    sealed = ring.encrypt({"name": "Ani"}, "case-1")
    again = Keyring.from_settings(settings)
    assert again.decrypt(*sealed, "case-1") == {"name": "Ani"}


def test_a_server_database_needs_a_configured_key():
    with pytest.raises(KeyConfigError):
        Keyring.from_settings(
            Settings(database_url="postgresql://u@127.0.0.1/db", encryption_key=None)
        )


def test_rotation_old_ciphertexts_open_new_ones_use_the_newest_key():
    old = "k1:" + base64.urlsafe_b64encode(b"1" * 32).decode()
    new = "k2:" + base64.urlsafe_b64encode(b"2" * 32).decode()
    before = Keyring.from_settings(Settings(database_url="sqlite:///x.db", encryption_key=old))
    key_id, blob = before.encrypt({"nik": "3302015507990001"}, "case-9")
    after = Keyring.from_settings(
        Settings(database_url="sqlite:///x.db", encryption_key=f"{new},{old}")
    )
    assert after.decrypt(key_id, blob, "case-9") == {"nik": "3302015507990001"}
    assert after.encrypt({}, "c")[0] == "k2"
    # the blind index does not change with rotation (it follows the oldest key)
    assert after.blind_index("3302015507990001") == before.blind_index("3302015507990001")
    # the case id is bound in: the ciphertext does not open under another case
    with pytest.raises(InvalidTag):
        after.decrypt(key_id, blob, "case-10")


def test_without_a_blind_index_key_the_index_is_derived_as_before():
    """Backward compatibility: unset, the index key is HKDF of the oldest encryption key, so
    the indexes of an existing database keep matching; set, the index follows it alone."""
    old = "k1:" + base64.urlsafe_b64encode(b"1" * 32).decode()
    new = "k2:" + base64.urlsafe_b64encode(b"2" * 32).decode()
    ring = Keyring.from_settings(
        Settings(database_url="sqlite:///x.db", encryption_key=f"{new},{old}")
    )
    derived = HKDF(hashes.SHA256(), 32, None, b"gtpptppo blind index v1").derive(b"1" * 32)
    nik = "3302015507990001"
    assert ring.blind_index(nik) == hmac.new(derived, nik.encode(), hashlib.sha256).hexdigest()

    key = base64.urlsafe_b64encode(b"9" * 32).decode()
    keyed = Keyring.from_settings(
        Settings(database_url="sqlite:///x.db", encryption_key=f"{new},{old}", blind_index_key=key)
    )
    assert keyed.blind_index(nik) != ring.blind_index(nik)
    assert keyed.request_mac(b"body") != ring.request_mac(b"body")
    rotated = Keyring.from_settings(
        Settings(database_url="sqlite:///x.db", encryption_key=new, blind_index_key=key)
    )
    assert rotated.blind_index(nik) == keyed.blind_index(nik)  # encryption keys do not matter


def test_a_blind_index_key_that_is_not_32_bytes_is_refused():
    with pytest.raises(KeyConfigError, match="BLIND_INDEX"):
        Keyring.from_settings(
            Settings(database_url="sqlite:///x.db", encryption_key=None, blind_index_key="c2hvcnQ")
        )


def test_the_key_store_lies_apart_from_the_database_unless_set():
    """The cases' wrapped data keys live in a database of their own (db/keystore.py):
    beside a SQLite file, on the same PostgreSQL server under the name suffixed ``_keys``,
    or where GTPPTPPO_KEY_STORE_URL says."""
    sqlite = Settings(database_url="sqlite:////srv/gt/gtpptppo.db")
    assert sqlite.key_store == "sqlite:////srv/gt/gtpptppo.keys.sqlite"
    server = Settings(database_url="postgresql://gt:rahasia@db.example:5432/gtpptppo")
    assert server.key_store == "postgresql://gt:rahasia@db.example:5432/gtpptppo_keys"
    elsewhere = "postgresql://keys@vault.example/keys"
    assert Settings(database_url=server.database_url, key_store_url=elsewhere).key_store == (
        elsewhere
    )
