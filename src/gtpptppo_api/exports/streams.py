"""Streaming a whole-record export as CSV or as a JSON array, batch by batch (the HTCDS and
SIMFONI-PPA exports): the answer never holds more than one batch and a 64 KiB buffer."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

FLUSH_BYTES = 64 * 1024


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else value


async def csv_text(
    fields: Sequence[str], batches: AsyncIterator[list[dict[str, Any]]]
) -> AsyncIterator[str]:
    """A header of ``fields``, then a row per record (lists joined with ';')."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(fields)
    async for rows in batches:
        for row in rows:
            writer.writerow([_cell(row[name]) for name in fields])
        if buffer.tell() > FLUSH_BYTES:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


async def json_array(
    batches: AsyncIterator[list[dict[str, Any]]], *, ensure_ascii: bool = True
) -> AsyncIterator[str]:
    """A JSON array of the records."""
    separator = ""
    yield "["
    async for rows in batches:
        if rows:
            yield separator + ",".join(
                json.dumps(row, separators=(",", ":"), ensure_ascii=ensure_ascii) for row in rows
            )
            separator = ","
    yield "]"
