"""Imports every domain's models so that ``Base.metadata`` is complete (Alembic, tests).

Each domain package keeps its tables in ``<domain>/models.py``; they are found here by
walking the package, so a new domain needs no registration.
"""

from __future__ import annotations

import importlib
import pkgutil

import gtpptppo_api
from gtpptppo_api.db.base import Base


def import_all_models() -> None:
    for module in pkgutil.iter_modules(gtpptppo_api.__path__):
        if not module.ispkg:
            continue
        name = f"{gtpptppo_api.__name__}.{module.name}.models"
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


import_all_models()

__all__ = ["Base", "import_all_models"]
