"""Drawings for readers: the drawn timeline, an actor's neighbourhood, the network of the most connected actors.

Pure functions from plain values (the small dataclasses below, not the dossier's model) to one HTML ``<figure>``
holding an inline SVG, its caption, a legend and a text alternative. Same input, same bytes: every coordinate is
rounded to one decimal and every collection is put in a stated order before it is drawn. Nothing needs JavaScript
to be seen and nothing is fetched; the page's filter script (``assets/dossier.js``) may hide marks by their
``data-actors``/``data-tags``. Interface words come in as :class:`TimelineWords` and :class:`MapWords`, so the
caller supplies them in the dossier's language. The output is one block with no blank line, fit to be pasted
into a Markdown page as raw HTML; every value from data is escaped here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Literal

from dossier.edtf import Date, Edtf

# Kinds of actor in the order maps list them; an unknown kind comes after these, by name.
KINDS = ("person", "organization", "country", "group")


def _e(text: str) -> str:
    return escape(text, quote=True)


def _n(value: float) -> str:
    """A coordinate as short, stable text: one decimal at most, never ``-0``."""
    text = "%.1f" % value  # noqa: UP031 (the fastest way, and this runs for every coordinate)
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _clip(text: str, size: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _wrap(text: str, size: int, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines of at most ``size`` characters, the last one clipped with ``…``."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= size:
            line += " " + words.pop(0)
        out.append(line)
    if words:
        out[-1] = _clip(out[-1] + " " + " ".join(words), size)
    return [_clip(line, size) for line in out]


def _text_width(text: str, size: float) -> float:
    """A generous estimate of the width of ``text`` in a sans-serif face (no font metrics at build time)."""
    return len(text) * size * 0.62


def _ids(values: Iterable[str]) -> str:
    return " ".join(sorted(set(values)))


# The timeline --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class Mark:
    """An event on the drawn timeline."""

    id: str
    title: str
    date: Edtf
    href: str  # where the mark leads: the event's anchor ("#id") on the page
    date_words: str  # the date as the reader reads it ("3 settembre 2025", "giugno 2024 (incerto)")
    actors: tuple[str, ...] = ()  # ids, for the page's filter
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class TimelineWords:
    """The interface words of the drawn timeline, in the dossier's language."""

    label: str  # the drawing's name, first in its caption
    scale_note: str  # the axis is not to scale
    gap_note: str  # said only when years are left out
    months: tuple[str, ...]  # twelve short month names
    day: str
    span: str
    interval: str
    approximate: str
    uncertain: str
    open: str
    text_summary: str  # the title of the text alternative


# Geometry of the timeline, in SVG user units (the drawing scales to the width of the page).
TL_WIDTH = 640
TL_MARGIN = 14  # room for a '?' before a mark that starts at the edge
TL_LEAD = 30  # where open ends fade, before the first year and after the last
TL_AXIS = 46  # y of the axis line; year and month names above it
TL_ROWS = 54  # y of the first row of marks
TL_ROW = 16  # height of a row, shrunk when many rows would make the drawing tall
TL_MAX_ROWS_HEIGHT = 320
TL_YEAR_SIZE, TL_YEAR_SIZE_NARROW = 12, 20  # narrow screens enlarge the names (see dossier.css)
TL_MONTH_SIZE, TL_MONTH_SIZE_NARROW = 10, 15
# Weights of the axis: a month with no event, a month with some, each further position in it; the gap of left-out
# years.
W_EMPTY, W_MONTH, W_POSITION, W_GAP = 1.0, 4.0, 1.5, 3.0

End = Literal["hard", "soft", "open"]


@dataclass(frozen=True, slots=True)
class _Axis:
    """A piecewise-linear axis: each year that holds a date has its segment, each month its weighted share."""

    left: float  # where open starts begin
    right: float  # where open ends end
    years: Mapping[int, tuple[float, tuple[float, ...]]]  # year -> (x where it starts, widths of its 12 months)
    gaps: tuple[tuple[float, float, int, int], ...]  # (x0, x1, first year left out, last year left out)

    def x(self, day: dt.date, fraction: float) -> float:
        """Where ``fraction`` of ``day`` (0 its start, 1 its end) falls; the year must be on the axis."""
        start, widths = self.years[day.year]
        month = day.month - 1
        days = calendar.monthrange(day.year, day.month)[1]
        return start + sum(widths[:month]) + widths[month] * (day.day - 1 + fraction) / days

    def year_span(self, year: int) -> tuple[float, float]:
        start, widths = self.years[year]
        return start, start + sum(widths)


def _dates(value: Edtf) -> list[Date]:
    return [d for d in (value.start, value.end) if d is not None]


def _make_axis(marks: Sequence[Mark]) -> _Axis:
    positions: dict[tuple[int, int], set[str]] = {}
    years: set[int] = set()
    for mark in marks:
        for date in _dates(mark.date):
            years.add(date.year)
            if date.month:
                positions.setdefault((date.year, date.month), set()).add(date.iso())
    lead_in = any(m.date.interval and m.date.start is None for m in marks)
    lead_out = any(m.date.interval and m.date.end is None for m in marks)
    ordered = sorted(years)

    def weight(year: int, month: int) -> float:
        found = positions.get((year, month))
        return W_MONTH + W_POSITION * (len(found) - 1) if found else W_EMPTY

    total = sum(weight(y, m) for y in ordered for m in range(1, 13))
    total += W_GAP * sum(1 for a, b in itertools.pairwise(ordered) if b > a + 1)
    scale = (TL_WIDTH - 2 * TL_MARGIN - TL_LEAD * (lead_in + lead_out)) / total
    x: float = TL_MARGIN + TL_LEAD * lead_in
    segments: dict[int, tuple[float, tuple[float, ...]]] = {}
    gaps: list[tuple[float, float, int, int]] = []
    for index, year in enumerate(ordered):
        if index and year > ordered[index - 1] + 1:
            gaps.append((x, x + W_GAP * scale, ordered[index - 1] + 1, year - 1))
            x += W_GAP * scale
        widths = tuple(weight(year, m) * scale for m in range(1, 13))
        segments[year] = (x, widths)
        x += sum(widths)
    return _Axis(TL_MARGIN, TL_WIDTH - TL_MARGIN, segments, tuple(gaps))


@dataclass(frozen=True, slots=True)
class _Placed:
    mark: Mark
    shape: Literal["day", "span", "interval"]
    x0: float
    x1: float
    left: End
    right: End
    ask_left: bool  # a '?' before the mark
    ask_right: bool  # a '?' after it
    approximate: bool  # a day or a span known approximately: drawn dashed

    @property
    def extent(self) -> tuple[float, float]:
        return self.x0 - 9 * self.ask_left, self.x1 + 9 * self.ask_right


def _place(mark: Mark, axis: _Axis) -> _Placed:
    value = mark.date
    if not value.interval:
        assert value.start is not None
        date = value.start
        if date.precision == "day":
            x = axis.x(date.earliest, 0.5)
            return _Placed(mark, "day", x - 4.5, x + 4.5, "hard", "hard", False, date.uncertain, date.approximate)
        x0, x1 = axis.x(date.earliest, 0), axis.x(date.latest, 1)
        x0, x1 = _at_least(x0, x1, 5)
        return _Placed(mark, "span", x0, x1, "hard", "hard", False, date.uncertain, date.approximate)
    start, end = value.start, value.end
    x0 = axis.x(start.earliest, 0) if start else axis.left
    x1 = axis.x(end.latest, 1) if end else axis.right
    x0, x1 = _at_least(x0, x1, 5)
    return _Placed(
        mark,
        "interval",
        x0,
        x1,
        _end(start),
        _end(end),
        start.uncertain if start else not value.open_start,  # an unknown end ('/2025') is asked about
        end.uncertain if end else not value.open_end,
        False,
    )


def _at_least(x0: float, x1: float, width: float) -> tuple[float, float]:
    if x1 - x0 >= width:
        return x0, x1
    middle = (x0 + x1) / 2
    return middle - width / 2, middle + width / 2


def _end(date: Date | None) -> End:
    return "open" if date is None else "soft" if date.approximate else "hard"


def _stack(placed: list[_Placed]) -> list[tuple[int, _Placed]]:
    """Each mark in the first row where it overlaps nothing, in order of where it starts."""
    rows: list[float] = []
    out: list[tuple[int, _Placed]] = []
    for item in sorted(placed, key=lambda p: (p.extent[0], p.extent[1], p.mark.date.sort_key, p.mark.id)):
        left, right = item.extent
        row = next((i for i, end in enumerate(rows) if end + 2 <= left), len(rows))
        if row == len(rows):
            rows.append(right)
        rows[row] = right
        out.append((row, item))
    return out


def timeline(marks: Sequence[Mark], words: TimelineWords, *, caption: str = "", uid: str = "dossier-tl") -> str:
    """The drawn timeline of ``marks`` as an HTML ``<figure>``; ``""`` when there is nothing to draw.

    Each mark is drawn by its date's precision (a day a dot, a month or a year a hollow bar over it, an interval a
    solid bar), dashed or with soft ends when approximate, with a ``?`` when uncertain, fading out towards an open
    end. Years without a date are left out (a ``//`` on the axis) and months with events get more room, so the
    caption says the axis is not to scale. Overlapping marks stack in rows. ``uid`` prefixes the ids in the
    drawing (gradients, the caption): give each drawing on a page its own.
    """
    if not marks:
        return ""
    axis = _make_axis(marks)
    stacked = _stack([_place(mark, axis) for mark in marks])
    rows = 1 + max(row for row, _ in stacked)
    row_height = min(TL_ROW, TL_MAX_ROWS_HEIGHT / rows)
    height = TL_ROWS + rows * row_height + 6
    out = [
        f'<figure class="dossier-draw dossier-tl" id="{_e(uid)}" data-search-exclude data-pagefind-ignore>',
        f'<figcaption id="{_e(uid)}-caption"><strong>{_e(words.label)}</strong> {_e(caption)} '
        f"{_e(words.scale_note)}{' ' + _e(words.gap_note) if axis.gaps else ''}</figcaption>",
        f'<svg class="dossier-tl-svg" viewBox="0 0 {TL_WIDTH} {_n(height)}" role="group" '
        f'aria-labelledby="{_e(uid)}-caption">',
        _fades(uid),
        *_axis_lines(axis, words, height),
    ]
    bar = min(8.0, row_height * 0.55)
    for row, item in sorted(stacked, key=lambda pair: (pair[1].mark.date.sort_key, pair[1].mark.id)):
        y = TL_ROWS + row * row_height + row_height / 2
        out.append(_mark(item, y, bar, row_height, axis, uid))
    out.append("</svg>")
    out.append(_timeline_legend(words, uid))
    out.append(
        f'<details class="dossier-tl-text"><summary>{_e(words.text_summary)}</summary><ol>'
        + "".join(
            f'<li class="dossier-tl-item" data-actors="{_e(_ids(m.actors))}" data-tags="{_e(_ids(m.tags))}">'
            f'<a href="{_e(m.href)}">{_e(m.title)}</a>: {_e(m.date_words)}</li>'
            for m in sorted(marks, key=lambda m: (m.date.sort_key, m.id))
        )
        + "</ol></details>"
    )
    out.append("</figure>")
    return "\n".join(out)


def _fades(uid: str) -> str:
    """Two gradients: a fill that fades in (left end) and one that fades out (right end)."""
    stops = '<stop offset="0" stop-color="currentColor" stop-opacity="{}"/><stop offset="1" stop-color="currentColor" stop-opacity="{}"/>'  # noqa: E501
    return (
        f'<defs><linearGradient id="{_e(uid)}-fade-in">{stops.format(0, 1)}</linearGradient>'
        f'<linearGradient id="{_e(uid)}-fade-out">{stops.format(1, 0)}</linearGradient></defs>'
    )


def _axis_lines(axis: _Axis, words: TimelineWords, height: float) -> list[str]:
    out: list[str] = ['<g class="dossier-tl-axis" aria-hidden="true">']
    years = sorted(axis.years)
    for index, year in enumerate(years):
        x0, x1 = axis.year_span(year)
        if index % 2 == 0:  # bands tell the years apart where they touch
            out.append(
                f'<rect class="dossier-tl-band" x="{_n(x0)}" y="{TL_AXIS}" width="{_n(x1 - x0)}" '
                f'height="{_n(height - TL_AXIS)}" fill="currentColor" fill-opacity="0.05"/>'
            )
        out.append(f'<path d="M{_n(x0)} {TL_AXIS}H{_n(x1)}" stroke="currentColor" stroke-width="1.5"/>')
        if x1 - x0 >= 36:  # months are ticked where they can be told apart
            ticks = "".join(f"M{_n(axis.x(dt.date(year, month, 1), 0))} {TL_AXIS - 3}v6" for month in range(2, 13))
            out.append(f'<path d="{ticks}" stroke="currentColor" stroke-opacity="0.6"/>')
        out.append(f'<path d="M{_n(x0)} {TL_AXIS - 8}v16M{_n(x1)} {TL_AXIS - 8}v16" stroke="currentColor"/>')
    for x0, x1, _first, _last in axis.gaps:
        middle = (x0 + x1) / 2
        out.append(
            f'<path class="dossier-tl-gap" d="M{_n(middle - 5)} {TL_AXIS + 5}l4 -10M{_n(middle + 1)} {TL_AXIS + 5}'
            f'l4 -10" stroke="currentColor" stroke-width="1.5"/>'
        )
    if axis.left < axis.year_span(years[0])[0] - 1:
        out.append(
            f'<path d="M{_n(axis.left)} {TL_AXIS}H{_n(axis.year_span(years[0])[0])}" stroke="currentColor" '
            'stroke-dasharray="2 3"/>'
        )
    last_end = axis.year_span(years[-1])[1]
    if axis.right > last_end + 1:
        out.append(
            f'<path d="M{_n(last_end)} {TL_AXIS}H{_n(axis.right)}" stroke="currentColor" stroke-dasharray="2 3"/>'
        )
    out.extend(_axis_names(axis, words))
    out.append("</g>")
    return out


def _axis_names(axis: _Axis, words: TimelineWords) -> list[str]:
    """Year names over their segments and the short names of months that hold a date, where they fit."""
    out: list[str] = []
    placed_right = -math.inf
    for year in sorted(axis.years):
        x0, x1 = axis.year_span(year)
        text = str(year)
        half = _text_width(text, TL_YEAR_SIZE_NARROW) / 2
        middle = min(max((x0 + x1) / 2, half), TL_WIDTH - half)
        if middle - half >= placed_right + 4:
            out.append(
                f'<text class="dossier-tl-year" x="{_n(middle)}" y="20" text-anchor="middle" '
                f'font-size="{TL_YEAR_SIZE}" font-weight="700" fill="currentColor">{text}</text>'
            )
            placed_right = middle + half
    placed_right = -math.inf
    for year in sorted(axis.years):
        start, widths = axis.years[year]
        for month in range(12):
            width = widths[month]
            if width <= W_EMPTY * min(widths) * 1.01 and max(widths) > min(widths):
                continue  # a month with no date: no name
            text = words.months[month]
            half = _text_width(text, TL_MONTH_SIZE_NARROW) / 2
            middle = start + sum(widths[:month]) + width / 2
            if _text_width(text, TL_MONTH_SIZE) > width + 8 or middle - half < placed_right + 3:
                continue
            out.append(
                f'<text class="dossier-tl-month" x="{_n(middle)}" y="37" text-anchor="middle" '
                f'font-size="{TL_MONTH_SIZE}" fill="currentColor">{_e(text)}</text>'
            )
            placed_right = middle + half
    return out


def _mark(item: _Placed, y: float, bar: float, row: float, axis: _Axis, uid: str) -> str:
    mark = item.mark
    parts = [
        f'<a class="dossier-tl-mark" href="{_e(mark.href)}" data-actors="{_e(_ids(mark.actors))}" '
        f'data-tags="{_e(_ids(mark.tags))}">',
        f"<title>{_e(mark.title)} ({_e(mark.date_words)})</title>",
    ]
    left, right = item.extent
    hit_left, hit_right = _at_least(left - 2, right + 2, 14)
    parts.append(
        f'<rect class="dossier-tl-hit" x="{_n(hit_left)}" y="{_n(y - row / 2)}" width="{_n(hit_right - hit_left)}" '
        f'height="{_n(row)}" fill="transparent"/>'
    )
    top, x0, x1 = y - bar / 2, item.x0, item.x1
    dash = ' stroke-dasharray="3 2"' if item.approximate else ""
    if item.shape == "day":
        radius = min(4.5, bar * 0.6)
        fill = ' fill-opacity="0.35"' if item.approximate else ""
        parts.append(
            f'<circle class="dossier-tl-day" cx="{_n((x0 + x1) / 2)}" cy="{_n(y)}" r="{_n(radius)}" '
            f'fill="currentColor"{fill} stroke="currentColor" stroke-width="1.5"{dash}/>'
        )
    elif item.shape == "span":
        parts.append(
            f'<rect class="dossier-tl-span" x="{_n(x0 + 0.75)}" y="{_n(top + 0.75)}" width="{_n(x1 - x0 - 1.5)}" '
            f'height="{_n(bar - 1.5)}" rx="1.5" fill="currentColor" fill-opacity="0.2" stroke="currentColor" '
            f'stroke-width="1.5"{dash}/>'
        )
    else:
        parts.append(_interval(item, top, bar, axis, uid))
    size = min(12.0, row * 0.9)
    if item.ask_left:
        parts.append(_ask(x0 - 5, y, size))
    if item.ask_right:
        parts.append(_ask(x1 + 5, y, size))
    parts.append("</a>")
    return "".join(parts)


def _interval(item: _Placed, top: float, bar: float, axis: _Axis, uid: str) -> str:
    """A solid bar; a soft end fades over a short length, an open end over the lead-in or lead-out."""
    x0, x1 = item.x0, item.x1
    soft = min(12.0, (x1 - x0) / 3)
    first = next(iter(sorted(axis.years)))
    fade_left = {"hard": 0.0, "soft": soft, "open": axis.year_span(first)[0] - x0}[item.left]
    last = max(axis.years)
    fade_right = {"hard": 0.0, "soft": soft, "open": x1 - axis.year_span(last)[1]}[item.right]
    fade_left = max(0.0, min(fade_left, (x1 - x0) / 2))
    fade_right = max(0.0, min(fade_right, (x1 - x0) / 2))
    pieces = []
    if fade_left:
        pieces.append((x0, fade_left, f"url(#{_e(uid)}-fade-in)"))
    pieces.append((x0 + fade_left, x1 - x0 - fade_left - fade_right, "currentColor"))
    if fade_right:
        pieces.append((x1 - fade_right, fade_right, f"url(#{_e(uid)}-fade-out)"))
    return "".join(
        f'<rect class="dossier-tl-interval" x="{_n(x)}" y="{_n(top)}" width="{_n(width)}" height="{_n(bar)}" '
        f'fill="{fill}"/>'
        for x, width, fill in pieces
        if width > 0
    )


def _ask(x: float, y: float, size: float) -> str:
    return (
        f'<text class="dossier-tl-ask" x="{_n(x)}" y="{_n(y + size * 0.36)}" text-anchor="middle" '
        f'font-size="{_n(size)}" font-weight="700" fill="currentColor">?</text>'
    )


def _timeline_legend(words: TimelineWords, uid: str) -> str:
    def swatch(body: str) -> str:
        return f'<svg viewBox="0 0 30 12" aria-hidden="true">{body}</svg>'

    items = [
        (swatch('<circle cx="15" cy="6" r="4.5" fill="currentColor"/>'), words.day),
        (
            swatch(
                '<rect x="3.75" y="2.75" width="22.5" height="6.5" rx="1.5" fill="currentColor" fill-opacity="0.2" '
                'stroke="currentColor" stroke-width="1.5"/>'
            ),
            words.span,
        ),
        (swatch('<rect x="2" y="2" width="26" height="8" fill="currentColor"/>'), words.interval),
        (
            swatch(
                '<circle cx="6" cy="6" r="4" fill="currentColor" fill-opacity="0.35" stroke="currentColor" '
                f'stroke-dasharray="3 2"/><rect x="13" y="2" width="6" height="8" fill="url(#{_e(uid)}-fade-in)"/>'
                '<rect x="19" y="2" width="9" height="8" fill="currentColor"/>'
            ),
            words.approximate,
        ),
        (
            swatch(
                '<circle cx="8" cy="6" r="4.5" fill="currentColor"/>'
                '<text x="20" y="10.5" font-size="12" font-weight="700" fill="currentColor">?</text>'
            ),
            words.uncertain,
        ),
        (
            swatch(
                f'<rect x="1" y="2" width="16" height="8" fill="url(#{_e(uid)}-fade-in)"/>'
                '<rect x="17" y="2" width="12" height="8" fill="currentColor"/>'
            ),
            words.open,
        ),
    ]
    return '<ul class="dossier-legend">' + "".join(f"<li>{glyph} {_e(text)}</li>" for glyph, text in items) + "</ul>"


# Relationship maps ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class Node:
    """An actor on a map."""

    id: str
    name: str
    kind: str  # person | organization | country | group (another kind is drawn as a dashed circle)
    href: str  # its page, relative to the page the map is on


@dataclass(frozen=True, kw_only=True, slots=True)
class Tie:
    """A neighbour of the actor at the centre, and the words for what links them."""

    node: Node
    words: tuple[str, ...]  # "alleato di", "alla stessa riunione", "si rivolge a", "secondo" ...
    declared: bool = False  # a relation written in the data (solid line), not one read from the facts (dashed)


@dataclass(frozen=True, kw_only=True, slots=True)
class Link:
    """Two actors linked in the network: ``weight`` facts or relations tie them."""

    a: str
    b: str
    weight: int = 1
    declared: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class MapWords:
    """The interface words of the maps, in the dossier's language."""

    label: str  # the drawing's name, first in its caption
    kinds: Mapping[str, str]  # kind -> its name ("persona")
    declared: str  # what a solid line means
    inferred: str  # what a dashed line means
    more: Callable[[int], str]  # how many neighbours are left out: "e un altro", "e altri 7"
    ties: Callable[[int], str] = str  # network: how many others an actor is tied to: "1 legame", "7 legami"
    list_title: str = ""  # the title of the text list, when it is folded (network)


MAP_WIDTH, MAP_HEIGHT = 480, 400  # the height is cropped to what is drawn
NAME_SIZE, WORDS_SIZE, LINE = 13, 11, 14
MAP_SCALE = 1.2  # shown 1.2 times its size in user units, or less where the page is narrower
NAME_CHARS, WORDS_CHARS = 14, 20  # longer names wrap or end in '…' (the title and the list have them whole)


@dataclass(frozen=True, slots=True)
class _Spot:
    node: Node
    x: float
    y: float
    angle: float
    size: float


def _kind_key(node: Node) -> tuple[int, str, str, str]:
    order = KINDS.index(node.kind) if node.kind in KINDS else len(KINDS)
    return (order, node.kind, node.name.casefold(), node.id)


def _ring(nodes: Sequence[Node], sizes: Sequence[float], cx: float, cy: float, rx: float, ry: float) -> list[_Spot]:
    """Nodes around an ellipse, clockwise from the top, in the order given."""
    spots = []
    for index, (node, size) in enumerate(zip(nodes, sizes, strict=True)):
        angle = -math.pi / 2 + 2 * math.pi * index / len(nodes)
        spots.append(_Spot(node, cx + rx * math.cos(angle), cy + ry * math.sin(angle), angle, size))
    return spots


def _shape(kind: str, x: float, y: float, size: float, css: str = "") -> str:
    common = f'class="dossier-kind-{_e(kind)}{css}" stroke="currentColor" stroke-width="1.5" fill="#fff"'
    if kind == "organization":
        side = size * 1.7
        return f'<rect {common} x="{_n(x - side / 2)}" y="{_n(y - side / 2)}" width="{_n(side)}" height="{_n(side)}"/>'
    if kind == "country":
        s = size * 1.25
        return f'<path {common} d="M{_n(x)} {_n(y - s)}L{_n(x + s)} {_n(y)}L{_n(x)} {_n(y + s)}L{_n(x - s)} {_n(y)}Z"/>'
    if kind == "group":
        points = " ".join(
            f"{_n(x + size * 1.1 * math.cos(math.pi / 3 * i))},{_n(y + size * 1.1 * math.sin(math.pi / 3 * i))}"
            for i in range(6)
        )
        return f'<polygon {common} points="{points}"/>'
    dash = "" if kind == "person" else ' stroke-dasharray="3 2"'
    return f'<circle {common} cx="{_n(x)}" cy="{_n(y)}" r="{_n(size)}"{dash}/>'


@dataclass(slots=True)
class _Box:
    """What a map covers, grown as nodes and names are drawn; the SVG's viewBox is cropped to it."""

    left: float = math.inf
    top: float = math.inf
    right: float = -math.inf
    bottom: float = -math.inf

    def add(self, left: float, top: float, right: float, bottom: float) -> None:
        self.left, self.top = min(self.left, left), min(self.top, top)
        self.right, self.bottom = max(self.right, right), max(self.bottom, bottom)


def _label(spot: _Spot, lines: list[tuple[str, str]], centre: tuple[float, float], box: _Box) -> str:
    """Text beside a node, on the side away from ``centre``: (text, css class) per line; ``box`` grows to hold it."""
    dx, dy = spot.x - centre[0], spot.y - centre[1]
    distance = math.hypot(dx, dy)
    ux, uy = (dx / distance, dy / distance) if distance >= 1.5 else (0.0, 1.0)
    gap = spot.size + 5
    height = LINE * (len(lines) - 1)
    width = max(len(text) * (NAME_SIZE if css == "dossier-map-name" else WORDS_SIZE) * 0.56 for text, css in lines)
    if abs(ux) < 0.3:
        anchor, x, left = "middle", spot.x, spot.x - width / 2
        # above the node (the last line nearest to it), or below
        first = spot.y - gap - height - 3 if uy < 0 else spot.y + gap + NAME_SIZE - 2
    else:
        anchor = "start" if ux > 0 else "end"
        x = spot.x + gap if ux > 0 else spot.x - gap
        left = x if ux > 0 else x - width
        first = spot.y - height / 2 + NAME_SIZE * 0.35
    out = [
        f'<text x="{_n(x)}" y="{_n(first)}" text-anchor="{anchor}" font-size="{NAME_SIZE}" class="dossier-map-label">'
    ]
    for index, (text, css) in enumerate(lines):
        size = "" if css == "dossier-map-name" else f' font-size="{WORDS_SIZE}"'
        place = "" if index == 0 else f' x="{_n(x)}" dy="{LINE}"'
        out.append(f'<tspan{place} class="{css}"{size}>{_e(text)}</tspan>')
    out.append("</text>")
    reach = spot.size * 1.3
    box.add(spot.x - reach, spot.y - reach, spot.x + reach, spot.y + reach)
    box.add(left, first - NAME_SIZE, left + width, first + height + 4)
    return "".join(out)


def _svg(css: str, uid: str, body: list[str], box: _Box) -> str:
    """The ``<svg>`` around ``body``, cropped to ``box``; its width and height give the size it is shown at (it
    shrinks with the page), so that names read at the same size on every map."""
    left, top = math.floor(box.left - 6), math.floor(box.top - 6)
    width, height = math.ceil(box.right + 6) - left, math.ceil(box.bottom + 6) - top
    return "\n".join(
        [
            f'<svg class="{css}" viewBox="{left} {top} {width} {height}" width="{_n(width * MAP_SCALE)}" '
            f'height="{_n(height * MAP_SCALE)}" role="group" aria-labelledby="{_e(uid)}-caption">',
            *body,
            "</svg>",
        ]
    )


def _kind_name(words: MapWords, kind: str) -> str:
    return words.kinds.get(kind, kind)


def _map_legend(words: MapWords, kinds: Iterable[str], lines: Iterable[bool]) -> str:
    items = []
    for kind in sorted(set(kinds), key=lambda k: (KINDS.index(k) if k in KINDS else len(KINDS), k)):
        glyph = f'<svg viewBox="0 0 24 24" aria-hidden="true">{_shape(kind, 12, 12, 7)}</svg>'
        items.append(f"<li>{glyph} <span>{_e(_kind_name(words, kind))}</span></li>")
    for declared in sorted(set(lines), reverse=True):
        dash = "" if declared else ' stroke-dasharray="5 4"'
        glyph = f'<svg viewBox="0 0 30 12" aria-hidden="true"><path d="M1 6H29" stroke="currentColor" stroke-width="1.5"{dash}/></svg>'  # noqa: E501
        items.append(f"<li>{glyph} <span>{_e(words.declared if declared else words.inferred)}</span></li>")
    return '<ul class="dossier-legend">' + "".join(items) + "</ul>"


def neighbourhood(
    centre: Node,
    ties: Sequence[Tie],
    words: MapWords,
    *,
    caption: str = "",
    limit: int = 12,
    more_href: str | None = None,
    uid: str = "dossier-map",
) -> str:
    """An actor's relationship map as an HTML ``<figure>``; ``""`` when the actor has no tie.

    The actor is in the centre; around it at most ``limit`` neighbours (declared relations first, then those with
    the most ties), placed clockwise from the top by kind then name, each a link with its name and the words of
    its ties; a solid line for a relation written in the data, a dashed one for a tie read from the facts. Under
    the drawing, every neighbour as a list with the same words (``e altri N`` leads to it).
    """
    nodes: dict[str, Node] = {}
    said: dict[str, set[tuple[bool, str]]] = {}  # node id -> (not declared, words)
    for tie in ties:
        if tie.node.id != centre.id:
            nodes.setdefault(tie.node.id, tie.node)
            said.setdefault(tie.node.id, set()).update((not tie.declared, w) for w in tie.words)
    if not nodes:
        return ""
    merged = {  # the words of declared relations first, then the others, each group in order
        key: Tie(
            node=nodes[key], words=tuple(dict.fromkeys(w for _, w in sorted(pairs))), declared=min(pairs)[0] is False
        )
        for key, pairs in said.items()
    }
    everyone = sorted(merged.values(), key=lambda t: _kind_key(t.node))
    chosen = sorted(everyone, key=lambda t: (not t.declared, -len(t.words), _kind_key(t.node)))[: max(1, limit)]
    shown = sorted(chosen, key=lambda t: _kind_key(t.node))
    cx, cy = MAP_WIDTH / 2, MAP_HEIGHT / 2
    spots = _ring([t.node for t in shown], [10.0] * len(shown), cx, cy, 115, 115)
    body = ['<g class="dossier-map-edges" aria-hidden="true">']
    body += [_edge(cx, cy, 17, spot, tie.declared) for spot, tie in zip(spots, shown, strict=True)]
    body.append("</g>")
    box = _Box()
    middle = _Spot(centre, cx, cy, 0.0, 16.0)
    label = _label(middle, [(line, "dossier-map-name") for line in _wrap(centre.name, 20, 2)], (cx, cy), box)
    for spot, tie in zip(spots, shown, strict=True):
        kind = _kind_name(words, tie.node.kind)
        title = f"{tie.node.name} ({kind}): {'; '.join(tie.words)}"
        lines = [(line, "dossier-map-name") for line in _wrap(tie.node.name, NAME_CHARS, 2)]
        lines.append((_clip(" · ".join(tie.words), WORDS_CHARS), "dossier-map-words"))
        text = _label(spot, lines, (cx, cy), box)
        body.append(
            f'<a class="dossier-map-node" href="{_e(tie.node.href)}"><title>{_e(title)}</title>'
            + _shape(tie.node.kind, spot.x, spot.y, spot.size)
            + text
            + "</a>"
        )
    body.append(
        '<g class="dossier-map-centre">' + _shape(centre.kind, cx, cy, 16, " dossier-map-centre-shape") + label + "</g>"
    )
    out = [
        f'<figure class="dossier-draw dossier-map" id="{_e(uid)}" data-search-exclude data-pagefind-ignore>',
        f'<figcaption id="{_e(uid)}-caption"><strong>{_e(words.label)}</strong> {_e(caption)}</figcaption>',
        _svg("dossier-map-svg", uid, body, box),
    ]
    out.append(_map_legend(words, [centre.kind, *(t.node.kind for t in shown)], (t.declared for t in shown)))
    hidden = len(everyone) - len(shown)
    if hidden:
        target = more_href or f"#{uid}-list"
        out.append(f'<p class="dossier-map-more"><a href="{_e(target)}">{_e(words.more(hidden))}</a></p>')
    out.append(f'<ul class="dossier-map-list" id="{_e(uid)}-list">')
    for tie in everyone:
        out.append(
            f'<li><a href="{_e(tie.node.href)}">{_e(tie.node.name)}</a> ({_e(_kind_name(words, tie.node.kind))}): '
            f"{_e('; '.join(tie.words))}</li>"
        )
    out.append("</ul>")
    out.append("</figure>")
    return "\n".join(out)


def _edge(x0: float, y0: float, r0: float, spot: _Spot, declared: bool) -> str:
    dx, dy = spot.x - x0, spot.y - y0
    distance = math.hypot(dx, dy) or 1.0
    ux, uy = dx / distance, dy / distance
    ax, ay = x0 + ux * r0, y0 + uy * r0
    bx, by = spot.x - ux * (spot.size + 3), spot.y - uy * (spot.size + 3)
    dash = "" if declared else ' stroke-dasharray="5 4"'
    return (
        f'<path d="M{_n(ax)} {_n(ay)}L{_n(bx)} {_n(by)}" stroke="currentColor" stroke-width="1.5"{dash} fill="none"/>'
    )


@dataclass(slots=True)
class _Degree:
    node: Node
    neighbours: set[str] = field(default_factory=set)
    weight: int = 0


def network(
    nodes: Sequence[Node],
    links: Sequence[Link],
    words: MapWords,
    *,
    caption: str = "",
    limit: int = 16,
    more_href: str | None = None,
    uid: str = "dossier-net",
) -> str:
    """The ``limit`` most connected actors and the links between them, as an HTML ``<figure>``.

    Actors are ranked by how many others they are linked to, then by how many facts link them; the chosen sit
    around an ellipse by kind then name, each a link sized by its number of ties; links are curves, thicker for
    more facts, solid when a relation is declared. Under the drawing, the same actors as a list with whom each is
    linked to. ``""`` when no two actors are linked.
    """
    by_id = {node.id: _Degree(node) for node in nodes}
    pairs: dict[tuple[str, str], Link] = {}
    for link in links:
        if link.a == link.b or link.a not in by_id or link.b not in by_id:
            continue
        a, b = sorted((link.a, link.b))
        known = pairs.get((a, b))
        pairs[(a, b)] = Link(
            a=a,
            b=b,
            weight=link.weight + (known.weight if known else 0),
            declared=link.declared or bool(known and known.declared),
        )
    for (a, b), link in pairs.items():
        by_id[a].neighbours.add(b)
        by_id[b].neighbours.add(a)
        by_id[a].weight += link.weight
        by_id[b].weight += link.weight
    ranked = sorted(
        (d for d in by_id.values() if d.neighbours),
        key=lambda d: (-len(d.neighbours), -d.weight, _kind_key(d.node)),
    )
    if not ranked:
        return ""
    chosen = sorted(ranked[: max(2, limit)], key=lambda d: _kind_key(d.node))
    ids = {d.node.id for d in chosen}
    most = max(len(d.neighbours) for d in chosen)
    sizes = [5 + 7 * math.sqrt(len(d.neighbours) / most) for d in chosen]
    cx, cy = MAP_WIDTH / 2, MAP_HEIGHT / 2
    spots = {s.node.id: s for s in _ring([d.node for d in chosen], sizes, cx, cy, 125, 140)}
    body = ['<g class="dossier-map-edges" aria-hidden="true">']
    body += [_chord(spots[a], spots[b], link, cx, cy) for (a, b), link in sorted(pairs.items()) if {a, b} <= ids]
    body.append("</g>")
    box = _Box()
    for degree in chosen:
        spot = spots[degree.node.id]
        count = len(degree.neighbours)
        ties = words.ties(count)
        title = f"{degree.node.name} ({_kind_name(words, degree.node.kind)}): {ties}"
        lines = [(line, "dossier-map-name") for line in _wrap(degree.node.name, NAME_CHARS, 2)]
        text = _label(spot, lines, (cx, cy), box)
        body.append(
            f'<a class="dossier-map-node" href="{_e(degree.node.href)}"><title>{_e(title)}</title>'
            + _shape(degree.node.kind, spot.x, spot.y, spot.size)
            + text
            + "</a>"
        )
    out = [
        f'<figure class="dossier-draw dossier-net" id="{_e(uid)}" data-search-exclude data-pagefind-ignore>',
        f'<figcaption id="{_e(uid)}-caption"><strong>{_e(words.label)}</strong> {_e(caption)}</figcaption>',
        _svg("dossier-map-svg", uid, body, box),
    ]
    shown_pairs = [link for (a, b), link in pairs.items() if a in ids and b in ids]
    out.append(_map_legend(words, (d.node.kind for d in chosen), (link.declared for link in shown_pairs)))
    hidden = len(ranked) - len(chosen)
    if hidden:
        more = _e(words.more(hidden))
        out.append(
            f'<p class="dossier-map-more"><a href="{_e(more_href)}">{more}</a></p>'
            if more_href
            else f'<p class="dossier-map-more">{more}</p>'
        )
    names = {d.node.id: d.node for d in ranked}
    out.append(f'<details class="dossier-map-text"><summary>{_e(words.list_title)}</summary><ul>')
    for degree in chosen:
        count = len(degree.neighbours)
        ties = words.ties(count)
        others = sorted((names[i] for i in degree.neighbours & ids), key=_kind_key)
        out.append(
            f'<li><a href="{_e(degree.node.href)}">{_e(degree.node.name)}</a> '
            f"({_e(_kind_name(words, degree.node.kind))}), {_e(ties)}: "
            + ", ".join(_e(other.name) for other in others)
            + "</li>"
        )
    out.append("</ul></details>")
    out.append("</figure>")
    return "\n".join(out)


def _chord(a: _Spot, b: _Spot, link: Link, cx: float, cy: float) -> str:
    """A curve from ``a`` to ``b`` bending towards the centre; its width grows with the link's weight."""
    mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
    qx, qy = cx + (mx - cx) * 0.35, cy + (my - cy) * 0.35
    width = 1 + min(3.0, math.log2(link.weight))
    dash = "" if link.declared else ' stroke-dasharray="5 4"'
    return (
        f'<path d="M{_n(a.x)} {_n(a.y)}Q{_n(qx)} {_n(qy)} {_n(b.x)} {_n(b.y)}" fill="none" stroke="currentColor" '
        f'stroke-opacity="0.7" stroke-width="{_n(width)}"{dash}/>'
    )
