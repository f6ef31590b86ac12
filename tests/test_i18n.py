"""The words around the data: dates, numbers, lists and plurals from CLDR (Babel), interface strings from gettext."""

from __future__ import annotations

import pytest

from dossier import i18n
from dossier.edtf import Date, parse
from dossier.i18n import Words


@pytest.mark.parametrize(
    ("text", "italian", "english"),
    [
        ("2025-09-03", "3 settembre 2025", "September 3, 2025"),
        ("2025-09-01", "1 settembre 2025", "September 1, 2025"),
        ("2025-09", "settembre 2025", "September 2025"),
        ("2025", "2025", "2025"),
        ("2024-06~", "giugno 2024 (circa)", "June 2024 (approximately)"),
        ("2019?", "2019 (incerto)", "2019 (uncertain)"),
        ("2019%", "2019 (circa, incerto)", "2019 (approximately, uncertain)"),
        ("2024-08/2025-04", "agosto 2024 – aprile 2025", "August 2024 – April 2025"),
        ("2025-09-03/2025-09-05", "3 settembre 2025 – 5 settembre 2025", "September 3, 2025 – September 5, 2025"),
        ("2024-06~/2025", "giugno 2024 (circa) – 2025", "June 2024 (approximately) – 2025"),
        ("../2025", "fino al 2025", "until 2025"),
        ("../2025-06", "fino a giugno 2025", "until June 2025"),
        ("../2025-04", "fino ad aprile 2025", "until April 2025"),
        ("../2025-08", "fino ad agosto 2025", "until August 2025"),
        ("../2025-09-03", "fino al 3 settembre 2025", "until September 3, 2025"),
        ("../2025-08-08", "fino all'8 agosto 2025", "until August 8, 2025"),
        ("/2025", "fino al 2025", "until 2025"),
        ("2025/..", "dal 2025", "since 2025"),
        ("2024-06/..", "dal giugno 2024", "since June 2024"),
        ("2024-04/", "dall'aprile 2024", "since April 2024"),
        ("2025-09-03/..", "dal 3 settembre 2025", "since September 3, 2025"),
        ("2025-03-11/..", "dall'11 marzo 2025", "since March 11, 2025"),
        ("2025-03-01/..", "dal 1 marzo 2025", "since March 1, 2025"),
    ],
)
def test_dates_in_italian_and_english(text: str, italian: str, english: str) -> None:
    assert Words("it").date(parse(text)) == italian
    assert Words("en").date(parse(text)) == english


def test_a_date_at_its_precision_and_a_month_as_a_heading() -> None:
    assert Words("it").day(Date(year=2011, month=12)) == "dicembre 2011"
    assert Words("en").day(Date(year=2011, month=12, approximate=True)) == "December 2011 (approximately)"
    assert Words("it").month(2025, 9) == "Settembre 2025"


def test_spans_of_roles_and_relations() -> None:
    it = Words("it")
    assert it.span(parse("2011-12"), None) == "dal dicembre 2011"
    assert it.span(None, parse("2024-04")) == "fino ad aprile 2024"
    assert it.span(parse("2020"), parse("2024")) == "2020 – 2024"
    assert it.span(None, None) == ""


def test_numbers_lists_and_plurals_follow_the_locale() -> None:
    it, en = Words("it"), Words("en")
    assert (it.number(11000), en.number(11000), it.number("2.5")) == ("11.000", "11,000", "2,5")
    assert it.join(["a", "b", "c"]) == "a, b e c"
    assert en.join(["a", "b", "c"]) == "a, b, and c"
    assert it.ngettext("%(num)s source", "%(num)s sources", 1) == "1 fonte"
    assert it.ngettext("%(num)s source", "%(num)s sources", 2000) == "2.000 fonti"
    assert it.ngettext("%(num)s source", "%(num)s sources", 1_000_000) == "1.000.000 di fonti"
    assert en.ngettext("%(num)s source", "%(num)s sources", 1) == "1 source"


def test_languages_are_the_catalogues_shipped() -> None:
    assert {"en", "it"} <= set(i18n.languages())
    assert i18n.supported("it") and not i18n.supported("xx")
    assert Words("it").gettext("Timeline") == "Cronologia"
    assert Words("en").gettext("Timeline") == "Timeline"
