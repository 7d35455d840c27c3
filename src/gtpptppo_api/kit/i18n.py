"""The words and numbers of the documents a reader sees, in one gettext catalogue per language.

The catalogue is ``gtpptppo_api/locale/<language>/LC_MESSAGES/messages.po``: its message ids
are English, the Indonesian catalogue translates every one of them (the documents are in
Indonesian by default), and the English one gives them back as they are, so a report can be
asked for in English (``?lang=en``). The ``.po`` files are read once, compiled in memory by
babel, and kept; nothing is compiled at build time.

:class:`Language` bundles a catalogue with the CLDR locale that writes its numbers, dates and
rupiah amounts (babel): ``1.156``, ``5,7%``, ``29 November 2026``, ``Rp1.250.000`` in
Indonesian; ``1,156``, ``5.7%``, ``29 November 2026``, ``IDR 1,250,000`` in English.

``N_`` marks a message id in Python code without translating it (a label in a table read
later); ``pybabel extract`` (``make messages``) finds it by that name.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib.resources import files
from typing import Any

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import Translations

DEFAULT_LANGUAGE = "id"
# The languages a document can be asked for in, with the CLDR locale of each.
LOCALES: dict[str, str] = {"id": "id_ID", "en": "en_GB"}
DOMAIN = "messages"
NONE = "–"  # a value that is not there


def N_(message: str) -> str:
    """A message id to translate later (returned as it is)."""
    return message


def catalogue_path(language: str) -> Any:
    """The ``.po`` file of ``language`` (an importlib resource)."""
    return files("gtpptppo_api") / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _translations(language: str) -> Translations:
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=LOCALES[language], domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@dataclass(frozen=True)
class Language:
    """A language of the documents: its catalogue and its way of writing numbers and dates."""

    code: str
    locale: str
    translations: Translations

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def number(self, value: Any) -> str:
        """A whole number: 1.156 (id), 1,156 (en)."""
        return format_decimal(int(value), format="#,##0", locale=self.locale)

    def decimal(self, value: float, places: int = 2) -> str:
        """A decimal number with ``places`` decimals: 1.234,50 (id)."""
        pattern = "#,##0." + "0" * places if places else "#,##0"
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, rate: float | None) -> str:
        """A rate in [0, 1] as a percentage with one decimal: 5,7% (id); ``–`` for none."""
        if rate is None:
            return NONE
        return format_percent(rate, format="#,##0.0%", locale=self.locale)

    def basis_points(self, value: int | None) -> str:
        """A ratio in basis points (10 000 = 100%) as a percentage: 82,5% (id)."""
        return self.percent(None if value is None else value / 10_000)

    def rupiah(self, amount: int | None) -> str:
        """An amount of rupiah, no decimals: Rp1.250.000 (id), IDR 1,250,000 (en)."""
        if amount is None:
            return NONE
        return format_currency(
            amount, "IDR", format="¤#,##0", currency_digits=False, locale=self.locale
        )

    def thousands(self, amount: int | None) -> str:
        """An amount in thousands (of rupiah), rounded: 1.650.000 for 1 650 000 000 (id)."""
        if amount is None:
            return NONE
        return self.number(round(amount / 1000))

    def day(self, value: date | str | None) -> str:
        """A day with its month's name: 29 November 2026; ``–`` for none."""
        if value is None:
            return NONE
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        return format_date(value, "d MMMM y", locale=self.locale)

    def short_day(self, value: date | str) -> str:
        """A day with its month's short name: 29 Nov 2026 (for tight columns)."""
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        return format_date(value, "d MMM y", locale=self.locale)

    def when(self, value: Any) -> str:
        """An ISO 8601 timestamp as a date and time in UTC (29 November 2026 20.00 UTC); a
        naive one is UTC; ``–`` for none, and a text that is no timestamp as it is."""
        if value is None:
            return NONE
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        pattern = "d MMMM y HH.mm" if self.code == "id" else "d MMMM y HH:mm"
        return format_datetime(moment, pattern, tzinfo=UTC, locale=self.locale) + " UTC"


@cache
def language(code: str = DEFAULT_LANGUAGE) -> Language:
    """The language ``code`` (one of ``LOCALES``; ``KeyError`` for another)."""
    return Language(code, LOCALES[code], _translations(code))
