"""The subtree rule of Kemendagri region codes, which every jurisdiction check uses.

Codes are hierarchical (``33`` contains ``33.02``), so a region's subtree is the region
itself and every code that starts with its code and a dot; the nation ``ID`` holds all.
Pure functions of the codes, no table: the caller's jurisdiction (``auth``) and the regions'
own look-ups (``regions``) both use them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, true

NATIONAL = "ID"


def in_subtree(code: str, root: str) -> bool:
    return root == NATIONAL or code == root or code.startswith(root + ".")


def is_regency(code: str) -> bool:
    """A regency or city (``33.02``): the lowest level (``RegionLevel``), a subtree of one."""
    return "." in code


def subtree_clause(column: Any, root: str) -> ColumnElement[bool]:
    """SQL for "``column`` is ``root`` or a region below it"."""
    if root == NATIONAL:
        return true()
    return or_(column == root, column.like(root + ".%"))
