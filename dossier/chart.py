"""The chart under a question's comparison table: each numeric answer on one axis that starts at zero.

Like :mod:`dossier.draw`, a pure function from plain values to one HTML ``<figure>`` (an inline SVG, its caption and
a legend), the same bytes for the same input, nothing fetched, no JavaScript; the interface words come in as
:class:`ChartWords`, the numbers already formatted by the caller's ``number`` function. Every answer is a row: who
says it and the answer in words, then its mark on the axis all rows share (the words above the mark, so that they
keep their room on a narrow screen, where ``dossier.css`` enlarges them):

- a figure is a dot, solid when exact, a dashed ring when approximate;
- a range is a bar from its low to its high figure; dashed when approximate or read from vague words ("migliaia");
- an open bound ("più di 10.000", "meno di 500") is a bar that fades out towards its open side.

The SVG is an image (``role="img"``) named by its title and described, answer by answer, by its ``<desc>``; the
table above it says the same in full.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from dossier.figures import Bounds


@dataclass(frozen=True, kw_only=True, slots=True)
class Answer:
    """One row of the chart: who says it, the answer in words, where it lies."""

    label: str
    words: str
    bounds: Bounds


@dataclass(frozen=True, kw_only=True, slots=True)
class ChartWords:
    """The chart's interface words, in the page's language."""

    title: str  # the chart's name: "Le risposte a confronto"
    axis: str  # what the axis says: "asse da zero"
    exact: str
    approximate: str
    bar: str  # a range
    vague: str  # dashed: approximate, or read from vague words
    open: str  # fades out: an open bound


WIDTH = 640
LEFT, RIGHT = 16, WIDTH - 24  # the plot
TOP, ROW, AXIS = 4, 92, 44  # first row, height of a row (who, the answer, the mark), room for the axis under them
WHO, WORDS, MARK = 28, 58, 76  # in a row: the baselines of its two lines of words, the middle of its mark
BAR, DOT = 12, 8  # a bar's height, a dot's radius


def _e(text: str) -> str:
    return escape(text, quote=True)


def _n(value: float) -> str:
    text = "%.1f" % value  # noqa: UP031
    text = text.removesuffix(".0")
    return "0" if text == "-0" else text


def _clip(text: str, size: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def nice_step(span: float) -> float:
    """A round step for about four ticks over ``span``: 1, 2, 2.5 or 5 times a power of ten."""
    raw = span / 4 if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    return float(next(power * m for m in (1, 2, 2.5, 5, 10) if power * m >= raw))


def _axis(answers: Sequence[Answer]) -> tuple[float, float, float]:
    """(start, end, step) of the axis: from zero (or the least negative figure) past the largest figure, with room
    for open bounds to fade out."""
    lows = [float(a.bounds.low) for a in answers if a.bounds.low is not None]
    reach = []
    for answer in answers:
        b = answer.bounds
        reach.append(float(b.high) if b.high is not None else float(b.largest) * 1.5)
    start = min([0.0, *lows])
    top = max(reach) if reach else 1.0
    step = nice_step(top - start)
    end = step * math.ceil(top * 1.04 / step) if top > 0 else step  # the largest mark clear of the edge
    if end <= top * 1.2 and any(a.bounds.high is None for a in answers):
        end += step  # an open top needs room to fade
    return start, end, step


def answers(
    rows: Sequence[Answer], words: ChartWords, number: Callable[[Decimal], str], *, caption: str = "", uid: str
) -> str:
    """The chart of ``rows`` (in the order given) as an HTML ``<figure>``; ``""`` when there is nothing to draw."""
    if not rows:
        return ""
    start, end, step = _axis(rows)

    def x(value: Decimal | float | None, default: float) -> float:
        if value is None:
            return default
        return LEFT + (float(value) - start) / (end - start) * (RIGHT - LEFT)

    height = TOP + ROW * len(rows) + AXIS
    desc = "; ".join(f"{a.label}: {a.words}" for a in rows)
    out = [
        f'<figure class="dossier-chart" id="{_e(uid)}" data-search-exclude data-pagefind-ignore>',
        f'<svg class="dossier-chart-svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{_e(uid)}-title {_e(uid)}-desc">',
        f'<title id="{_e(uid)}-title">{_e(words.title)}</title>',
        f'<desc id="{_e(uid)}-desc">{_e(desc)}.</desc>',
        "<defs>"
        f'<linearGradient id="{_e(uid)}-out"><stop offset="0" stop-color="currentColor" stop-opacity="0.9"/>'
        '<stop offset="1" stop-color="currentColor" stop-opacity="0"/></linearGradient>'
        f'<linearGradient id="{_e(uid)}-in"><stop offset="0" stop-color="currentColor" stop-opacity="0"/>'
        '<stop offset="1" stop-color="currentColor" stop-opacity="0.9"/></linearGradient></defs>',
    ]
    bottom = TOP + ROW * len(rows)
    ticks = []
    tick = start
    while tick <= end + step / 1000:
        ticks.append(tick)
        tick += step
    grid = ['<g class="dossier-chart-axis" aria-hidden="true">']
    for value in ticks:
        at = x(value, LEFT)
        grid.append(f'<line x1="{_n(at)}" y1="{TOP}" x2="{_n(at)}" y2="{_n(bottom)}" class="dossier-chart-grid"/>')
        label = number(Decimal(str(round(value, 6))).normalize())
        anchor = "start" if at <= LEFT else "end" if at >= RIGHT else "middle"
        grid.append(f'<text x="{_n(at)}" y="{_n(bottom + 24)}" text-anchor="{anchor}">{_e(label)}</text>')
    grid.append(f'<line x1="{LEFT}" y1="{_n(bottom)}" x2="{RIGHT}" y2="{_n(bottom)}" class="dossier-chart-line"/>')
    grid.append("</g>")
    out.extend(grid)
    for index, answer in enumerate(rows):
        top = TOP + ROW * index
        out.append('<g class="dossier-chart-row" aria-hidden="true">')
        out.append(
            f'<text x="{LEFT}" y="{_n(top + WHO)}" class="dossier-chart-who">{_e(_clip(answer.label, 44))}</text>'
        )
        out.append(
            f'<text x="{LEFT}" y="{_n(top + WORDS)}" class="dossier-chart-words">{_e(_clip(answer.words, 44))}</text>'
        )
        out.append(_mark(answer.bounds, top + MARK, x, uid))
        out.append("</g>")
    out.append("</svg>")
    legend = " · ".join((words.exact, words.approximate, words.bar, words.vague, words.open))
    unit = f" ({_e(caption)})" if caption else ""
    text = f"<strong>{_e(words.title)}</strong>{unit}. {_e(words.axis)}"
    out.append(f'<figcaption>{text}<br><span class="dossier-chart-legend">{_e(legend)}</span></figcaption>')
    out.append("</figure>")
    return "\n".join(out)


def _mark(b: Bounds, y: float, x: Callable[[Decimal | float | None, float], float], uid: str) -> str:
    dashed = b.approximate or b.vague
    if b.shape == "point":
        at = x(b.low, LEFT)
        if dashed:
            return (
                f'<circle cx="{_n(at)}" cy="{_n(y)}" r="{DOT}" fill="none" stroke="currentColor" stroke-width="2.5" '
                'stroke-dasharray="3 2" class="dossier-chart-mark"/>'
            )
        return f'<circle cx="{_n(at)}" cy="{_n(y)}" r="{DOT}" fill="currentColor" class="dossier-chart-mark"/>'
    if b.shape == "range":
        x0, x1 = x(b.low, LEFT), x(b.high, RIGHT)
        x1 = max(x1, x0 + 4)
        style = (
            'fill="currentColor" fill-opacity="0.25" stroke="currentColor" stroke-width="1.5" stroke-dasharray="4 2"'
            if dashed
            else 'fill="currentColor"'
        )
        return (
            f'<rect x="{_n(x0)}" y="{_n(y - BAR / 2)}" width="{_n(x1 - x0)}" height="{BAR}" {style} '
            'class="dossier-chart-mark"/>'
        )
    if b.shape == "above":
        x0, x1, fade = x(b.low, LEFT), RIGHT, "out"
    else:
        x0, x1, fade = LEFT, x(b.high, RIGHT), "in"
    x1 = max(x1, x0 + 4)
    edge = x0 if b.shape == "above" else x1
    dash = ' stroke-dasharray="3 2"' if dashed else ""
    return (
        f'<rect x="{_n(x0)}" y="{_n(y - BAR / 2)}" width="{_n(x1 - x0)}" height="{BAR}" fill="url(#{_e(uid)}-{fade})" '
        'class="dossier-chart-mark"/>'
        f'<line x1="{_n(edge)}" y1="{_n(y - BAR)}" x2="{_n(edge)}" y2="{_n(y + BAR)}" stroke="currentColor" '
        f'stroke-width="2"{dash}/>'
    )
