"""Strong ETags from a row's version counter, checked against ``If-Match``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

from gtpptppo_api.errors import PreconditionFailed

IfMatch = Annotated[
    str | None,
    Header(description="ETag of the copy being edited; the edit is refused (412) if stale."),
]


def etag(version: int) -> str:
    return f'"{version}"'


def check_if_match(if_match: str | None, version: int) -> None:
    """Refuse an edit made against a stale copy (RFC 9110 §13.1.1).

    Without the header the edit goes through; with it, one of the listed tags (or ``*``)
    must be the current one.
    """
    if if_match is None:
        return
    tags = [t.strip() for t in if_match.split(",")]
    if "*" in tags or etag(version) in tags or f"W/{etag(version)}" in tags:
        return
    raise PreconditionFailed(
        f"The resource changed: its current ETag is {etag(version)}. Read it again and retry.",
        current_etag=etag(version),
    )
