"""The catalogue of the report documents' words (``kit.i18n``): every word a template or a
label shows is in the Indonesian and the English catalogue, and the Indonesian one
translates each of them (the documents are in Indonesian, Permen PPPA 10/2012 §3.3.3)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from gtpptppo_api.kit.i18n import LOCALES, catalogue_path

ROOT = Path(__file__).resolve().parents[2]
METHODS = [
    ("src/gtpptppo_api/reports/labels.py", "python"),
    ("src/gtpptppo_api/reports/render.py", "python"),
    ("src/gtpptppo_api/reports/templates/**.j2", "jinja2"),
]
OPTIONS = {
    "src/gtpptppo_api/reports/templates/**.j2": {
        "extensions": "jinja2.ext.i18n",
        "trim_blocks": "true",
        "lstrip_blocks": "true",
        "newstyle_gettext": "true",
    }
}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def used() -> set[str]:
    """The message ids of the templates and the labels, as ``make messages`` extracts them."""
    ids: set[str] = set()
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    for _, _, message, *_ in extract_from_dir(
        str(ROOT), METHODS, OPTIONS, keywords=keywords, strip_comment_tags=True
    ):
        ids.update(message if isinstance(message, tuple) else (message,))
    return {message for message in ids if message}


def catalogue(language: str) -> dict[str, list[str]]:
    """Each message id (singular and plural) of a catalogue with its translations."""
    with catalogue_path(language).open("rb") as po:
        found = read_po(po)
    result: dict[str, list[str]] = {}
    for message in found:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for one in ids:
            result[one] = [s for s in strings if s]
    return result


def test_every_word_of_the_documents_is_in_each_catalogue() -> None:
    """A word added to a template or a label without its catalogue entries fails here."""
    words = used()
    assert len(words) > 200
    for language in LOCALES:
        assert sorted(words - set(catalogue(language))) == [], language


def test_the_indonesian_catalogue_translates_every_word_with_its_placeholders() -> None:
    """No message is shown in English in an Indonesian document, and each translation keeps
    the figures of its message (its ``%(name)s`` placeholders)."""
    for message, strings in catalogue("id").items():
        assert strings, f"no Indonesian for {message!r}"
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(message)), message
