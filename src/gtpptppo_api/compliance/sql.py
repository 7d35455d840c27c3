"""``day_number(date)``: a date as a whole number of days, on SQLite and PostgreSQL.

Only differences between day numbers mean anything; the epoch differs between backends.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class day_number(FunctionElement[int]):
    type = Integer()
    name = "day_number"
    inherit_cache = True


@compiles(day_number)
def _postgresql(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(CAST({compiler.process(element.clauses, **kw)} AS DATE) - DATE '1970-01-01')"


@compiles(day_number, "sqlite")
def _sqlite(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    # julianday() of a date is n + 0.5 (Julian days start at noon): truncation gives n.
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) AS INTEGER)"
