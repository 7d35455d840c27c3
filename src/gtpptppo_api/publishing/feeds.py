"""Atom feeds of newly published reports, one per region (its subtree), for information
media (5.4 b). Written with feedgen, not by hand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from feedgen.feed import FeedGenerator

from gtpptppo_api.publishing.render import period
from gtpptppo_api.regions.models import Region
from gtpptppo_api.reports.render import LABELS

EPOCH = datetime(2012, 1, 1, tzinfo=UTC)  # the year of the regulation: an empty feed's date


def _id(base_url: str, url: str) -> str:
    """An Atom id: the absolute URL, or a URN of the path when no public base is set."""
    return url if base_url else f"urn:gtpptppo:{url.strip('/').replace('/', ':')}"


def atom(base_url: str, region: Region, entries: Sequence[dict[str, Any]]) -> bytes:
    """The feed; ``base_url`` (``GTPPTPPO_PUBLIC_BASE_URL``: scheme and host, no trailing
    slash) makes its links absolute; empty, they are relative. Never the request's Host."""
    feed = FeedGenerator()
    self_url = f"{base_url}/public/feeds/{region.code}.atom"
    feed.id(_id(base_url, self_url))
    feed.title(f"Laporan Gugus Tugas PP-TPPO: {region.name}")
    feed.subtitle(
        f"Laporan tahunan dan lima tahunan yang diterbitkan gugus tugas di {region.name} "
        "dan wilayah di bawahnya"
    )
    feed.language("id")
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=f"{base_url}/public/regions/{region.code}", rel="alternate", type="text/html")
    feed.author({"name": "Gugus Tugas PP-TPPO"})
    feed.updated(max((e["published_at"] for e in entries), default=EPOCH))
    # feedgen lists entries newest first when they are added oldest first
    for entry in reversed(entries):
        url = f"{base_url}{entry['url']}"
        title = (
            f"{LABELS['kind'][entry['kind']]} {entry['task_force_name']} {period(entry['years'])}"
        )
        item = feed.add_entry()
        item.id(_id(base_url, url))
        item.title(title)
        # feedgen 1.0 writes an entry link's href only (its rel and type are dropped); a link
        # without rel is the alternate (RFC 4287, 4.2.7.2), so the page is the one link and
        # the PDF is named in the summary.
        item.link(href=url, rel="alternate")
        item.published(entry["published_at"])
        item.updated(entry["published_at"])
        item.summary(
            f"{title}, wilayah {entry['region_name']} ({entry['region_code']}). PDF: {url}.pdf"
        )
    result: bytes = feed.atom_str(pretty=True)
    return result
