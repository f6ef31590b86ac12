"""EDTF dates (levels 0 and 1 as a dossier needs them): parsing, validation, ordering and words."""

from __future__ import annotations

import datetime as dt

import pytest

from dossier.edtf import Date, Edtf, parse

# Parsing ----------------------------------------------------------------------------------------------------------


def test_day_month_and_year_precision() -> None:
    day, month, year = parse("2025-09-03"), parse("2025-09"), parse("2025")
    assert day == Edtf(text="2025-09-03", start=Date(year=2025, month=9, day=3))
    assert (day.start, month.start, year.start) != (None, None, None)
    assert [d.start.precision for d in (day, month, year) if d.start] == ["day", "month", "year"]
    assert month.start is not None
    assert (month.start.earliest, month.start.latest) == (dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    assert year.start is not None
    assert (year.start.earliest, year.start.latest) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert not day.interval
    assert day.year == 2025


@pytest.mark.parametrize(
    ("text", "approximate", "uncertain"),
    [("2024-06~", True, False), ("2019?", False, True), ("2019-02-03%", True, True), ("2019", False, False)],
)
def test_qualifiers(text: str, approximate: bool, uncertain: bool) -> None:
    start = parse(text).start
    assert start is not None
    assert (start.approximate, start.uncertain) == (approximate, uncertain)
    assert start.iso() == text.rstrip("~?%")


def test_leap_days() -> None:
    assert parse("2024-02-29").start == Date(year=2024, month=2, day=29)
    assert parse("2000-02-29").start is not None
    with pytest.raises(ValueError, match=r"^'1900-02-29': February 1900 has no day 29 \(it has 28 days\)$"):
        parse("1900-02-29")


def test_intervals() -> None:
    closed = parse("2024-08/2025-04")
    assert closed.interval and not closed.open_start and not closed.open_end
    assert closed.start == Date(year=2024, month=8)
    assert closed.end == Date(year=2025, month=4)
    open_start = parse("../2025")
    assert open_start.open_start and open_start.start is None and open_start.end == Date(year=2025)
    open_end = parse("2025-09/..")
    assert open_end.open_end and open_end.end is None
    unknown_start = parse("/2025")
    assert unknown_start.interval and not unknown_start.open_start and unknown_start.start is None
    unknown_end = parse("2024-06/")
    assert unknown_end.interval and not unknown_end.open_end and unknown_end.end is None
    assert open_start.year == 2025


def test_intervals_may_overlap_at_their_precision() -> None:
    # '2025-06/2025' ends some time in 2025, which can be after June: not an error.
    assert parse("2025-06/2025").interval
    assert parse("2025/2025-01").interval
    assert parse("2025-09-03/2025-09-03").interval


def test_surrounding_spaces_are_ignored() -> None:
    assert parse(" 2025-09 ").text == "2025-09"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-02-30", "'2025-02-30': February 2025 has no day 30 (it has 28 days)"),
        ("2025-04-31", "'2025-04-31': April 2025 has no day 31 (it has 30 days)"),
        ("2025-09-00", "'2025-09-00': September 2025 has no day 0 (it has 30 days)"),
        ("2025-13-01", "'2025-13-01': there is no month 13"),
        ("2025-00", "'2025-00': there is no month 0"),
        ("0000", "'0000': year 0000 is not supported"),
        ("2025-05/2024-01", "'2025-05/2024-01': the interval ends (2024-01) before it starts (2025-05)"),
        (
            "2025-09-03/2025-09-02",
            "'2025-09-03/2025-09-02': the interval ends (2025-09-02) before it starts (2025-09-03)",
        ),
        ("../..", "'../..': an interval needs at least one known end"),
        ("/", "'/': an interval needs at least one known end"),
        ("2024/2025/2026", "'2024/2025/2026' is not an interval: use START/END, with one '/'"),
        ("2025-02-30/2025-03", "'2025-02-30': February 2025 has no day 30 (it has 28 days)"),
    ],
)
def test_impossible_dates(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "text",
    ["201X", "2025-9-3", "25", "20250903", "2025-09-03T10:00", "3 settembre 2025", "2025~~", "spring 2025", "", "..",
     "٢٠٢٥", "２０２５", "+2025", "-0044", "2025-W01"],
)  # fmt: skip
def test_not_dates(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse(text)
    assert str(caught.value) == (
        f"'{text}' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by ~ (approximate), "
        "? (uncertain) or % (both)"
    )


# Ordering ---------------------------------------------------------------------------------------------------------


def test_sort_key_is_chronological_then_less_precise_first() -> None:
    texts = ["2025-09-03", "2025", "../2024", "2024-08/2025-04", "2025-09", "2025-09~", "2024/.."]
    ordered = sorted(texts, key=lambda t: parse(t).sort_key)
    assert ordered == ["../2024", "2024/..", "2024-08/2025-04", "2025", "2025-09", "2025-09~", "2025-09-03"]


def test_sort_key_is_total_for_an_edtf_without_dates() -> None:
    assert Edtf(text="x", start=None).sort_key == ("9999-99-99", "", "x")
    assert Edtf(text="x", start=None).year is None
