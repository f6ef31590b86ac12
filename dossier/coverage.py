"""Source coverage: which sentences of a stored source text no record cites."""

from __future__ import annotations

from dataclasses import dataclass

from dossier.model import Dossier, Source
from dossier.text import covered, sentence_spans


@dataclass(frozen=True, kw_only=True, slots=True)
class Coverage:
    source: Source
    sentences: tuple[tuple[int, int], ...]  # spans in the source's text
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
        assert self.source.text is not None
        text = self.source.text.original
        return [text[s:e] for (s, e), ok in zip(self.sentences, self.cited, strict=True) if not ok]


def coverage(dossier: Dossier, source: Source) -> Coverage | None:
    """The coverage of ``source``, or None when its text is not stored."""
    if source.text is None:
        return None
    spans = sentence_spans(source.text.original)
    cited = [c.span for _, c in dossier.citations_of.get(source.id, ()) if c.span is not None]
    return Coverage(source=source, sentences=tuple(spans), cited=tuple(covered(spans, cited)))
