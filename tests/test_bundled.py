"""The bundled Beijing dossier: the editorial rules its issue sets, checked on the data itself."""

from __future__ import annotations

import functools
import re

from hypothesis import given
from hypothesis import strategies as st
from sitekit import ROOT

from dossier import model
from dossier.coverage import coverage_of
from dossier.model import Dossier
from dossier.resolve import load
from dossier.text import covered


@functools.cache
def bundled() -> Dossier:
    return load(ROOT / "data")


def test_every_citation_is_verified_against_the_stored_article() -> None:
    for records in (bundled().actors, bundled().events, bundled().quotes, bundled().claims):
        for record in records:
            for citation in model.citations(record):
                assert citation.verified, (record.id, citation.passage)


def test_the_article_is_covered_entirely() -> None:
    (source,) = bundled().sources
    report = coverage_of(bundled(), source)
    assert report is not None
    assert (report.cited_count, report.total, report.uncited()) == (16, 16, [])


def test_every_date_resolved_from_the_source_words_carries_a_note() -> None:
    for record in (*bundled().events, *bundled().quotes, *bundled().claims):
        if record.date_text:
            assert record.notes, f"{record.record_kind} '{record.id}' resolves '{record.date_text}' with no note"


def test_the_article_has_no_invented_metadata() -> None:
    (source,) = bundled().sources
    assert (source.url, source.author, source.publisher) == (None, None, None)
    assert source.published is not None and source.published.start is not None
    assert source.published.start.precision == "month"


def test_a_reader_can_answer_the_article_questions() -> None:
    text = {r.id: r for r in (*bundled().events, *bundled().quotes, *bundled().claims)}
    thanks = text["incontro-putin-kim-diaoyutai"]
    assert {a.id for a in thanks.participants} >= {"vladimir-putin", "kim-jong-un"}
    assert thanks.date.text == "2025-09-03" and "Diaoyutai" in (thanks.place or "")
    soldiers = text["soldati-nordcoreani-15mila"]
    assert soldiers.according_to is not None and soldiers.according_to.id == "intelligence-sudcoreana"
    assert soldiers.value is not None and soldiers.value.amount == "15000" and soldiers.value.approximate
    trump = text["trump-cospirate-contro-stati-uniti"]
    assert trump.speaker.id == "donald-trump" and [a.id for a in trump.addressed_to] == ["xi-jinping"]
    assert trump.original is not None and trump.original.lang == "en"


def test_nothing_is_lost_every_record_citation_and_note_is_on_a_page() -> None:
    """After the migration to questions: every record has its page or anchor, every citation's passage and every
    note (of records, their parts and citations) is rendered."""
    from dossier.markup import md, rich
    from dossier.render import Renderer

    renderer = Renderer(bundled())
    pages = renderer.pages()
    everything = "\n".join(pages.values())
    for record in bundled().all():
        uri = renderer.site.uri_at(record.record_kind, record.id)
        page, _, anchor = uri.partition("#")
        assert page in pages, uri
        assert not anchor or f"#{anchor}" in pages[page], uri
        notes = list(getattr(record, "notes", ()))  # (a topic has none)
        for name in ("roles", "relations", "excerpts"):
            for part in getattr(record, name, ()):
                notes += part.notes
        if getattr(record, "original", None) is not None:
            notes += record.original.notes
        for citation in model.citations(record):
            assert md(citation.passage) in everything, (record.id, citation.passage)
            notes += citation.notes
        for note in notes:
            assert rich(note.text) in everything, (record.id, note.text)
    assert len(bundled().questions) == 9 and all(bundled().links(q).answers for q in bundled().questions)


def test_the_home_page_holds_for_any_number_of_sources() -> None:
    """The hand-written home page speaks of the dossier's sources, never of "the article" as if there were one;
    the overview it includes gives the counts, the latest events, the key actors and the sources from the data."""
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert not re.search(r"\b(?:l'|dell'|dall'|nell'|all')articolo\b", home, flags=re.IGNORECASE)
    assert "<!-- dossier:overview -->" in home


_RANGES = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20)).map(lambda p: (p[0], p[0] + p[1])), max_size=12)


@given(sentences=_RANGES.map(sorted), cited=_RANGES)
def test_a_sentence_is_covered_when_a_cited_range_overlaps_it(
    sentences: list[tuple[int, int]], cited: list[tuple[int, int]]
) -> None:
    """The coverage of a source's sentences, against the definition: some cited range overlaps the sentence."""
    expected = [any(s < end and e > start for s, e in cited) for start, end in sentences]
    assert covered(sentences, cited) == expected
