"""HTML printed to PDF by WeasyPrint, fetching nothing but what the HTML holds inline.

WeasyPrint fetches every URL a document names (images, stylesheets, fonts) with its default
fetcher: ``http://`` to any host the server reaches (an internal address, a cloud's metadata
service) and ``file://`` anywhere on its disk. The service's documents are rendered from its
own templates, with everything inline; a URL that still got in (through a stored text, a
template changed later) is refused here instead: only ``data:`` URIs are read.
"""

from __future__ import annotations

from typing import Any

INLINE_PROTOCOLS = frozenset({"data"})


def inline_only() -> Any:
    """A WeasyPrint URL fetcher that reads ``data:`` URIs and refuses every other URL."""
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    return URLFetcher(allowed_protocols=INLINE_PROTOCOLS, allow_redirects=False, timeout=1)


def html_to_pdf(html: str) -> bytes:
    """The HTML as PDF (needs pango; WeasyPrint is imported only when a PDF is asked)."""
    import weasyprint  # type: ignore[import-untyped]

    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=inline_only()).write_pdf()
    return pdf
