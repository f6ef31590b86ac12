"""Passages of a source worth a record: quotations, figures and dates, and sentences no record cites yet.

Pure: a :class:`~dossier.text.StoredText` and the spans already cited go in, :class:`Candidate` values come out,
each a ready citation (``source``, ``passage``, and ``prefix``/``suffix`` only when the passage occurs more than
once) with the reasons it is offered. :func:`to_yaml` prints them as a YAML list to paste under ``sources:``.

A candidate is a sentence (as :func:`~dossier.text.sentence_spans` splits them), or several when a quotation runs
across a sentence end. It is offered when it holds a quotation in «», “” or "", a number (digits or a number
word), a date expression (a year, a month, a weekday, "lo scorso giugno", "dall'anno scorso", "last April", "two
days ago", ...), or when no record cites it yet.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from babel import Locale

from dossier.text import StoredText, normalise, sentence_spans

QUOTATION, NUMBER, DATE, UNCITED = "quotation", "number", "date", "uncited"
MAX_CONTEXT_WORDS = 12  # of a prefix or suffix, at most
MAX_CONTEXT_CHARS = 200  # the schema's limit for a prefix or a suffix
MAX_PASSAGE = 2000  # the schema's limit for a passage: a longer sentence is offered in pieces
MAX_REPEATS = 50  # a passage repeated more often is offered without prefix and suffix

_QUOTATIONS = re.compile(r"«[^«»\n]*»|“[^“”\n]*”|\"[^\"\n]*\"")


def _cldr_names(lang: str, what: str) -> str:
    """The month or weekday names of a language, from CLDR (Babel), with their unaccented spellings too ('lunedi'):
    no list of names is written here."""
    locale = Locale.parse(lang)
    table = locale.months if what == "months" else locale.days
    names = list(table["format"]["wide"].values())
    plain = ["".join(c for c in unicodedata.normalize("NFD", n) if not unicodedata.combining(c)) for n in names]
    return " ".join(dict.fromkeys([*names, *plain]))


_MONTHS_IT = _cldr_names("it", "months")
_WEEKDAYS_IT = _cldr_names("it", "days")
_UNITS_IT = "anno anni mese mesi settimana settimane giorno giorni ora ore minuti decennio decenni secolo secoli"
_MONTHS_EN = _cldr_names("en", "months")
_WEEKDAYS_EN = _cldr_names("en", "days")
_UNITS_EN = "year years month months week weeks day days hour hours minutes decade decades century centuries"
_SEASONS_EN = "spring summer autumn fall winter weekend"

# Number words that are rarely anything else ("uno", "one", "sei" and "due" are left out: articles, verbs, "due to").
_NUMBER_WORDS = {
    "it": "tre quattro cinque sette otto nove dieci undici dodici tredici quattordici quindici sedici "
    "diciassette diciotto diciannove venti trenta quaranta cinquanta sessanta settanta ottanta novanta cento "
    "duecento trecento mille mila milione milioni miliardo miliardi migliaio migliaia centinaio centinaia "
    "decina decine dozzina dozzine metà doppio triplo",
    "en": "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds "
    "thousand thousands million millions billion billions dozen dozens half double twice triple",
}


def _words(names: str) -> str:
    return "|".join(sorted(names.split(), key=len, reverse=True))


# Dates, longest expression first; matched case-insensitively, except English month names (May, March).
_DATES_IT = [
    # lo scorso giugno, la settimana prossima, l'anno scorso, dall'anno scorso, quest'anno, questo mese
    rf"(?:\b(?:lo|la|il|i|gli|le|nel|nello|nella|dal|dallo|dalla)\s+|\b(?:l|dall|nell|all|dell)')?"
    rf"(?:scors[oaie]|prossim[oaie])\s+(?:{_words(_MONTHS_IT + ' ' + _WEEKDAYS_IT + ' ' + _UNITS_IT)})\b",
    rf"(?:\b(?:lo|la|il|i|gli|le|nel|nello|nella|dal|dallo|dalla)\s+|\b(?:l|dall|nell|all|dell)')?"
    rf"\b(?:{_words(_MONTHS_IT + ' ' + _WEEKDAYS_IT + ' ' + _UNITS_IT)})\s+(?:scors[oaie]|prossim[oaie])\b",
    r"\b(?:quest'|questo\s+|questa\s+)(?:anno|mese|settimana|estate|autunno|inverno|primavera)\b",
    rf"\b(?:\w+\s+)?(?:{_words(_UNITS_IT)})\s+(?:fa|prima|dopo)\b",  # due anni fa, qualche ora prima
    rf"\b(?:\d{{1,2}}|primo|1°)\s+(?:{_words(_MONTHS_IT)})(?:\s+\d{{4}})?\b",  # 3 settembre 2025
    rf"\b(?:{_words(_MONTHS_IT + ' ' + _WEEKDAYS_IT)})(?:\s+\d{{4}})?\b",
    r"\b(?:ieri|oggi|domani|stamattina|stamani|stasera|stanotte|altroieri)\b",
    r"\b(?:primavera|estate|autunno|inverno|natale|pasqua|capodanno|ferragosto)\b",
    r"\banni\s+(?:'\d0|\d0|venti|trenta|quaranta|cinquanta|sessanta|settanta|ottanta|novanta)\b",
]
_DATES_EN = [
    rf"\b(?:last|next|this|earlier\s+this|later\s+this)\s+(?:{_words(_MONTHS_EN + ' ' + _WEEKDAYS_EN)}|"
    rf"{_words(_SEASONS_EN + ' year month week decade century')})\b",
    rf"\b(?:\w+\s+)?(?:{_words(_UNITS_EN)})\s+(?:ago|earlier|later)\b",  # two years ago, hours earlier
    r"\b(?:yesterday|today|tomorrow|tonight)\b",
    rf"\b(?:{_words(_WEEKDAYS_EN)})\b",
]
_MONTH_EN = re.compile(
    rf"\b(?:\d{{1,2}}\s+)?(?:{_words(_MONTHS_EN)})(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+\d{{4}})?\b"
)
_YEAR = re.compile(r"(?<![\w.,])(?:1[0-9]{3}|20[0-9]{2}|21[0-9]{2})(?![\w%]|[.,]\d)")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "′": "'"})  # one character for one: spans stay valid
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:\s?%|°|[^\W\d_]+)?")


@functools.cache
def _date_patterns(lang: str | None) -> list[re.Pattern[str]]:
    chosen = {"it": _DATES_IT, "en": _DATES_EN}.get(lang or "", _DATES_IT + _DATES_EN)
    patterns = [re.compile(p, re.IGNORECASE) for p in chosen]
    return [*patterns, _MONTH_EN] if lang != "it" else patterns


@functools.cache
def _number_words(lang: str | None) -> re.Pattern[str]:
    names = _NUMBER_WORDS.get(lang or "") or " ".join(_NUMBER_WORDS.values())
    return re.compile(rf"\b(?:{_words(names)})\b", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True, slots=True)
class Reason:
    """Why a passage is offered: its kind and the words that make it so ('' for a passage no record cites)."""

    kind: str  # quotation | number | date | uncited
    text: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class Candidate:
    """A passage worth a record, as a ready citation."""

    start: int  # (start, end) in the source's original text
    end: int
    line: int  # 1-based, where it starts
    passage: str  # the original words, on one line
    prefix: str | None  # only when the passage occurs more than once
    suffix: str | None
    reasons: tuple[Reason, ...]
    cited: bool  # some record cites (part of) it already
    alike: int = 0  # other occurrences that even the longest prefix and suffix allowed do not tell apart

    def citation(self, source_id: str) -> dict[str, str]:
        found = {"source": source_id, "passage": self.passage}
        if self.prefix:
            found["prefix"] = self.prefix
        if self.suffix:
            found["suffix"] = self.suffix
        return found


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _matches(patterns: Iterable[re.Pattern[str]], text: str) -> list[tuple[int, int]]:
    """Spans matched by the patterns, earlier patterns first, none overlapping another."""
    taken: list[tuple[int, int]] = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            span = match.span()
            if span[0] < span[1] and all(span[1] <= s or span[0] >= e for s, e in taken):
                taken.append(span)
    return sorted(taken)


def _figures(sentence: str, lang: str | None) -> list[Reason]:
    """The date expressions and the numbers (digits or words) of a sentence, in order of appearance."""
    straight = sentence.translate(_APOSTROPHES)
    dates = _matches([*_date_patterns(lang), _YEAR], straight)
    numbers = [
        span
        for span in _matches([_NUMBER, _number_words(lang)], straight)
        if all(span[1] <= s or span[0] >= e for s, e in dates)
    ]
    found = [(s, Reason(kind=DATE, text=_one_line(sentence[s:e]))) for s, e in dates]
    found += [(s, Reason(kind=NUMBER, text=_one_line(sentence[s:e]))) for s, e in numbers]
    return [reason for _, reason in sorted(found, key=lambda item: item[0])]


class _Spans:
    """Sorted (start, end) spans, asked whether any overlaps a range in O(log n)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.reach: list[int] = []  # the furthest end among the spans up to each one
        furthest = -1
        for _, e in ordered:
            furthest = max(furthest, e)
            self.reach.append(furthest)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)  # the spans starting before `end`
        return i > 0 and self.reach[i - 1] > start


def _groups(sentences: Sequence[tuple[int, int]], quotations: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans, those a quotation runs across merged into one (quotations are sorted and do not overlap)."""
    starts = [s for s, _ in quotations]
    groups: list[list[int]] = []
    for start, end in sentences:
        if groups:
            i = bisect.bisect_left(starts, groups[-1][1]) - 1  # the last quotation opened inside the group
            if i >= 0 and quotations[i][1] > groups[-1][1]:
                groups[-1][1] = end  # it runs on past the end of the group: this sentence joins it
                continue
        groups.append([start, end])
    return [(s, e) for s, e in groups]


def _pieces(original: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at spaces into pieces of at most :data:`MAX_PASSAGE` characters (once spaces collapse)."""
    pieces: list[tuple[int, int]] = []
    while len(_one_line(original[start:end])) > MAX_PASSAGE:
        cut = start + MAX_PASSAGE
        while len(_one_line(original[start:cut])) > MAX_PASSAGE or not original[cut].isspace():
            cut -= 1
            if cut <= start:  # no space at all: a 2000-character word is no passage anyone will cite
                return pieces
        pieces.append((start, cut))
        start = cut
        while start < end and original[start].isspace():
            start += 1
    pieces.append((start, end))
    return pieces


_HEAD = 8  # characters of a passage looked up at every position of the text


def _positions(normal: str, needles: Iterable[str]) -> dict[str, list[int]]:
    """Every position of every needle in ``normal``: one pass over the text for all of them, not one per needle.

    At each position, the text's next few characters pick the needles that start with them, grouped by length,
    so that one slice and one set lookup test all the needles of a length at once.
    """
    found: dict[str, list[int]] = {}
    heads: dict[str, dict[int, set[str]]] = {}
    for needle in set(needles):
        if len(needle) < _HEAD:
            found[needle] = _occurrences(normal, needle)  # a short passage ("Sì."): searched on its own
        else:
            found[needle] = []
            heads.setdefault(needle[:_HEAD], {}).setdefault(len(needle), set()).add(needle)
    get = heads.get
    for i in range(len(normal) - _HEAD + 1):
        lengths = get(normal[i : i + _HEAD])
        if lengths is not None:
            for length, alike in lengths.items():
                here = normal[i : i + length]
                if here in alike:
                    found[here].append(i)
    return found


def _occurrences(normal: str, needle: str) -> list[int]:
    found, at = [], normal.find(needle)
    while at != -1:
        found.append(at)
        at = normal.find(needle, at + 1)
    return found


def _context(normal: str, at: int, needle: str, positions: Sequence[int]) -> tuple[str, str, int]:
    """A prefix and a suffix (whole words, as few as tell the occurrence at ``at`` from the others) and how many
    others they still fit; ('', '', 0) for a passage that occurs once."""
    others = [p for p in positions if p != at]
    if not others:
        return "", "", 0
    if len(others) > MAX_REPEATS:
        return "", "", len(others)
    window = MAX_CONTEXT_CHARS + 1
    before = normal[max(0, at - window) : at].split()
    after = normal[at + len(needle) : at + len(needle) + window].split()
    if at > window:
        before = before[1:]  # the first word may be cut
    if at + len(needle) + window < len(normal):
        after = after[:-1]
    best = ("", "", len(others))
    for count in range(1, MAX_CONTEXT_WORDS + 1):
        prefix, suffix = " ".join(before[-count:]), " ".join(after[:count])
        if len(prefix) > MAX_CONTEXT_CHARS or len(suffix) > MAX_CONTEXT_CHARS:
            break
        left = sum(_fits(normal, p, p + len(needle), prefix, suffix) for p in others)
        best = (prefix, suffix, left)
        if not left:
            break
    return best


def _fits(normal: str, start: int, end: int, prefix: str, suffix: str) -> bool:
    """Whether an occurrence at [start, end) has this prefix and suffix, as :meth:`StoredText.find` tests it."""
    return (not prefix or normal[max(0, start - len(prefix) - 1) : start].rstrip().endswith(prefix)) and (
        not suffix or normal[end : end + len(suffix) + 1].lstrip().startswith(suffix)
    )


def _shown(text: StoredText, start: int, end: int) -> str:
    """The original characters (typographic quotes kept) of a stretch of the normalised text, on one line."""
    return _one_line(text.original_text(start, end)) if end > start else ""


def _normal_index(text: StoredText, start: int) -> int:
    """Where the character at ``start`` of the original is in the normalised text (it is not a space)."""
    return bisect.bisect_left(range(len(text.normal)), start, key=lambda n: text.original_span(n, n + 1)[0])


def candidates(text: StoredText, cited: Sequence[tuple[int, int]] = (), *, lang: str | None = None) -> list[Candidate]:
    """The passages of ``text`` worth a record, in text order; ``cited`` are the spans records cite already.

    ``lang`` ('it', 'en') chooses the words that name numbers and dates; any other value uses both languages'.
    """
    original, normal = text.original, text.normal
    quotations = [m.span() for m in _QUOTATIONS.finditer(original)]
    quotation_starts = [s for s, _ in quotations]
    sentences = sentence_spans(original)
    citing = _Spans(cited)
    uncited = _Spans(span for span in sentences if not citing.overlaps(*span))
    line_starts = [0, *(m.end() for m in re.finditer("\n", original))]
    offered: list[tuple[int, int, list[Reason]]] = []
    for start, end in (piece for s, e in _groups(sentences, quotations) for piece in _pieces(original, s, e)):
        first = bisect.bisect_left(quotation_starts, start)
        reasons = [
            Reason(kind=QUOTATION, text=_one_line(original[s:e]))
            for s, e in quotations[first : bisect.bisect_left(quotation_starts, end)]
            if e <= end
        ]
        reasons += _figures(original[start:end], lang)
        if uncited.overlaps(start, end):
            reasons.append(Reason(kind=UNCITED))
        if reasons:
            offered.append((start, end, reasons))
    at = {start: _normal_index(text, start) for start, _, _ in offered}
    needles = {start: normalise(original[start:end]) for start, end, _ in offered}
    positions = _positions(normal, needles.values())
    found: list[Candidate] = []
    for start, end, reasons in offered:
        needle, here = needles[start], at[start]
        prefix, suffix, alike = _context(normal, here, needle, positions[needle])
        before = here - (normal[here - 1 : here] == " ")  # where the prefix ends: before the space, if one
        after = here + len(needle) + (normal[here + len(needle) : here + len(needle) + 1] == " ")
        found.append(
            Candidate(
                start=start,
                end=end,
                line=bisect.bisect_right(line_starts, start),
                passage=_one_line(original[start:end]),
                prefix=_shown(text, before - len(prefix), before) or None,
                suffix=_shown(text, after, after + len(suffix)) or None,
                reasons=tuple(reasons),
                cited=citing.overlaps(start, end),
                alike=alike,
            )
        )
    return found


# Output ---------------------------------------------------------------------------------------------------------

_LABELS = {QUOTATION: "quotation", NUMBER: "number", DATE: "date", UNCITED: "not cited yet"}
_SHOWN = 60  # characters of a quotation shown in a comment


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar on one line: plain when YAML reads it back unchanged, else quoted."""
    if _plain_is_safe(text):
        return text
    if "'" not in text and text.isprintable():
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _plain_is_safe(text: str) -> bool:
    if not text or text != text.strip() or not text.isprintable():
        return False
    try:
        return bool(yaml.safe_load(f"k: {text}\n") == {"k": text})
    except yaml.YAMLError:
        return False


def _comment(candidate: Candidate) -> str:
    parts: list[str] = []
    for kind in (QUOTATION, NUMBER, DATE, UNCITED):
        texts = [r.text for r in candidate.reasons if r.kind == kind]
        if not texts:
            continue
        if kind == QUOTATION:
            parts.extend(f"quotation {t if len(t) <= _SHOWN else t[: _SHOWN - 1] + '…'}" for t in texts)
        elif kind == UNCITED:
            parts.append(_LABELS[kind])
        else:
            parts.append(f"{_LABELS[kind]}: {', '.join(texts)}")
    if candidate.cited:
        parts.append("cited already")
    if candidate.alike:
        parts.append(f"{candidate.alike} other occurrences have the same words around them: cite a longer passage")
    return f"# line {candidate.line}: " + "; ".join(parts)


def to_yaml(source_id: str, found: Sequence[Candidate]) -> str:
    """The candidates as one YAML list of citations, each after a comment saying why it is offered."""
    counts = {kind: sum(any(r.kind == kind for r in c.reasons) for c in found) for kind in _LABELS}
    lines = [
        f"# {len(found)} candidate passages of source '{source_id}': {counts[QUOTATION]} with quotations, "
        f"{counts[NUMBER]} with numbers, {counts[DATE]} with dates, {counts[UNCITED]} not cited yet.",
        "# Paste a citation under the `sources:` of a record.",
    ]
    for candidate in found:
        lines.append("")
        lines.append(_comment(candidate))
        for index, (key, value) in enumerate(candidate.citation(source_id).items()):
            lines.append(f"{'- ' if index == 0 else '  '}{key}: {yaml_scalar(value)}")
    return "\n".join(lines) + "\n"


def to_json(source_id: str, found: Sequence[Candidate]) -> str:
    """The candidates as a JSON list: line, whether cited, the reasons and the citation."""
    items: list[dict[str, Any]] = [
        {
            "line": c.line,
            "cited": c.cited,
            "reasons": [{"kind": r.kind, "text": r.text} for r in c.reasons],
            "citation": c.citation(source_id),
            "alike": c.alike,
        }
        for c in found
    ]
    return json.dumps(items, ensure_ascii=False, indent=2)
