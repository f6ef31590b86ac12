"""Sentences of a stored text: where they end, and the fast pattern that finds them."""

from __future__ import annotations

import re
import unicodedata

from conftest import BUNDLED
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier import text
from dossier.text import StoredText, normalise, sentence_spans, sentences

# What `text._SENTENCE` means, one character per step: the reference its possessive form must agree with.
PLAIN = re.compile(r"(?:[^.!?\n]|(?<=\d)\.(?=\d))*(?:[.!?]+[\"”»']?|\n|$)")


def test_a_sentence_ends_at_its_mark_or_a_line_end_and_not_inside_a_number() -> None:
    assert sentences("Sono 3.000 soldati. Davvero?! «Sì.»\nRiga due") == [
        "Sono 3.000 soldati.",
        "Davvero?!",
        "«Sì.»",
        "Riga due",
    ]
    source = "  Il 2.5 per cento.  Poi basta. "
    assert [source[s:e] for s, e in sentence_spans(source)] == ["Il 2.5 per cento.", "Poi basta."]


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="ab 1.2!?\n»\"'3.4x«", max_size=60))
def test_the_possessive_pattern_finds_the_same_sentences_as_the_plain_one(sample: str) -> None:
    assert [m.span() for m in text._SENTENCE.finditer(sample)] == [m.span() for m in PLAIN.finditer(sample)]


def test_the_bundled_article_splits_the_same_either_way() -> None:
    article = (BUNDLED / "sources" / "articolo-pechino-2025-09.txt").read_text(encoding="utf-8")
    spans = [m.span() for m in text._SENTENCE.finditer(article)]
    assert len(spans) > 20
    assert spans == [m.span() for m in PLAIN.finditer(article)]


WHITE = " \t\n\r\x0b\x0c\u00a0\u2003\u3000\u0085"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=WHITE + "ab«»“”’e\u0301", max_size=40))
def test_a_stored_text_is_normalised_as_a_passage_is_and_maps_back(sample: str) -> None:
    stored = StoredText.of(sample)
    # The reference: every run of whitespace (as \s matches it) one space, none at the ends.
    collapsed = re.sub(r"\s+", " ", text._straight(unicodedata.normalize("NFC", sample)))
    assert stored.normal == normalise(sample) == collapsed.strip()
    assert stored.lead == len(collapsed) - len(collapsed.lstrip())
    for index, char in enumerate(stored.normal):
        if char != " ":
            assert text._straight(stored.original[stored._original_index(index)]) == char
