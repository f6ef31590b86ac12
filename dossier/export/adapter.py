"""From today's core to the neutral form: the only module of the exports that knows :mod:`dossier.model`.

When the core declares its kinds in a registry, :data:`KINDS` is built from that registry and :func:`from_core`
walks generic records instead of the five classes below; nothing else in :mod:`dossier.export` changes.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from dossier import edtf, i18n, model, schema
from dossier.export.neutral import Citation, Dossier, Field, Item, Kind, Note, Point, Record, Value, When


def _dates(*names: str, required: bool = False) -> tuple[Field, ...]:
    return tuple(Field(name=n, type="date", required=required and i == 0) for i, n in enumerate(names))


KINDS: tuple[Kind, ...] = (
    Kind(
        name="actor",
        plural="actors",
        label="name",
        fields=(
            Field(name="name", type="text", required=True),
            Field(name="kind", type="choice", required=True, choices=schema.ACTOR_KINDS),
            Field(name="summary", type="markdown"),
            Field(name="aliases", type="text", many=True),
            Field(
                name="roles",
                type="group",
                many=True,
                cited=True,
                fields=(
                    Field(name="title", type="text", required=True),
                    Field(name="of", type="id", ref="actor", description="The actor the role is held in"),
                    *_dates("start", "end"),
                ),
            ),
            Field(
                name="relations",
                type="group",
                many=True,
                cited=True,
                fields=(
                    Field(name="actor", type="id", ref="actor", required=True),
                    Field(name="label", type="text", required=True, description="The relation in words"),
                    *_dates("start", "end"),
                ),
            ),
            Field(name="tags", type="id", many=True),
        ),
    ),
    Kind(
        name="event",
        plural="events",
        label="title",
        fields=(
            Field(name="title", type="text", required=True),
            Field(name="date", type="date", required=True),
            Field(name="date_text", type="text", description="The source's own words for the date"),
            Field(name="place", type="text"),
            Field(name="participants", type="id", ref="actor", many=True),
            Field(name="summary", type="markdown"),
            Field(name="tags", type="id", many=True),
        ),
    ),
    Kind(
        name="quote",
        plural="quotes",
        label="text",
        fields=(
            Field(name="speaker", type="id", ref="actor", required=True),
            Field(name="text", type="text", required=True, description="The words as published"),
            Field(name="lang", type="lang", required=True, description="The language of text"),
            Field(name="form", type="choice", required=True, choices=schema.QUOTE_FORMS),
            Field(name="addressed_to", type="id", ref="actor", many=True),
            Field(name="event", type="id", ref="event"),
            Field(name="date", type="date", description="When it was said: its own date, else its event's"),
            Field(name="date_text", type="text"),
            Field(
                name="original",
                type="group",
                cited=True,
                description="The words as originally spoken",
                fields=(Field(name="lang", type="lang", required=True), Field(name="text", type="text", required=True)),
            ),
            Field(name="tags", type="id", many=True),
        ),
    ),
    Kind(
        name="claim",
        plural="claims",
        label="statement",
        fields=(
            Field(name="statement", type="markdown", required=True),
            Field(name="subject", type="id", ref="actor", required=True),
            Field(name="topic", type="text"),
            Field(name="event", type="id", ref="event"),
            Field(name="according_to", type="id", ref="actor", description="Who asserts it; absent: the source"),
            Field(
                name="value",
                type="group",
                fields=(
                    Field(name="amount", type="number", required=True),
                    Field(name="approximate", type="flag", required=True),
                    Field(name="unit", type="text"),
                ),
            ),
            Field(name="status", type="choice", required=True, choices=schema.CLAIM_STATUSES),
            Field(name="confidence", type="choice", required=True, choices=schema.CONFIDENCES),
            Field(name="date", type="date"),
            Field(name="date_text", type="text"),
            Field(name="tags", type="id", many=True),
        ),
    ),
    Kind(
        name="source",
        plural="sources",
        label="title",
        cited=False,
        body=True,
        fields=(
            Field(name="title", type="text", required=True),
            Field(name="kind", type="choice", required=True, choices=schema.SOURCE_KINDS),
            Field(name="lang", type="lang", required=True),
            Field(name="published", type="date"),
            Field(name="author", type="text"),
            Field(name="publisher", type="text"),
            Field(name="url", type="url"),
            Field(name="archive_url", type="url"),
            Field(name="accessed", type="date"),
            Field(name="summary", type="markdown"),
            Field(name="tags", type="id", many=True),
        ),
    ),
)

NOTE_KINDS = schema.NOTE_KINDS


@functools.lru_cache(maxsize=8192)  # dates repeat: parsed and worded once
def parse_when(text: str, lang: str) -> When:
    """An EDTF string as a :class:`When`, with the words the site uses for it in ``lang``."""
    value = edtf.parse(text)
    return When(
        edtf=value.text,
        words=edtf.format_edtf(value, lang),
        start=_point(value.start),
        end=_point(value.end),
        interval=value.interval,
    )


def _point(date: edtf.Date | None) -> Point | None:
    if date is None:
        return None
    return Point(year=date.year, month=date.month, day=date.day, approximate=date.approximate, uncertain=date.uncertain)


def from_core(
    core: model.Dossier,
    *,
    title: str,
    base_url: str | None = None,
    links: Mapping[tuple[str, str], str] | None = None,
    data_dir: Path | None = None,
) -> Dossier:
    """The neutral form of a loaded dossier.

    ``title`` is the site's name; ``base_url`` its published address (MkDocs' ``site_url``), if any; ``links``
    maps (kind, id) to the record's site-relative URL (``actors/kim-jong-un/``,
    ``timeline/2025/#incontro-putin-kim-diaoyutai``), as the renderer places it; ``data_dir``, the folder the
    dossier was loaded from, lets the feed date records from the history of their files.
    """
    lang = core.lang

    def when(value: edtf.Edtf | None) -> When | None:
        return parse_when(value.text, lang) if value is not None else None

    records: dict[str, tuple[Record, ...]] = {
        "actor": tuple(_actor(a, when) for a in core.actors),
        "event": tuple(_event(e, when) for e in core.events),
        "quote": tuple(_quote(q, when) for q in core.quotes),
        "claim": tuple(_claim(c, when) for c in core.claims),
        "source": tuple(_source(s, when) for s in core.sources),
    }
    files: dict[tuple[str, str], tuple[str, ...]] = {}
    if data_dir is not None:
        for kind in KINDS:
            present = _listing(data_dir / kind.plural)
            for record in records[kind.name]:
                names = (f"{record.id}.yml", f"{record.id}.yaml")  # only the YAML: the model keeps no text file name
                files[(kind.name, record.id)] = tuple(f"{kind.plural}/{n}" for n in names if n in present)
    return Dossier(
        title=title,
        lang=lang,
        kinds=KINDS,
        records=records,
        words=i18n.strings(lang),
        base_url=_slash(base_url),
        links=dict(links or {}),
        files=files,
    )


def _slash(url: str | None) -> str | None:
    if not url:
        return None
    return url if url.endswith("/") else url + "/"


def _listing(folder: Path) -> set[str]:
    """The names in a folder, read once (a stat per record costs seconds on a busy disk)."""
    try:
        return set(os.listdir(folder))
    except OSError:
        return set()


def _values(pairs: Iterable[tuple[str, Value | None]]) -> dict[str, Value]:
    """Only the values present: None and empty lists are absence."""
    return {k: v for k, v in pairs if v is not None and v != ()}


def _notes(notes: Iterable[model.Note]) -> tuple[Note, ...]:
    return tuple(Note(text=n.text, kind=n.kind, date=getattr(n, "date", None)) for n in notes)


def _citations(citations: Iterable[model.Citation]) -> tuple[Citation, ...]:
    return tuple(
        Citation(
            source=c.source.id, passage=c.passage, prefix=c.prefix, suffix=c.suffix, locator=c.locator,
            span=c.span, notes=_notes(c.notes),
        )
        for c in citations
    )  # fmt: skip


def _ids(records: Iterable[model.Actor | model.Event]) -> tuple[str, ...]:
    return tuple(r.id for r in records)


Whenever = Callable[[edtf.Edtf | None], When | None]


def _actor(a: model.Actor, when: Whenever) -> Record:
    roles = tuple(
        Item(
            values=_values(
                [("title", r.title), ("of", r.of.id if r.of else None), ("start", when(r.start)), ("end", when(r.end))]
            ),
            citations=_citations(r.citations),
            notes=_notes(r.notes),
        )
        for r in a.roles
    )
    relations = tuple(
        Item(
            values=_values([("actor", r.actor.id), ("label", r.label), ("start", when(r.start)), ("end", when(r.end))]),
            citations=_citations(r.citations),
            notes=_notes(r.notes),
        )
        for r in a.relations
    )
    values = _values(
        [
            ("name", a.name), ("kind", a.kind), ("summary", a.summary), ("aliases", a.aliases), ("roles", roles),
            ("relations", relations), ("tags", a.tags),
        ]
    )  # fmt: skip
    return Record(kind="actor", id=a.id, values=values, citations=_citations(a.citations), notes=_notes(a.notes))


def _event(e: model.Event, when: Whenever) -> Record:
    values = _values(
        [
            ("title", e.title), ("date", when(e.date)), ("date_text", e.date_text), ("place", e.place),
            ("participants", _ids(e.participants)), ("summary", e.summary), ("tags", e.tags),
        ]
    )  # fmt: skip
    return Record(kind="event", id=e.id, values=values, citations=_citations(e.citations), notes=_notes(e.notes))


def _quote(q: model.Quote, when: Whenever) -> Record:
    original = (
        Item(values={"lang": q.original.lang, "text": q.original.text}, notes=_notes(q.original.notes))
        if q.original
        else None
    )
    values = _values(
        [
            ("speaker", q.speaker.id), ("text", q.text), ("lang", q.lang), ("form", q.form),
            ("addressed_to", _ids(q.addressed_to)), ("event", q.event.id if q.event else None),
            ("date", when(q.date)), ("date_text", q.date_text), ("original", original), ("tags", q.tags),
        ]
    )  # fmt: skip
    return Record(kind="quote", id=q.id, values=values, citations=_citations(q.citations), notes=_notes(q.notes))


def _claim(c: model.Claim, when: Whenever) -> Record:
    value = (
        Item(values=_values([("amount", c.value.amount), ("approximate", c.value.approximate), ("unit", c.value.unit)]))
        if c.value
        else None
    )
    values = _values(
        [
            ("statement", c.statement), ("subject", c.subject.id), ("topic", c.topic),
            ("event", c.event.id if c.event else None),
            ("according_to", c.according_to.id if c.according_to else None), ("value", value),
            ("status", c.status), ("confidence", c.confidence), ("date", when(c.date)), ("date_text", c.date_text),
            ("tags", c.tags),
        ]
    )  # fmt: skip
    return Record(kind="claim", id=c.id, values=values, citations=_citations(c.citations), notes=_notes(c.notes))


def _source(s: model.Source, when: Whenever) -> Record:
    values = _values(
        [
            ("title", s.title), ("kind", s.kind), ("lang", s.lang), ("published", when(s.published)),
            ("author", s.author), ("publisher", s.publisher), ("url", s.url), ("archive_url", s.archive_url),
            ("accessed", when(s.accessed)), ("summary", s.summary), ("tags", s.tags),
        ]
    )  # fmt: skip
    return Record(
        kind="source", id=s.id, values=values, notes=_notes(s.notes), text_body=s.text.original if s.text else None
    )
