"""Encryption of personal fields at rest, and keyed hashes that need no decryption.

- AES-256-GCM (``cryptography``), a fresh random 96-bit nonce per encryption, the caller's
  associated data (the case id) bound in, and the key id stored beside the ciphertext so
  keys can rotate: encryption uses the newest key, decryption whichever key the row names.
- A blind index: HMAC-SHA256 of the normalised NIK under a key derived (HKDF) from the
  blind-index key, ``GTPPTPPO_BLIND_INDEX_KEY``; unset, from the oldest encryption key (as
  before that setting existed), so rotating encryption keys never changes it. Rotating the
  blind-index key itself is ``gtpptppo keys reindex``, which recomputes every index.
- Envelope encryption of a case's personal fields (``DataKey``): each case has a random
  data key of its own that seals its fields; the data key is stored wrapped (AES-256-GCM)
  under the newest service key, the case id bound in, in the key store (``Keyring.store``,
  ``db/keystore.py``), a database apart from the one backed up with the cases. Erasing the
  wrapped key shreds the case; rotating service keys re-wraps the data keys only
  (``gtpptppo keys rewrap``).
- The fingerprint of an idempotent request (``request_mac``) is keyed from the same key: a
  bare hash of a body that holds a NIK is guessed offline in a few thousand tries.

Keys come from ``GTPPTPPO_ENCRYPTION_KEY`` as ``id:base64key`` items, newest first. In the
embedded mode (SQLite, no key set) a key file is created beside the database with mode 0600.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from gtpptppo_api.db.keystore import KeyStore
from gtpptppo_api.settings import Settings

NONCE_BYTES = 12
# The key id stored beside a ciphertext sealed by its case's own data key (``DataKey``), in
# place of the id of a service key.
DATA_KEY_ID = "case"


class KeyConfigError(Exception):
    """The key configuration is missing or malformed."""


def _derive(key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(key)


def _key_bytes(name: str, encoded: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except ValueError as exc:
        raise KeyConfigError(f"key {name!r} is not base64") from exc
    if len(raw) != 32:
        raise KeyConfigError(f"key {name!r} must be 32 bytes")
    return raw


def parse_keys(value: str) -> list[tuple[str, bytes]]:
    keys: list[tuple[str, bytes]] = []
    for item in value.split(","):
        key_id, sep, encoded = item.strip().partition(":")
        if not sep or not key_id:
            raise KeyConfigError("each key is written 'id:base64key'")
        keys.append((key_id, _key_bytes(key_id, encoded)))
    if not keys:
        raise KeyConfigError("no key given")
    return keys


def new_key() -> str:
    """32 random bytes, base64 (a blind-index key, or the key of an encryption key line)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def new_key_line(key_id: str = "k1") -> str:
    return f"{key_id}:{new_key()}"


def key_file_for(database: Path) -> Path:
    return database.with_name(database.name + ".key")


def load_or_create_key_file(path: Path) -> str:
    """The embedded mode's key: created once, readable by its owner only."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    line = new_key_line()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return line


def _wrapping(associated: str) -> bytes:
    """The associated data of a wrapped data key: never that of a sealed field."""
    return f"{associated}:data-key".encode()


def _seal(cipher: AESGCM, data: dict[str, Any], associated: str) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    plain = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return nonce + cipher.encrypt(nonce, plain, associated.encode())


def _open(cipher: AESGCM, blob: bytes, associated: str) -> dict[str, Any]:
    nonce, sealed = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
    result: dict[str, Any] = json.loads(cipher.decrypt(nonce, sealed, associated.encode()))
    return result


@dataclass(frozen=True)
class DataKey:
    """A case's own data key (envelope encryption): seals that case's personal fields, and
    is stored only wrapped by a service key (``Keyring.wrap``)."""

    raw: bytes

    @classmethod
    def new(cls) -> DataKey:
        return cls(secrets.token_bytes(32))

    @cached_property
    def _cipher(self) -> AESGCM:
        return AESGCM(self.raw)

    def encrypt(self, data: dict[str, Any], associated: str) -> tuple[str, bytes]:
        """``(DATA_KEY_ID, nonce + ciphertext)``: ``Keyring.encrypt``'s shape."""
        return DATA_KEY_ID, _seal(self._cipher, data, associated)

    def decrypt(self, blob: bytes, associated: str) -> dict[str, Any]:
        return _open(self._cipher, blob, associated)


@dataclass(frozen=True)
class Keyring:
    keys: tuple[tuple[str, bytes], ...]
    # GTPPTPPO_BLIND_INDEX_KEY; None: the oldest encryption key, as before it existed.
    index_root: bytes | None = None
    # Where the cases' data keys are kept, wrapped by these keys (GTPPTPPO_KEY_STORE_URL).
    store: KeyStore | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Keyring:
        index_root = None
        if settings.blind_index_key:
            index_root = _key_bytes("GTPPTPPO_BLIND_INDEX_KEY", settings.blind_index_key.strip())
        value = settings.encryption_key
        if not value:
            database = settings.sqlite_path
            if database is None:
                raise KeyConfigError(
                    "GTPPTPPO_ENCRYPTION_KEY must be set when the database is not a SQLite file"
                )
            value = load_or_create_key_file(key_file_for(database))
        return cls(tuple(parse_keys(value)), index_root, KeyStore.for_url(settings.key_store))

    @property
    def key_store(self) -> KeyStore:
        if self.store is None:
            raise KeyConfigError("no key store is configured for the cases' data keys")
        return self.store

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    @cached_property
    def _index_key(self) -> bytes:
        return _derive(self.index_root or self.keys[-1][1], b"gtpptppo blind index v1")

    @cached_property
    def _request_key(self) -> bytes:
        return _derive(self.index_root or self.keys[-1][1], b"gtpptppo request v1")

    @cached_property
    def _mac_key(self) -> bytes:
        return _derive(self.keys[-1][1], b"gtpptppo content v1")

    @cached_property
    def _ciphers(self) -> dict[str, AESGCM]:
        return {key_id: AESGCM(raw) for key_id, raw in self.keys}

    def _cipher(self, key_id: str) -> AESGCM:
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise KeyConfigError(f"no key with id {key_id!r} is configured")
        return cipher

    def encrypt(self, data: dict[str, Any], associated: str) -> tuple[str, bytes]:
        """``(key id, nonce + ciphertext)`` of ``data`` as JSON, bound to ``associated``."""
        return self.current_id, _seal(self._cipher(self.current_id), data, associated)

    def decrypt(self, key_id: str, blob: bytes, associated: str) -> dict[str, Any]:
        return _open(self._cipher(key_id), blob, associated)

    def wrap(self, keys: Iterable[tuple[DataKey, str]]) -> tuple[str, list[bytes]]:
        """Data keys wrapped under the newest service key, each bound to its associated data
        (the case id); in bulk, with one cipher: ``(service key id, wrapped keys)``."""
        cipher = self._cipher(self.current_id)
        wrapped = []
        for key, associated in keys:
            nonce = secrets.token_bytes(NONCE_BYTES)
            wrapped.append(nonce + cipher.encrypt(nonce, key.raw, _wrapping(associated)))
        return self.current_id, wrapped

    def unwrap(self, key_id: str, wrapped: bytes, associated: str) -> DataKey:
        """The data key ``wrap`` sealed; ``InvalidTag`` if it was not sealed so."""
        nonce, sealed = wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:]
        return DataKey(self._cipher(key_id).decrypt(nonce, sealed, _wrapping(associated)))

    def encrypt_bytes(self, data: bytes, associated: str) -> tuple[str, bytes]:
        """``(key id, nonce + ciphertext)`` of raw bytes (a part of an uploaded file)."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        cipher = self._cipher(self.current_id).encrypt(nonce, data, associated.encode())
        return self.current_id, nonce + cipher

    def decrypt_bytes(self, key_id: str, blob: bytes, associated: str) -> bytes:
        nonce, cipher = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
        return self._cipher(key_id).decrypt(nonce, cipher, associated.encode())

    def blind_index(self, value: str) -> str:
        """Keyed hash for exact-match look-ups without decrypting."""
        return hmac.new(self._index_key, value.encode(), hashlib.sha256).hexdigest()

    def request_mac(self, body: bytes) -> str:
        """Keyed fingerprint of a request body, to tell a retry from another request."""
        return hmac.new(self._request_key, body, hashlib.sha256).hexdigest()

    def mac(self, data: bytes) -> str:
        """Keyed fingerprint of content that may hold personal data (change detection)."""
        return hmac.new(self._mac_key, data, hashlib.sha256).hexdigest()
