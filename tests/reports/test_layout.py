"""The report documents as a reader gets them: laid out, readable, in Indonesian (Permen
PPPA 10/2012 §3.3.3, Lampiran V).

A rich world (``tests/reports/world.py``: three levels, every section filled, long names, six
sub-task-forces, five years of victims) is built through the API; its regency's annual
report, the nation's five-year report and the regency's public report are fetched as a
client would. WeasyPrint lays out the HTML as it prints the PDF, and the test walks the boxes
of every page: no box reaches past its parent's content box or the page, no table sits in a
table cell, no two pieces of text overlap. The pages are printed and rendered to PNG by
poppler's ``pdftoppm`` into ``tests/artifacts/`` for a person to look at. Every sentence
comes from the catalogue: no English sentence in the Indonesian document.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from babel.messages.pofile import read_po

from gtpptppo_api.compliance.rules import DESCRIPTIONS
from gtpptppo_api.kit.i18n import catalogue_path
from gtpptppo_api.kit.pdf import inline_only
from tests.reports import world
from tests.reports.support import run_generation_jobs

ARTIFACTS = Path(
    os.environ.get("GTPPTPPO_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "artifacts")
)
# Rounding of WeasyPrint's layout (CSS px): anything larger is a real overflow or overlap.
SLACK = 0.5
# Words of English that Indonesian does not use: one of them in the visible text of the
# Indonesian document is a sentence that escaped the catalogue.
ENGLISH = frozenset(
    {
        "the",
        "of",
        "and",
        "was",
        "were",
        "each",
        "every",
        "least",
        "which",
        "with",
        "from",
        "their",
        "this",
        "that",
        "is",
        "are",
        "by",
        "meeting",
        "meetings",
        "report",
        "victims",
        "victim",
        "rule",
        "rules",
        "year",
    }
)


@dataclass(frozen=True)
class Rect:
    left: float
    top: float
    right: float
    bottom: float

    def inside(self, other: Rect) -> bool:
        return (
            self.left >= other.left - SLACK
            and self.top >= other.top - SLACK
            and self.right <= other.right + SLACK
            and self.bottom <= other.bottom + SLACK
        )

    def overlaps(self, other: Rect) -> bool:
        return (
            min(self.right, other.right) - max(self.left, other.left) > SLACK
            and min(self.bottom, other.bottom) - max(self.top, other.top) > SLACK
        )


def border_box(box: Any) -> Rect:
    return Rect(
        box.border_box_x(),
        box.border_box_y(),
        box.border_box_x() + box.border_width(),
        box.border_box_y() + box.border_height(),
    )


def content_box(box: Any) -> Rect:
    return Rect(
        box.content_box_x(),
        box.content_box_y(),
        box.content_box_x() + box.width,
        box.content_box_y() + box.height,
    )


def laid_out(html: str) -> Any:
    """The HTML laid out in pages by WeasyPrint, as the PDF is printed (``kit.pdf``)."""
    import weasyprint  # type: ignore[import-untyped]

    return weasyprint.HTML(string=html, url_fetcher=inline_only()).render()


def layout_problems(document: Any) -> list[str]:
    """What a reader would stumble on in the laid-out pages of a WeasyPrint document."""
    from weasyprint.formatting_structure import boxes  # type: ignore[import-untyped]

    problems: list[str] = []

    def name(box: Any) -> str:
        text = getattr(box, "text", None)
        return f"{type(box).__name__} {box.element_tag}" + (f" {text[:40]!r}" if text else "")

    for number, page in enumerate(document.pages, start=1):
        root = page._page_box
        page_area = Rect(0, 0, root.margin_width(), root.margin_height())
        texts: list[tuple[Rect, str]] = []
        stack: list[tuple[Any, Any, bool]] = [(root, None, False)]
        while stack:
            box, parent, in_cell = stack.pop()
            if isinstance(box, boxes.TableBox) and in_cell:
                problems.append(f"page {number}: a table inside a table cell ({name(box)})")
            if not isinstance(box, boxes.PageBox | boxes.MarginBox):
                if not border_box(box).inside(page_area):
                    problems.append(f"page {number}: {name(box)} reaches past the page")
                block = isinstance(box, boxes.BlockLevelBox | boxes.LineBox | boxes.TextBox)
                parent_block = not isinstance(parent, boxes.PageBox | boxes.InlineBox)
                if block and parent_block and not border_box(box).inside(content_box(parent)):
                    problems.append(
                        f"page {number}: {name(box)} reaches past its parent {name(parent)}"
                    )
            if isinstance(box, boxes.TextBox) and box.text.strip():
                texts.append((border_box(box), box.text))
            inner = in_cell or isinstance(box, boxes.TableCellBox)
            stack += [(child, box, inner) for child in getattr(box, "children", [])]
        texts.sort(key=lambda item: item[0].top)
        for i, (rect, text) in enumerate(texts):
            for other, other_text in texts[i + 1 :]:
                if other.top >= rect.bottom:
                    break
                if rect.overlaps(other):
                    problems.append(f"page {number}: {text[:30]!r} overlaps {other_text[:30]!r}")
    return problems


class Visible(HTMLParser):
    """The text a reader sees (not the style sheet, not the SVG's tooltips)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "title"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def catalogue_fragments() -> list[str]:
    """The English of the catalogue's message ids, between their placeholders, of three
    words or more (shorter ones, such as "Status" or "Internet", are Indonesian too)."""
    with catalogue_path("id").open("rb") as po:
        catalog = read_po(po)
    fragments = []
    for message in catalog:
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            for fragment in re.split(r"%\(\w+\)s", text):
                if len(fragment.split()) >= 3:
                    fragments.append(fragment.strip())
    return fragments


def english_in(html: str) -> list[str]:
    """English found in an Indonesian page: message ids of the catalogue shown untranslated,
    the compliance rules' own (English) descriptions, English words."""
    text = Visible(html).text
    found = [d for d in DESCRIPTIONS.values() if d in text]
    found += [fragment for fragment in catalogue_fragments() if fragment in text]
    words = set(re.findall(r"[A-Za-z]+", text.lower()))
    found += sorted(words & ENGLISH)
    return found


def png_pages(pdf: bytes, name: str) -> list[Path]:
    """Every page of the PDF as a PNG in the artifacts folder (100 dpi)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    tool = shutil.which("pdftoppm")
    assert tool, "pdftoppm (poppler-utils) is missing: run `make pdf-tools`"
    subprocess.run([tool, "-r", "100", "-png", str(source), str(ARTIFACTS / name)], check=True)
    source.unlink()
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


@pytest.fixture
async def public(app) -> Any:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_report_documents_are_laid_out_readably_in_indonesian(
    client, public, session, national, auth
):
    """Permen PPPA 10/2012 §3.3.3: the annual report of a regency, the national five-year
    report and the public report of a rich world lay out without overflow, nested tables or
    overlapping text, hold no English, and are rendered to PNG for a person to look at."""

    async def run_jobs() -> None:
        await run_generation_jobs(session)

    built = await world.build(client, national, auth, run_jobs)
    documents = {
        "report-annual": (f"/reports/{built.annual['id']}/document", client, built.regency.admin),
        "report-five-year": (
            f"/reports/{built.five_year['id']}/document",
            client,
            built.nation.admin,
        ),
        "report-public": (f"/public/reports/{built.annual['id']}", public, {}),
    }
    for name, (url, http, headers) in documents.items():
        page = await http.get(url, params={"format": "html"}, headers=headers)
        assert page.status_code == 200, page.text
        assert english_in(page.text) == [], name
        pages = laid_out(page.text)
        assert layout_problems(pages) == [], name
        assert len(png_pages(pages.write_pdf(), name)) == len(pages.pages), name


def test_the_layout_check_finds_what_a_reader_would_stumble_on() -> None:
    """The checks above can fail: a table in a cell, a table wider than the page, text on
    top of text, and English in an Indonesian page are each found."""
    html = """<html><body>
    <table><tr><td><table><tr><td>dalam</td></tr></table></td></tr></table>
    <table style="width: 300mm"><tr><td>lebar</td></tr></table>
    <p style="position: relative">Tanggal <span style="position: absolute; left: 0">Judul</span></p>
    <p>A plenary at least once in each four-month period of the year.</p>
    </body></html>"""
    problems = " ".join(layout_problems(laid_out(html)))
    assert "a table inside a table cell" in problems
    assert "reaches past" in problems
    assert "overlaps" in problems
    assert english_in(html)
