"""The words around the data: interface strings from gettext catalogues, numbers, dates and lists from CLDR.

Interface strings are written in English in the code and the templates (``_("Timeline")``) and translated by the
catalogues in ``dossier/locale/<lang>/LC_MESSAGES/dossier.po``, compiled in memory when a language is first used:
a translator adds a language with a ``.po`` file, without touching Python (``make messages`` extracts the strings
and updates every catalogue). Numbers, month names, date patterns, list joins and plural rules come from Babel
(the Unicode CLDR), so "11.000" in Italian is "11,000" in English and "11 000" in French.

Data is never translated: only the frame around it.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from decimal import Decimal
from importlib import resources
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as cldr_date
from babel.dates import format_skeleton, get_month_names
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from dossier.edtf import Date, Edtf

DOMAIN = "dossier"
SOURCE_LANGUAGE = "en"  # the language of the msgids


def locale_dir() -> Path:
    return Path(str(resources.files("dossier") / "locale"))


@functools.cache
def languages() -> tuple[str, ...]:
    """The interface languages: English and every language with a catalogue."""
    found = {p.parent.parent.name for p in locale_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return tuple(sorted(found | {SOURCE_LANGUAGE}))


def supported(lang: str) -> bool:
    return lang in languages()


@functools.cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of ``lang`` (the source language translates to itself)."""
    path = locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == SOURCE_LANGUAGE or not path.is_file():
        return NullTranslations()
    from babel.messages.mofile import write_mo  # here: a fifth of what `dossier check` imports, and it needs none
    from babel.messages.pofile import read_po

    with path.open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def NP_(context: str, message: str) -> tuple[str, str]:
    """Marks a message with its context for translation (``pybabel extract -k NP_:1c,2``)."""
    return (context, message)


# An open interval's words depend on the precision of its one known end ('dal 3 settembre', 'da settembre').
_OPEN = {
    ("since", "day"): NP_("day", "since %(date)s"),
    ("since", "month"): NP_("month", "since %(date)s"),
    ("since", "year"): NP_("year", "since %(date)s"),
    ("until", "day"): NP_("day", "until %(date)s"),
    ("until", "month"): NP_("month", "until %(date)s"),
    ("until", "year"): NP_("year", "until %(date)s"),
}

# Italian writes "dall'8 marzo", "fino all'aprile", "fino ad aprile": a spelling rule of the language, not a list
# of words (the catalogue says "dal %(date)s", the rule elides it before a vowel sound).
_ELISIONS = {
    "it": [(re.compile(r"\b(d?al) (?=8\b|11\b|[aeiou])"), r"\1l'"), (re.compile(r"\bfino a (?=a)"), "fino ad ")],
}


class Words:
    """Everything a page says in one language: translations and CLDR formats."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        try:
            self.locale = Locale.parse(lang.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            self.locale = Locale.parse(SOURCE_LANGUAGE)
        self.translations = translations(lang)

    def gettext(self, message: str, **values: object) -> str:
        text = self.translations.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        values.setdefault("num", self.number(n))
        return self.translations.ngettext(singular, plural, n) % values

    def pgettext(self, context: str, message: str, **values: object) -> str:
        text = str(self.translations.pgettext(context, message))
        return text % values if values else text

    def number(self, value: int | float | Decimal | str) -> str:
        """'11.000' in Italian, '11,000' in English."""
        return format_decimal(Decimal(str(value)), locale=self.locale)

    def language(self, code: str) -> str:
        """A language's name in this language, from CLDR: 'inglese' for 'en' in Italian; the code if unknown."""
        found = self.locale.languages.get(code.replace("-", "_")) or self.locale.languages.get(code.split("-")[0])
        return found or code

    def join(self, items: list[str]) -> str:
        """'a, b e c' in Italian, 'a, b, and c' in English."""
        return format_list(items, locale=self.locale)

    # -- dates ------------------------------------------------------------------------------------------------------
    def date(self, value: Edtf | None) -> str:
        """Words for a date or an interval: '3 settembre 2025', 'giugno 2024 (circa)', 'dal 2011', ..."""
        if value is None:
            return ""
        start, end = value.start, value.end
        if not value.interval:
            assert start is not None
            return self.day(start)
        if start and end:
            return f"{self.day(start)} – {self.day(end)}"
        if end:
            return self._open("until", end, self.day(end))
        assert start is not None
        return self._open("since", start, self.day(start))

    def span(self, start: Edtf | None, end: Edtf | None) -> str:
        """A role's or relation's time: '2020 – 2024', 'dal 2011', 'fino al 2024'."""
        if start and end:
            return f"{self.date(start)} – {self.date(end)}"
        if start:
            return self._open("since", start.start or start.end, self.date(start))  # type: ignore[arg-type]
        if end:
            return self._open("until", end.end or end.start, self.date(end))  # type: ignore[arg-type]
        return ""

    def _open(self, side: str, date: Date, words: str) -> str:
        """'dal 3 settembre 2025', 'da settembre 2025', 'fino ad aprile 2025': the wording depends on the precision
        (the catalogue's context), and on the spelling rules of the language."""
        text = self.pgettext(*_OPEN[(side, date.precision)], date=words)
        for pattern, replacement in _ELISIONS.get(self.locale.language, ()):
            text = pattern.sub(replacement, text)
        return text

    def day(self, date: Date) -> str:
        """One date at its precision, with its qualifiers: '3 settembre 2025', 'giugno 2024 (circa)'."""
        if date.day and date.month:
            text = cldr_date(dt.date(date.year, date.month, date.day), format="long", locale=self.locale)
        elif date.month:
            text = format_skeleton("yMMMM", dt.date(date.year, date.month, 1), locale=self.locale)
        else:
            text = format_skeleton("y", dt.date(date.year, 1, 1), locale=self.locale)
        found = []
        if date.approximate:
            found.append(self.gettext("approximately"))
        if date.uncertain:
            found.append(self.gettext("uncertain"))
        return f"{text} ({', '.join(found)})" if found else text

    def month_abbreviations(self) -> tuple[str, ...]:
        """The twelve short month names, as an axis shows them: 'gen' ... 'dic', 'Jan' ... 'Dec'."""
        names = get_month_names("abbreviated", "stand-alone", locale=self.locale)
        return tuple(names[month] for month in range(1, 13))

    def month(self, year: int, month: int) -> str:
        """'Settembre 2025': a month as a heading."""
        text = format_skeleton("yMMMM", dt.date(year, month, 1), locale=self.locale)
        return text[:1].upper() + text[1:]
