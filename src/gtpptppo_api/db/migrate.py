"""Running the Alembic migrations, from the command line or from code.

Two environments: the main database's (``migrations``) and the key store's
(``migrations/keys``, ``db/keystore.py``). ``upgrade`` migrates the key store first, creating
its PostgreSQL database when it is missing and the role may, then the main database, whose
migrations may copy keys into it (``0033_key_store``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

import gtpptppo_api
from gtpptppo_api.settings import async_url, key_store_url_for

# The option of the main environment naming the key store (read by ``0033_key_store``).
KEY_STORE_OPTION = "gtpptppo.key_store_url"


def migrations_dir() -> Path:
    """The migrations: packaged in a wheel, or the repository's folder in a checkout."""
    package = Path(gtpptppo_api.__file__).parent
    packaged = package / "_migrations"
    if packaged.is_dir():
        return packaged
    return package.parent.parent / "migrations"


def alembic_config(database_url: str, key_store_url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    store = key_store_url or key_store_url_for(database_url)
    config.set_main_option(KEY_STORE_OPTION, store.replace("%", "%%"))
    return config


def key_store_config(key_store_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir() / "keys"))
    config.set_main_option("sqlalchemy.url", key_store_url.replace("%", "%%"))
    return config


class KeyStoreMissing(RuntimeError):
    """The key store's PostgreSQL database does not exist and cannot be created here."""


async def _create_database(key_store_url: str, database_url: str) -> None:
    target = make_url(key_store_url)
    # Connect to the main database (it exists), or the server's own when both are one.
    via = make_url(database_url) if make_url(database_url).host == target.host else target
    if via.database == target.database:
        via = via.set(database="postgres")
    dsn = via.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        found = await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", target.database
        )
        if found:
            return
        name = (target.database or "").replace('"', '""')
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        except asyncpg.DuplicateDatabaseError:
            return  # another process created it meanwhile
        except asyncpg.InsufficientPrivilegeError as exc:
            raise KeyStoreMissing(
                f"the key store's database {target.database!r} does not exist and this role "
                "may not create it: create it (owned by the service's role), or set "
                "GTPPTPPO_KEY_STORE_URL"
            ) from exc
    finally:
        await connection.close()


def upgrade_key_store(key_store_url: str, database_url: str | None = None) -> None:
    """Create the key store where it is missing (PostgreSQL) and migrate it."""
    if async_url(key_store_url).startswith("postgresql"):
        asyncio.run(_create_database(key_store_url, database_url or key_store_url))
    command.upgrade(key_store_config(key_store_url), "heads")


def upgrade(database_url: str, revision: str = "heads", key_store_url: str | None = None) -> None:
    """Migrate the key store, then the database to ``revision`` (blocking; call it from a
    thread in async code). ``key_store_url``: default, the one beside the database."""
    store = key_store_url or key_store_url_for(database_url)
    upgrade_key_store(store, database_url)
    command.upgrade(alembic_config(database_url, store), revision)


def downgrade(database_url: str, revision: str, key_store_url: str | None = None) -> None:
    command.downgrade(alembic_config(database_url, key_store_url), revision)
