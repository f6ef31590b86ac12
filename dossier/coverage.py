"""Source coverage: which sentences of a stored text no record cites."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dossier.model import Dossier, Record, stored_text
from dossier.text import StoredText, covered, sentence_spans


@dataclass(frozen=True, kw_only=True, slots=True)
class Coverage:
    text: StoredText
    sentences: tuple[tuple[int, int], ...]  # spans in the text
    cited: tuple[bool, ...]

    @property
    def total(self) -> int:
        return len(self.sentences)

    @property
    def cited_count(self) -> int:
        return sum(self.cited)

    @property
    def percent(self) -> int:
        """Rounded down, so 100 means every sentence."""
        return 100 * self.cited_count // self.total if self.total else 100

    def uncited(self) -> list[str]:
        text = self.text.original
        return [text[s:e] for (s, e), ok in zip(self.sentences, self.cited, strict=True) if not ok]

    def uncited_spans(self) -> list[tuple[int, int]]:
        return [span for span, ok in zip(self.sentences, self.cited, strict=True) if not ok]


def coverage(text: StoredText, cited: Iterable[tuple[int, int]]) -> Coverage:
    """Which sentences of ``text`` the ``cited`` spans touch."""
    spans = sentence_spans(text.original)
    return Coverage(text=text, sentences=tuple(spans), cited=tuple(covered(spans, list(cited))))


def coverage_of(dossier: Dossier, record: Record) -> Coverage | None:
    """The coverage of a record's stored text by the dossier's citations, or None when it keeps no text."""
    text = stored_text(record)
    if text is None:
        return None
    cited = dossier.citations_of.get((record.record_kind, record.id), ())
    return coverage(text, [c.span for _, c in cited if c.span is not None])
