"""Matching cited passages against a source's stored text, and splitting that text into sentences."""

from __future__ import annotations

import bisect
import difflib
import functools
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

_QUOTE_PAIRS = (
    ("“", '"'),
    ("”", '"'),
    ("„", '"'),
    ("«", '"'),
    ("»", '"'),
    ("‘", "'"),
    ("’", "'"),
    ("‚", "'"),
    ("′", "'"),
)
_LONG_SPACE = re.compile(r"\s{2,}")
# A sentence ends at . ! ? (with a closing quote) or a line end; a point between digits (3.000, 2.5) ends none.
# Runs of other characters are taken whole, possessively: four times faster than one character per step, and the
# same sentences (tests/test_text.py).
_SENTENCE = re.compile(r"(?:[^.!?\n]++|(?<=\d)\.(?=\d))*+(?:[.!?]+[\"”»']?|\n|$)")


_QUOTE_CHARS = re.compile("[“”„«»‘’‚′]")
EXCERPT_BREAK = "\n\n"  # between the excerpts of a source, in the text they are verified against


def _straight(text: str) -> str:
    # str.translate looks up every character in a dict (17 µs for a short passage); a few replaces run in C.
    if _QUOTE_CHARS.search(text) is None:
        return text
    for curly, plain in _QUOTE_PAIRS:
        text = text.replace(curly, plain)
    return text


def normalise(text: str) -> str:
    """NFC, straight quotes, and single spaces: what a passage is compared on."""
    # str.split() splits at the runs of what \s matches, and drops them at both ends: three times faster than a
    # substitution, which replaces every single space too.
    return " ".join(_straight(unicodedata.normalize("NFC", text)).split())


@dataclass(frozen=True, slots=True)
class StoredText:
    """A source's text with a normalised copy, and a map from normalised offsets back to the original.

    Normalising only collapses whitespace runs to one space and straightens quotes (one character for one), so
    the map is the list of whitespace runs: built with regular expressions, not a Python loop per character.
    """

    original: str  # NFC
    normal: str
    lead: int  # whitespace characters stripped from the start
    run_starts: tuple[int, ...]  # for each run of 2+ whitespace characters, its index in the unstripped normal text
    run_extra: tuple[int, ...]  # characters removed by collapsing the runs before it (cumulative)
    pieces: tuple[tuple[int, int], ...] = ()  # excerpts: where each is in original (none: one full text)

    @classmethod
    def joined(cls, excerpts: list[str]) -> StoredText:
        """The excerpts of a text that cannot be stored whole, one after the other: a passage is found within one
        excerpt, never across two."""
        pieces: list[tuple[int, int]] = []
        position = 0
        texts = [unicodedata.normalize("NFC", excerpt) for excerpt in excerpts]
        for text in texts:
            pieces.append((position, position + len(text)))
            position += len(text) + len(EXCERPT_BREAK)
        return replace(StoredText.of(EXCERPT_BREAK.join(texts)), pieces=tuple(pieces))

    def _within_one(self, start: int, end: int) -> bool:
        return not self.pieces or any(first <= start and end <= last for first, last in self.pieces)

    @classmethod
    def of(cls, original: str) -> StoredText:
        text = unicodedata.normalize("NFC", original)
        starts: list[int] = []
        extra: list[int] = [0]
        removed = 0
        for match in _LONG_SPACE.finditer(text):  # a lone space, tab or newline keeps its length: no shift
            starts.append(match.start() - removed)
            removed += match.end() - match.start() - 1
            extra.append(removed)
        normal = _straight(" ".join(text.split()))  # as normalise(): runs of whitespace one space, none at the ends
        lead = 1 if text[:1].isspace() else 0  # the one space a leading run becomes
        return cls(original=text, normal=normal, lead=lead, run_starts=tuple(starts), run_extra=tuple(extra))

    def _original_index(self, index: int) -> int:
        """Where the character at ``index`` of :attr:`normal` is in :attr:`original`."""
        collapsed = index + self.lead
        return collapsed + self.run_extra[bisect.bisect_left(self.run_starts, collapsed)]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Where the non-empty stretch [start, end) of :attr:`normal` is in :attr:`original`."""
        return self._original_index(start), self._original_index(end - 1) + 1

    def original_text(self, start: int, end: int) -> str:
        """The original text of the stretch [start, end) of :attr:`normal`."""
        first, last = self.original_span(start, end)
        return self.original[first:last]

    def find(self, passage: str, prefix: str | None = None, suffix: str | None = None) -> tuple[int, int] | None:
        """The (start, end) of ``passage`` in the original text, honouring prefix and suffix; None if absent."""
        needle = normalise(passage)
        before = normalise(prefix) if prefix else ""
        after = normalise(suffix) if suffix else ""
        if not needle:
            return None
        normal = self.normal
        start = normal.find(needle)
        while start != -1:
            end = start + len(needle)
            if (not before or normal[max(0, start - len(before) - 1) : start].rstrip().endswith(before)) and (
                not after or normal[end : end + len(after) + 1].lstrip().startswith(after)
            ):
                span = self._original_index(start), self._original_index(end - 1) + 1
                if self._within_one(*span):
                    return span
            start = normal.find(needle, start + 1)
        return None

    def closest(self, passage: str) -> str:
        """The sentence of the text most like ``passage``, for a helpful error."""
        needle = normalise(passage)
        candidates = [normalise(s) for s in sentences(self.original)]
        best = max(candidates, key=lambda s: difflib.SequenceMatcher(None, needle, s).ratio(), default="")
        return best if len(best) <= 160 else best[:157] + "..."


def sentences(text: str) -> list[str]:
    """The sentences of a text, each stripped; a sentence ends at . ! ? (with a closing quote) or a line end."""
    return [span.strip() for span in _SENTENCE.findall(text) if span.strip()]


@functools.lru_cache(maxsize=1024)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence of :func:`sentences`, in the original text. Kept for the last texts asked
    about: every rebuild under serve asks again about every stored text (the sources' coverage)."""
    spans = []
    for match in _SENTENCE.finditer(text):
        chunk = match.group()
        stripped = chunk.strip()
        if not stripped:
            continue
        start = match.start() + chunk.index(stripped)
        spans.append((start, start + len(stripped)))
    return tuple(spans)


def covered(spans: Sequence[tuple[int, int]], cited: Sequence[tuple[int, int]]) -> list[bool]:
    """For each sentence span, whether any cited range overlaps it."""
    starts = sorted(cited)
    reach = list(itertools.accumulate((e for _, e in starts), max))  # the furthest end of the first n cited ranges
    result = []
    for start, end in spans:
        i = bisect.bisect_left(starts, (end, end))  # cited ranges beginning before the sentence ends
        result.append(i > 0 and reach[i - 1] > start)
    return result
