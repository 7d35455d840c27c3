"""Personal data lifecycle: per-case data keys, erasure and restriction marks.

Each case gets columns for its own data key, wrapped by a service key (envelope
encryption), and the times its personal data was erased or its processing restricted.
The data keys themselves cannot be made here: a migration does not hold the service's
keys. Cases stored before stay readable as they are (their fields name the service key
that sealed them) until ``gtpptppo keys rewrap`` seals each under a key of its own
(docs/personal-data.md).

Revision ID: 0029_personal_data
Revises: 0025_report_chain
Create Date: 2026-12-15 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029_personal_data"
down_revision: str | None = "0026_imports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("victim_case") as batch:
        batch.add_column(sa.Column("data_key_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("data_key", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("restricted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("victim_case") as batch:
        batch.drop_column("restricted_at")
        batch.drop_column("erased_at")
        batch.drop_column("data_key")
        batch.drop_column("data_key_id")
