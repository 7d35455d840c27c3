"""The public pages: server-rendered HTML in Indonesian (Jinja2, autoescaped, StrictUndefined),
readable on a phone (tables, no map, no script), and the report as HTML and PDF (WeasyPrint)
from the report's own templates (``reports.render``, public version)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gtpptppo_api.kit.indonesian import number, percent, when
from gtpptppo_api.kit.templates import environment
from gtpptppo_api.reports.render import HIDDEN, LABELS, label, render_html

LABELS_PUBLIC: dict[str, dict[str, str]] = {
    "partner_kind": {
        "womens_organisation": "Organisasi perempuan",
        "religious": "Organisasi keagamaan",
        "youth": "Organisasi pemuda",
        "village": "Kelompok desa/kelurahan",
        "ngo": "Lembaga swadaya masyarakat",
        "media": "Media",
        "business": "Dunia usaha",
        "academic": "Akademisi/perguruan tinggi",
    },
    "region_level": {"national": "Nasional", "province": "Provinsi", "regency": "Kabupaten/Kota"},
}


def count(value: Any) -> str:
    """A published count, or the mark of a suppressed one."""
    return HIDDEN if value is None else number(value)


def public_label(value: Any, table: str) -> str:
    if table in LABELS_PUBLIC:
        return LABELS_PUBLIC[table].get(str(value), str(value))
    return label(value, table)


def period(years: list[int]) -> str:
    return f"Tahun {years[0]}–{years[-1]}" if len(years) > 1 else f"Tahun {years[0]}"


def day(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    text = when(value)
    return text.rsplit(" ", 2)[0] if text.endswith("UTC") else text


ENVIRONMENT = environment(
    "gtpptppo_api.publishing",
    filters={
        "label": public_label,
        "number": number,
        "percent": percent,
        "when": when,
        "day": day,
        "count": count,
        "period": period,
    },
    globals={"HIDDEN": HIDDEN, "KINDS": LABELS["kind"]},
)


def page(template: str, *, dpo: dict[str, str] | None = None, **context: Any) -> str:
    """A page; ``dpo``: the data protection officer's contact, shown in its footer."""
    return ENVIRONMENT.get_template(template).render(dpo=dpo, **context)


def report_page(document: dict[str, Any]) -> str:
    """The public report as a page: the report's templates, leaving out what publishing
    withholds (``reports.render.render_html``, ``public=True``)."""
    return render_html(document, public=True)


def report_pdf(html: str) -> bytes:
    import weasyprint  # type: ignore[import-untyped]

    from gtpptppo_api.kit.pdf import inline_only

    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=inline_only()).write_pdf()
    return pdf
