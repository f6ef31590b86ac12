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

import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from dossier.text import StoredText, covered, normalise, sentence_spans

QUOTATION, NUMBER, DATE, UNCITED = "quotation", "number", "date", "uncited"
MAX_CONTEXT_WORDS = 12  # of a prefix or suffix, at most
MAX_CONTEXT_CHARS = 200  # the schema's limit for a prefix or a suffix
MAX_PASSAGE = 2000  # the schema's limit for a passage: a longer sentence is offered in pieces

_QUOTATIONS = re.compile(r"«[^«»\n]*»|“[^“”\n]*”|\"[^\"\n]*\"")

_MONTHS_IT = "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"
_WEEKDAYS_IT = "lunedì lunedi martedì martedi mercoledì mercoledi giovedì giovedi venerdì venerdi sabato domenica"
_UNITS_IT = "anno anni mese mesi settimana settimane giorno giorni ora ore minuti decennio decenni secolo secoli"
_MONTHS_EN = "January February March April May June July August September October November December"
_WEEKDAYS_EN = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
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


def _groups(spans: Sequence[tuple[int, int]], quotations: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans, those a quotation runs across merged into one."""
    groups: list[list[int]] = []
    for start, end in spans:
        if groups and any(s < groups[-1][1] < e for s, e in quotations):
            groups[-1][1] = end  # a quotation runs on past the end of the group: this sentence joins it
        else:
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


def _occurrences(normal: str, needle: str) -> list[int]:
    found, at = [], normal.find(needle)
    while at != -1:
        found.append(at)
        at = normal.find(needle, at + 1)
    return found


def _context(text: StoredText, start: int, end: int, needle: str) -> tuple[str | None, str | None, int]:
    """A prefix and a suffix (whole words, as few as tell this occurrence from the others), and how many others
    they leave: (None, None, 0) for a passage that occurs once."""
    normal = text.normal
    others = [at for at in _occurrences(normal, needle) if at != start]
    if not others:
        return None, None, 0
    before = normal[:start].rstrip().split(" ") if normal[:start].strip() else []
    after = normal[end:].lstrip().split(" ") if normal[end:].strip() else []
    prefix = suffix = ""
    for count in range(1, MAX_CONTEXT_WORDS + 1):
        prefix = " ".join(before[-count:]) if before else ""
        suffix = " ".join(after[:count]) if after else ""
        if len(prefix) > MAX_CONTEXT_CHARS or len(suffix) > MAX_CONTEXT_CHARS:
            break
        left = sum(_fits(normal, at, at + len(needle), prefix, suffix) for at in others)
        if not left:
            break
    prefix, suffix = _original(text, prefix, start, before=True), _original(text, suffix, end, before=False)
    return prefix or None, suffix or None, left


def _fits(normal: str, start: int, end: int, prefix: str, suffix: str) -> bool:
    """Whether an occurrence at [start, end) has this prefix and suffix, as :meth:`StoredText.find` tests it."""
    return (not prefix or normal[max(0, start - len(prefix) - 1) : start].rstrip().endswith(prefix)) and (
        not suffix or normal[end : end + len(suffix) + 1].lstrip().startswith(suffix)
    )


def _original(text: StoredText, words: str, at: int, *, before: bool) -> str:
    """The original characters (typographic quotes kept) of context words taken from the normalised text."""
    if not words:
        return ""
    normal = text.normal
    if before:
        first = normal.rindex(words, 0, at)
        return _one_line(text.original_text(first, first + len(words)))
    first = normal.index(words, at)
    return _one_line(text.original_text(first, first + len(words)))


def candidates(text: StoredText, cited: Sequence[tuple[int, int]] = (), *, lang: str | None = None) -> list[Candidate]:
    """The passages of ``text`` worth a record, in text order; ``cited`` are the spans records cite already.

    ``lang`` ('it', 'en') chooses the words that name numbers and dates; any other value uses both languages'.
    """
    original = text.original
    quotations = [m.span() for m in _QUOTATIONS.finditer(original)]
    sentences = sentence_spans(original)
    uncited = {span for span, ok in zip(sentences, covered(sentences, list(cited)), strict=True) if not ok}
    found: list[Candidate] = []
    groups = [piece for s, e in _groups(sentences, quotations) for piece in _pieces(original, s, e)]
    for start, end in groups:
        words = original[start:end]
        reasons = [
            Reason(kind=QUOTATION, text=_one_line(original[s:e])) for s, e in quotations if start <= s and e <= end
        ]
        reasons += _figures(words, lang)
        if any(s < end and e > start for s, e in uncited):
            reasons.append(Reason(kind=UNCITED))
        if not reasons:
            continue
        needle = normalise(words)
        at = _normal_index(text, start, needle)
        prefix, suffix, alike = _context(text, at, at + len(needle), needle)
        found.append(
            Candidate(
                start=start,
                end=end,
                line=original.count("\n", 0, start) + 1,
                passage=_one_line(words),
                prefix=prefix,
                suffix=suffix,
                reasons=tuple(reasons),
                cited=any(s < end and e > start for s, e in cited),
                alike=alike,
            )
        )
    return found


def _normal_index(text: StoredText, start: int, needle: str) -> int:
    """Where the passage starting at ``start`` of the original is in the normalised text."""
    for at in _occurrences(text.normal, needle):
        if text.original_span(at, at + len(needle))[0] == start:
            return at
    raise AssertionError("a sentence of the text is always found in its normalised form")  # pragma: no cover


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
