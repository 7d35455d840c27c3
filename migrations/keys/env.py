"""Alembic environment of the key store (``db/keystore.py``): the cases' wrapped data keys,
in a database of their own, migrated by ``gtpptppo migrate`` before the main database."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from gtpptppo_api.db.engine import create_engine
from gtpptppo_api.db.keystore import metadata
from gtpptppo_api.settings import get_settings

config = context.config
target_metadata = metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    """The URL given in code (gtpptppo migrate), else the settings' key store."""
    return config.get_main_option("sqlalchemy.url") or get_settings().key_store


async def _run_async() -> None:
    engine = create_engine(_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())
