"""The figures claims put forward: their bounds (to sort and chart them on one axis) and their words for readers.

A claim's ``value`` (:class:`dossier.kinds.Value`) is one of: an exact or approximate figure (``amount``), a range
(``min`` and ``max``), an open bound (``min`` alone: "più di 10.000"; ``max`` alone: "meno di 500"), or the source's
words for a quantity it gives no figure for (``vague``: "migliaia") with the range the dossier reads them as.
Every form has a low and a high bound (one of them open for a bound), so answers to one question sort and are
drawn on one axis whatever form each takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from dossier.i18n import Words

Shape = Literal["point", "range", "above", "below"]


@dataclass(frozen=True, slots=True)
class Bounds:
    """Where a figure lies: a point, a range, or an open bound (``high`` None: more than ``low``)."""

    shape: Shape
    low: Decimal | None
    high: Decimal | None
    approximate: bool
    vague: bool

    @property
    def sort_key(self) -> tuple[Decimal, Decimal]:
        """Smallest first; an open top sorts after any closed one from the same start."""
        low = self.low if self.low is not None else Decimal(0)
        high = self.high if self.high is not None else Decimal("Infinity")
        return (low, high)

    @property
    def largest(self) -> Decimal:
        """The largest figure the answer names (for the chart's axis)."""
        return max(d for d in (self.low, self.high) if d is not None)


def bounds(value: Any) -> Bounds:
    """The bounds of a resolved claim value."""
    approximate, vague = bool(value.approximate), value.vague is not None
    if value.amount is not None:
        amount = Decimal(value.amount)
        return Bounds("point", amount, amount, approximate, vague)
    low = Decimal(value.min) if value.min is not None else None
    high = Decimal(value.max) if value.max is not None else None
    if low is not None and high is not None:
        return Bounds("point" if low == high else "range", low, high, approximate, vague)
    return Bounds("above" if low is not None else "below", low, high, approximate, vague)


def digits(value: Any) -> str:
    """The figures of a value as a reader may type them into a search box, in every common way: plain digits, and
    grouped or with a decimal mark either way ('15000 15,000 15.000'; '2.5 2,5'), whatever the page's language."""
    forms: list[str] = []
    for figure in (value.amount, value.min, value.max):
        if figure is None:
            continue
        whole, _, fraction = figure.lstrip("-").partition(".")
        sign = "-" if figure.startswith("-") else ""
        groups = f"{int(whole):,}"
        for thousands, decimal in (("", "."), (",", "."), (".", ",")):
            grouped = groups.replace(",", thousands) if len(whole) > 3 else whole
            form = sign + grouped + (decimal + fraction if fraction else "")
            if form not in forms:
                forms.append(form)
    return " ".join(forms)


def words(value: Any, say: Words, *, unit: bool = True) -> str:
    """A value as a reader reads it, in the page's language: 'circa 15.000 soldati', '10.000–15.000', 'più di
    10.000', 'migliaia (inteso come: più di 1.000 soldati)'."""
    shape = bounds(value)
    if value.amount is not None:
        figure = say.number(value.amount)
    elif shape.shape == "point":
        figure = say.number(value.min)
    elif shape.shape == "range":
        figure = say.gettext("%(low)s–%(high)s", low=say.number(value.min), high=say.number(value.max))
    else:
        figure = ""
    if value.approximate and figure:
        figure = say.gettext("about %(figure)s", figure=figure)
    if shape.shape == "above":
        figure = say.gettext("more than %(figure)s", figure=say.number(value.min))
        if value.approximate:
            figure = say.gettext("more than about %(figure)s", figure=say.number(value.min))
    elif shape.shape == "below":
        figure = say.gettext("less than %(figure)s", figure=say.number(value.max))
        if value.approximate:
            figure = say.gettext("less than about %(figure)s", figure=say.number(value.max))
    if unit and value.unit:
        figure = say.gettext("%(figure)s %(unit)s", figure=figure, unit=value.unit)
    if value.vague is not None:  # the source's words first, then how the dossier reads them
        figure = say.gettext("%(words)s (read as: %(figure)s)", words=value.vague, figure=figure)
    return figure
