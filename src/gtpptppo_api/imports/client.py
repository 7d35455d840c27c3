"""``gtpptppo import FILE --centre ID``: upload a file, follow its import, say how it went.

The file goes to ``POST /service-centres/{id}/imports`` as it is read (its type from its
name: .csv, .xlsx, .ndjson / .jsonl); the import is then polled, with a progress bar (rows
per second, time left) on standard error. The summary goes to standard output, and the
refused rows, if any, are saved beside the file (``<name>-kesalahan.xlsx``).

Exit status: 0 every row stored, 1 some rows refused, 2 the file refused as a whole or the
request failed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import httpx

from gtpptppo_api.imports.reader import XLSX_TYPE

TYPES = {
    ".csv": "text/csv",
    ".xlsx": XLSX_TYPE,
    ".ndjson": "application/x-ndjson",
    ".jsonl": "application/x-ndjson",
}
POLL_SECONDS = 0.5
BAR = 30
ALL_STORED, SOME_REFUSED, FAILED = 0, 1, 2


def _pieces(path: Path, size: int = 256 * 1024) -> Iterator[bytes]:
    with path.open("rb") as file:
        while piece := file.read(size):
            yield piece


def bar(done: int, total: int | None, started: float, now: float) -> str:
    """``[#####.....] 500/1,000 baris  250 baris/s  sisa 2 s``."""
    elapsed = max(now - started, 1e-6)
    rate = done / elapsed
    if not total:
        return f"membaca berkas... {done:,} baris"
    filled = round(BAR * done / total)
    left = (total - done) / rate if rate > 0 else float("inf")
    eta = f"{left:,.0f} s" if left != float("inf") else "?"
    return (
        f"[{'#' * filled}{'.' * (BAR - filled)}] {done:,}/{total:,} baris  "
        f"{rate:,.0f} baris/s  sisa {eta}"
    )


def run_import(
    path: Path,
    centre: int,
    server: str,
    token: str,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    errors_to: Path | None = None,
) -> int:
    """Upload ``path`` and follow its import; the exit status. The summary goes to ``out``
    (standard output), the progress to ``err`` (standard error)."""
    out = out or sys.stdout
    err = err or sys.stderr
    content_type = TYPES.get(path.suffix.lower())
    if content_type is None:
        print(f"gtpptppo import: {path.name}: use a .csv, .xlsx or .ndjson file", file=err)
        return FAILED
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    base = server.rstrip("/")
    api = base if base.endswith("/api/v1") else f"{base}/api/v1"
    with httpx.Client(base_url=api, timeout=60) as client:
        response = client.post(
            f"/service-centres/{centre}/imports",
            params={"filename": path.name[:200]},
            content=_pieces(path),
            headers=headers,
        )
        if response.status_code != 202:
            print(
                f"gtpptppo import: refused ({response.status_code}): {_problem(response)}", file=err
            )
            return FAILED
        location = response.headers["Location"].removeprefix("/api/v1")
        started = time.monotonic()
        item: dict[str, Any] = response.json()
        interactive = err.isatty()
        while item["state"] in ("queued", "running"):
            time.sleep(POLL_SECONDS)
            polled = client.get(location, headers=headers)
            if polled.status_code != 200:
                print(f"\ngtpptppo import: {_problem(polled)}", file=err)
                return FAILED
            item = polled.json()
            line = bar(item["rows_done"], item["rows_total"], started, time.monotonic())
            print(("\r" if interactive else "") + line, end="" if interactive else "\n", file=err)
        if interactive:
            print(file=err)
        return _summary(client, item, headers, path, errors_to, out)


def _problem(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500]
    return str(body.get("detail") or body.get("title") or body)


def _summary(
    client: httpx.Client,
    item: dict[str, Any],
    headers: dict[str, str],
    path: Path,
    errors_to: Path | None,
    out: TextIO,
) -> int:
    if item["state"] == "failed":
        print(f"Impor {item['id']} gagal / failed: {item['problem']}", file=out)
        return FAILED
    print(
        f"Impor {item['id']}: {item['rows_total']:,} baris, {item['stored']:,} tersimpan "
        f"(baru {item['created']:,}, diperbarui {item['updated']:,}, tetap "
        f"{item['unchanged']:,}), {item['refused']:,} ditolak.",
        file=out,
    )
    if not item["refused"]:
        return ALL_STORED
    sheet_path = item["errors_xlsx"].removeprefix("/api/v1")
    sheet = client.get(sheet_path, headers=headers)
    target = errors_to or path.with_name(f"{path.stem}-kesalahan.xlsx")
    if sheet.status_code == 200:
        target.write_bytes(sheet.content)
        print(f"Baris yang ditolak / refused rows: {target}", file=out)
    url = str(client.base_url).rstrip("/") + sheet_path
    print(f"Lembar kesalahan / error sheet: {url}", file=out)
    return SOME_REFUSED
