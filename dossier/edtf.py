"""Dates that say how precise they are: the part of EDTF (ISO 8601-2, levels 0 and 1) a dossier needs.

Parsing and ordering only; :class:`dossier.i18n.Words` says a date in words.

Supported: ``2025``, ``2025-09``, ``2025-09-03``; a qualifier at the end, ``~`` (approximate), ``?`` (uncertain)
or ``%`` (both); intervals ``2024-08/2025-04``, open ``../2025`` and ``2025/..``, unknown ``/2025``.
Not supported (an error says so): unspecified digits (``201X``), seasons, times, years before 1 or after 9999.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Literal

Precision = Literal["year", "month", "day"]

_DATE = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?(?P<q>[~?%])?", re.ASCII)  # not '٢٠٢٥'


@dataclass(frozen=True, kw_only=True, slots=True)
class Date:
    """One calendar date of year, month or day precision."""

    year: int
    month: int | None = None
    day: int | None = None
    approximate: bool = False
    uncertain: bool = False

    @property
    def precision(self) -> Precision:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, self.day or _days_in(self.year, month))

    @property
    def qualified(self) -> bool:
        """Approximate or uncertain (EDTF ``~``, ``?`` or ``%``)."""
        return self.approximate or self.uncertain

    def iso(self) -> str:
        """'2025', '2025-09' or '2025-09-03': only as precise as known."""
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text


@dataclass(frozen=True, kw_only=True, slots=True)
class Edtf:
    """A single date, or an interval whose ends may be open (``..``) or unknown (empty)."""

    text: str
    start: Date | None
    end: Date | None = None
    interval: bool = False
    open_start: bool = False
    open_end: bool = False

    @property
    def sort_key(self) -> tuple[str, str, str]:
        """Chronological, then the less precise first, then the text: a total, deterministic order."""
        first = self.start or self.end
        if first is None:  # '../..' is refused by parse(); kept total anyway
            return ("9999-99-99", "", self.text)
        return (first.earliest.isoformat(), first.latest.isoformat(), self.text)

    @property
    def year(self) -> int | None:
        first = self.start or self.end
        return first.year if first else None


def _parse_date(text: str) -> Date:
    match = _DATE.fullmatch(text)
    if not match:
        raise ValueError(
            f"'{text}' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by ~ (approximate), "
            "? (uncertain) or % (both)"
        )
    year = int(match["y"])
    month = int(match["m"]) if match["m"] else None
    day = int(match["d"]) if match["d"] else None
    if year < 1:
        raise ValueError(f"'{text}': year 0000 is not supported")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"'{text}': there is no month {month}")
    if day is not None and month is not None:
        last = _days_in(year, month)
        if not 1 <= day <= last:
            raise ValueError(f"'{text}': {calendar.month_name[month]} {year} has no day {day} (it has {last} days)")
    qualifier = match["q"] or ""
    return Date(
        year=year,
        month=month,
        day=day,
        approximate=qualifier in "~%" and qualifier != "",
        uncertain=qualifier in "?%" and qualifier != "",
    )


def _days_in(year: int, month: int) -> int:
    if month == 2:
        return 29 if calendar.isleap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Edtf:
    """Parse an EDTF string, or raise ``ValueError`` with a message fit for an editor."""
    text = text.strip()
    if "/" not in text:
        return Edtf(text=text, start=_parse_date(text))
    if text.count("/") > 1:
        raise ValueError(f"'{text}' is not an interval: use START/END, with one '/'")
    left, right = text.split("/")
    open_start, open_end = left == "..", right == ".."
    start = None if left in ("", "..") else _parse_date(left)
    end = None if right in ("", "..") else _parse_date(right)
    if start is None and end is None:
        raise ValueError(f"'{text}': an interval needs at least one known end")
    if start and end and end.latest < start.earliest:
        raise ValueError(f"'{text}': the interval ends ({end.iso()}) before it starts ({start.iso()})")
    return Edtf(text=text, start=start, end=end, interval=True, open_start=open_start, open_end=open_end)
