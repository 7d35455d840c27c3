"""Cases: their wrapped data keys move to the key store, out of the database backed up.

Each case's data key, wrapped by a service key, was held in ``victim_case.data_key`` (with
``data_key_id``): a copy of the database taken before an erasure still held it, and opened
it with the service key of its day. The keys are copied to the key store
(``db/keystore.py``, a database of its own, migrated first by ``gtpptppo migrate``), where
they are committed before the columns are dropped here: a failure in between leaves the
keys in both, and running again copies nothing twice. The downgrade copies them back (and
leaves them in the key store).

Revision ID: 0033_key_store
Revises: 0032_simfoni
Create Date: 2026-12-16 10:00:00
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects import postgresql, sqlite

from gtpptppo_api.db.base import utcnow
from gtpptppo_api.db.engine import create_engine
from gtpptppo_api.db.keystore import data_key
from gtpptppo_api.db.migrate import KEY_STORE_OPTION
from gtpptppo_api.settings import get_settings

revision: str = "0033_key_store"
down_revision: str | None = "0032_simfoni"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAGE = 2000
_case = sa.table(
    "victim_case",
    sa.column("id", sa.Uuid()),
    sa.column("data_key_id", sa.String(32)),
    sa.column("data_key", sa.LargeBinary()),
)


def _store_url() -> str:
    return context.config.get_main_option(KEY_STORE_OPTION) or get_settings().key_store


def _pages(bind: sa.Connection) -> Iterator[list[Any]]:
    last = None
    query = sa.select(_case.c.id, _case.c.data_key_id, _case.c.data_key).where(
        _case.c.data_key.is_not(None), _case.c.data_key_id.is_not(None)
    )
    while True:
        page = query.order_by(_case.c.id).limit(PAGE)
        if last is not None:
            page = page.where(_case.c.id > last)
        rows = list(bind.execute(page).all())
        if not rows:
            return
        last = rows[-1].id
        yield rows


def upgrade() -> None:
    bind = op.get_bind()
    # The migration runs in the async engine's greenlet: the key store's async engine is
    # driven through its synchronous face here.
    store = create_engine(_store_url(), pool_size=1)
    try:
        dialect = store.sync_engine.dialect.name
        build = postgresql.insert if dialect == "postgresql" else sqlite.insert
        with store.sync_engine.begin() as keys:
            for rows in _pages(bind):
                now = utcnow()
                keys.execute(
                    build(data_key).on_conflict_do_nothing(index_elements=["case_id"]),
                    [
                        {
                            "case_id": row.id,
                            "key_id": row.data_key_id,
                            "wrapped": bytes(row.data_key),
                            "created_at": now,
                        }
                        for row in rows
                    ],
                )
    finally:
        store.sync_engine.dispose()
    with op.batch_alter_table("victim_case") as batch:
        batch.drop_column("data_key")
        batch.drop_column("data_key_id")


def downgrade() -> None:
    with op.batch_alter_table("victim_case") as batch:
        batch.add_column(sa.Column("data_key_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("data_key", sa.LargeBinary(), nullable=True))
    bind = op.get_bind()
    store = create_engine(_store_url(), pool_size=1)
    try:
        with store.sync_engine.connect() as keys:
            last = None
            while True:
                page = sa.select(data_key).order_by(data_key.c.case_id).limit(PAGE)
                if last is not None:
                    page = page.where(data_key.c.case_id > last)
                rows = list(keys.execute(page).all())
                if not rows:
                    break
                last = rows[-1].case_id
                bind.execute(
                    sa.update(_case)
                    .where(_case.c.id == sa.bindparam("case_id"))
                    .values(data_key_id=sa.bindparam("kid"), data_key=sa.bindparam("blob")),
                    [
                        {"case_id": row.case_id, "kid": row.key_id, "blob": row.wrapped}
                        for row in rows
                    ],
                )
    finally:
        store.sync_engine.dispose()
