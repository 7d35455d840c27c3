"""Idempotency records: the unkeyed request hashes are removed.

``idempotency_record.request_hash`` was a bare SHA-256 of the batch body, which holds NIKs:
with the case row and the stored answer, a NIK fell to a few thousand guesses offline. New
records hold a keyed HMAC (``Keyring.request_mac``). The old hashes cannot be turned into
keyed ones (the bodies are gone), so their records are deleted: they only replay an answer,
and a retried batch pushed again changes nothing (a case is keyed by its reference).

Revision ID: 0017_keyed_request_hash
Revises: 0016_record_keys
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017_keyed_request_hash"
down_revision: str | None = "0016_record_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM idempotency_record")


def downgrade() -> None:
    """Nothing to restore: the deleted records were replays, not data."""
