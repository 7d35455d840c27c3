"""Running the Alembic migrations, from the command line or from code."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

import gtpptppo_api


def migrations_dir() -> Path:
    """The migrations: packaged in a wheel, or the repository's folder in a checkout."""
    package = Path(gtpptppo_api.__file__).parent
    packaged = package / "_migrations"
    if packaged.is_dir():
        return packaged
    return package.parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    """Migrate the database to ``revision`` (blocking; call it from a thread in async code)."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
