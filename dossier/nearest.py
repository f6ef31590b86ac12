"""The stretch of a stored text nearest to a cited passage that is not in it, and the words that differ.

When a passage is not found verbatim, an editor needs to know *where* the source says something like it and
*which words* to change. :func:`nearest` finds the best-matching stretch of the text (of about the passage's
length, wherever it starts and ends: it may cross a sentence end) and writes a word diff in the style of GNU
wdiff, from the passage (as the editor typed it) to the source::

    ha detto Putin a [-Xi-]{+Kim+}.

``[-...-]`` holds words that are in the passage but not in the source (delete them), ``{+...+}`` words that are
in the source but not in the passage (write them). Words are compared after the normalisation passages are
matched on (NFC, straight quotes, single spaces), so a typographic quote is never a difference, while an accent,
a capital letter, a punctuation mark or a space is.

How: the text is split into tokens (runs of letters and digits, and single punctuation marks, each remembering
whether a space precedes it, so ``15 mila`` and ``15mila`` differ and ``Putin,`` differs from ``Putin`` by the
comma alone). Rare passage words vote for where the passage would start in the text (seed and
extend, as sequence aligners do), and the few best places are aligned word by word with a fitting alignment
(edit distance where the text may start and end anywhere). The work stays bounded on a 5 MB text: the index is
built once per text, and voting stops after a budget of occurrences.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dossier.text import StoredText, normalise

_TOKEN = re.compile(r"\w+|[^\w\s]")
CONTEXT = 8  # unchanged tokens kept on each side of a change, in a long passage; the rest is shortened to [...]
LONG = 40  # tokens: a passage this long or longer has its long unchanged runs shortened
ELLIPSIS = "[…]"
_ELIDE_AT_LEAST = 6  # tokens: shortening fewer would not help
_VOTE_BUDGET = 50_000  # occurrences of passage words looked at, at most (the rarest words first)
_CANDIDATES = 3  # places aligned in full


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    space: bool  # preceded by a space

    @property
    def shown(self) -> str:
        return " " + self.text if self.space else self.text


def _fold(text: str) -> str:
    """What two words share when they differ only in case, accents or width."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _tokens(text: str) -> list[_Token]:
    """The tokens of a text whose spaces are single."""
    return [_Token(m.group(), m.start() > 0 and text[m.start() - 1] == " ") for m in _TOKEN.finditer(text)]


@dataclass(frozen=True, slots=True)
class _Indexed:
    """A stored text's tokens, kept compact: a 5 MB text has a million of them (about 25 MB indexed)."""

    normal: str
    texts: list[str]  # one string object per distinct token
    starts: array[int]  # in the normalised text
    folded: list[str]
    where: dict[str, array[int]]  # folded word -> token indices

    def token(self, index: int) -> _Token:
        start = self.starts[index]
        return _Token(self.texts[index], start > 0 and self.normal[start - 1] == " ")


def _is_word(token: str) -> bool:
    return token[0].isalnum() or token[0] == "_"


@functools.lru_cache(maxsize=4)
def _index(normal: str) -> _Indexed:
    """Tokens of a stored text and where each word occurs; built once per text (the string's hash is cached)."""
    distinct: dict[str, str] = {}
    texts = [distinct.setdefault(text, text) for text in _TOKEN.findall(normal)]
    starts = array("q", (m.start() for m in _TOKEN.finditer(normal)))
    fold = {text: _fold(text) for text in distinct}
    folded = [fold[text] for text in texts]
    where: dict[str, array[int]] = {}
    words = {text for text in distinct if _is_word(text)}
    for i, text in enumerate(texts):
        if text in words:
            where.setdefault(fold[text], array("q")).append(i)
    return _Indexed(normal=normal, texts=texts, starts=starts, folded=folded, where=where)


@dataclass(frozen=True, kw_only=True, slots=True)
class Nearest:
    """The stretch of a stored text nearest to a passage, and how they differ."""

    start: int  # (start, end) in the text's original
    end: int
    line: int  # 1-based line of the original where it starts, and where it ends
    last_line: int
    diff: str  # wdiff style, from the passage to the source, long unchanged runs shortened
    same: int  # passage tokens found, in order, in the stretch (letter case and accents aside)
    total: int  # passage tokens

    @property
    def lines(self) -> str:
        return f"line {self.line}" if self.line == self.last_line else f"lines {self.line}-{self.last_line}"


# Costs of an alignment step: the same token is free.
_FOLDED = 1  # a token that differs only in letter case, accents or the space before it
_ALIKE = 3  # a token replaced by one with the same first three letters (volte, volta)
_OTHER = 4  # a token replaced by another
_EXTRA_COST = 4  # a passage token the source does not have
_MISSING_COST = 2  # a source token the passage does not have

# An alignment step: 0 the same token, 1 a token replaced, 2 a passage token not in the source, 3 a source token
# not in the passage.
_SAME, _REPLACED, _EXTRA, _MISSING = 0, 1, 2, 3


def _replacing(word: str, other: str) -> int:
    """The cost of replacing one folded token by another: less when they look alike (same first letters)."""
    return _ALIKE if len(word) >= 3 and len(other) >= 3 and word[:3] == other[:3] else _OTHER


def _align(
    passage: Sequence[_Token], folded: Sequence[str], text: _Indexed, lo: int, hi: int
) -> tuple[int, int, list[tuple[int, int, int]], int]:
    """Fitting alignment of the passage on text tokens [lo, hi): (cost, start token, steps, same).

    Steps are (kind, passage index, text index). The text may start and end anywhere, so a passage word is dearer
    to drop than a source word is to add: else the cheapest alignment of a passage whose last words differ would
    drop them rather than show what the source says instead.
    """
    m, n = len(passage), hi - lo
    tokens, tfold = [text.token(k) for k in range(lo, hi)], text.folded[lo:hi]
    previous = [0] * (n + 1)  # the text may start anywhere: no cost before the first passage token
    moves: list[bytearray] = [bytearray(n + 1)]
    for i in range(1, m + 1):
        word, word_fold = passage[i - 1], folded[i - 1]
        row = [_EXTRA_COST * i] + [0] * n
        move = bytearray(n + 1)
        move[0] = _EXTRA
        for j in range(1, n + 1):
            other = tokens[j - 1]
            if other.text == word.text and (other.space == word.space or i == 1):  # the space before a passage: moot
                best, how = previous[j - 1], _SAME
            else:
                other_fold = tfold[j - 1]
                best = previous[j - 1] + (_FOLDED if other_fold == word_fold else _replacing(word_fold, other_fold))
                how = _REPLACED
            if previous[j] + _EXTRA_COST < best:
                best, how = previous[j] + _EXTRA_COST, _EXTRA
            if row[j - 1] + _MISSING_COST < best:
                best, how = row[j - 1] + _MISSING_COST, _MISSING
            row[j] = best
            move[j] = how
        moves.append(move)
        previous = row
    cost = min(previous)
    i, j = m, previous.index(cost)
    steps: list[tuple[int, int, int]] = []
    same = 0
    while i > 0:
        how = moves[i][j]
        if how in (_SAME, _REPLACED):
            i, j = i - 1, j - 1
            if how == _SAME or tfold[j] == folded[i]:
                same += 1
        elif how == _EXTRA:
            i -= 1
        else:
            j -= 1
        steps.append((how, i, lo + j))
    steps.reverse()
    return cost, lo + j, steps, same


def _places(folded: Sequence[str], passage: Sequence[_Token], text: _Indexed) -> list[int]:
    """Token indices where the passage most likely starts, best first: votes of its rarest words."""
    m = len(passage)
    words = [i for i, t in enumerate(passage) if _is_word(t.text)]
    hits = sorted(((len(text.where.get(folded[i], ())), i) for i in words), key=lambda h: h[0])
    width = max(4, m // 2)
    votes: dict[int, set[int]] = {}
    starts: dict[int, list[int]] = {}
    spent = 0
    for taken, (count, k) in enumerate(hits):
        if count == 0:
            continue
        if spent + count > _VOTE_BUDGET and taken >= 3:
            break
        spent += count
        for position in text.where[folded[k]]:
            start = position - k
            for bucket in (start // width, start // width - 1):  # overlapping buckets: a start near an edge counts
                votes.setdefault(bucket, set()).add(k)
                starts.setdefault(bucket, []).append(start)
    ranked = sorted(votes, key=lambda b: (-len(votes[b]), b))
    places: list[int] = []
    for bucket in ranked:
        found = sorted(starts[bucket])
        place = found[len(found) // 2]
        if all(abs(place - p) > width for p in places):
            places.append(place)
        if len(places) == (_CANDIDATES if m < 100 else 1):
            break
    return places


def _longest_same(steps: Sequence[tuple[int, int, int]]) -> int:
    """The longest run of unchanged tokens: between two equally close stretches, the one sharing a phrase wins."""
    longest = run = 0
    for how, _, _ in steps:
        run = run + 1 if how == _SAME else 0
        longest = max(longest, run)
    return longest


def _render(tokens: Sequence[_Token]) -> str:
    return "".join(t.shown for t in tokens)


def _diff(steps: Sequence[tuple[int, int, int]], passage: Sequence[_Token], source: Mapping[int, _Token]) -> str:
    """The wdiff of the steps: unchanged tokens as they are, changes as [-passage-]{+source+}."""
    parts: list[str] = []
    same: list[_Token] = []
    removed: list[_Token] = []
    added: list[_Token] = []
    runs: list[tuple[bool, list[_Token], list[_Token]]] = []  # (unchanged, passage side, source side)
    for how, i, j in steps:
        if how == _SAME:
            if removed or added:
                runs.append((False, removed, added))
                removed, added = [], []
            same.append(source[j])
            continue
        if same:
            runs.append((True, same, same))
            same = []
        if how in (_REPLACED, _EXTRA):
            removed.append(passage[i])
        if how in (_REPLACED, _MISSING):
            added.append(source[j])
    if same:
        runs.append((True, same, same))
    if removed or added:
        runs.append((False, removed, added))
    long = len(steps) >= LONG
    for index, (unchanged, old, new) in enumerate(runs):
        if unchanged:
            first, last = index == 0, index == len(runs) - 1
            head = [] if first else old[:CONTEXT]
            tail = [] if last else old[-CONTEXT:]
            if long and len(old) - len(head) - len(tail) >= _ELIDE_AT_LEAST and not (first and last):
                parts.append(_render(head) + " " + ELLIPSIS + _render(tail))
            else:
                parts.append(_render(old))
            continue
        after = runs[index + 1][1][0].space if index + 1 < len(runs) else True
        spaced = {t.space for t in (old[:1] + new[:1])}
        # A space both sides share goes outside the marks; so does the space before a word only one side has,
        # when the text goes on after a space ("a {+x+} b"), but not before a mark ("a{+ x+}, b").
        lead = " " if spaced == {True} and ((old and new) or after) else ""
        strip = 1 if lead else 0
        chunk = lead
        if old:
            chunk += "[-" + _render(old)[strip:] + "-]"
        if new:
            chunk += "{+" + _render(new)[strip:] + "+}"
        parts.append(chunk)
    return "".join(parts).strip()


def nearest(text: StoredText, passage: str) -> Nearest | None:
    """The stretch of ``text`` nearest to ``passage``; None when no stretch holds half of its words, in order."""
    tokens = _tokens(normalise(passage))
    if not tokens or not text.normal:
        return None
    folded = [_fold(t.text) for t in tokens]
    indexed = _index(text.normal)
    best: tuple[int, int, list[tuple[int, int, int]], int] | None = None
    slack = max(10, len(tokens) // 3)  # room for words the passage left out, and for a start slightly off
    for place in _places(folded, tokens, indexed):
        lo = max(0, place - slack)
        hi = min(len(indexed.texts), place + len(tokens) + slack)
        found = _align(tokens, folded, indexed, lo, hi)
        if best is None or (found[0], -_longest_same(found[2])) < (best[0], -_longest_same(best[2])):
            best = found
    if best is None or 2 * best[3] < len(tokens):
        return None
    _, _, steps, same = best
    in_text = [j for how, _, j in steps if how != _EXTRA]
    first, last = indexed.starts[in_text[0]], indexed.starts[in_text[-1]] + len(indexed.texts[in_text[-1]])
    start, end = text.original_span(first, last)
    # Shown as written: the source's own characters (its typographic quotes), the passage as the editor typed it.
    source: dict[int, _Token] = {}
    for j in in_text:
        at = indexed.starts[j]
        source[j] = _Token(
            text.original_text(at, at + len(indexed.texts[j])), j != in_text[0] and indexed.token(j).space
        )
    typed = _tokens(" ".join(unicodedata.normalize("NFC", passage).split()))  # token for token: quotes are tokens
    return Nearest(
        start=start,
        end=end,
        line=text.original.count("\n", 0, start) + 1,
        last_line=text.original.count("\n", 0, end) + 1,
        diff=_diff(steps, typed if len(typed) == len(tokens) else tokens, source),
        same=same,
        total=len(tokens),
    )


LEGEND = "[-in your passage-] {+in the source+}"


def not_found(text: StoredText, passage: str, source_id: str) -> tuple[str, str]:
    """The message and the detail of a :class:`~dossier.errors.Problem` for a passage not in ``text``."""
    found = nearest(text, passage)
    if found is None:
        return f"passage not found in source '{source_id}', nor any stretch of its text holding half its words", ""
    return f"passage not found in source '{source_id}'; closest passage ({found.lines} of its text), {LEGEND}:", (
        found.diff
    )
