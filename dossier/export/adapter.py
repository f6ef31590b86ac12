"""From the core to the neutral form: the only module of the exports that knows :mod:`dossier.model`.

The neutral kinds are read from the registry (:func:`kinds_of`), the records from the resolved dossier, field by
field as the declarations say: a reference becomes the id it names, a date a :class:`When` with the words the
site uses, a part (a role, a quote's original words) an :class:`Item` with its citations and notes. A kind a
project declares reaches the generic exports (JSON, its JSON Schema, CSV and its Data Package) with no change here.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from dossier import edtf, model, schema
from dossier.export.neutral import Citation, Dossier, Field, FieldType, Item, Kind, Note, Record, Value, When
from dossier.i18n import Words
from dossier.registry import Field as Declared
from dossier.registry import Registry, plan, walk


def _type(part: Declared) -> FieldType:
    if part.link is not None:
        return "id"
    if part.model is not None:
        return "group"
    if part.choices is not None:
        return "choice"
    if part.convert is schema.DATE:
        return "date"
    if part.convert is schema.FLAG:
        return "flag"
    return part.format or "text"  # type: ignore[return-value]


def _is_notes(part: Declared) -> bool:
    return part.model is schema.Note


def _fields(model_type: type[schema.Strict]) -> tuple[Field, ...]:
    """The neutral fields of a model: citations and notes are an item's own, stored texts its body."""
    fields = []
    for part in plan(model_type):
        if part.cites or _is_notes(part) or part.stored is not None:
            continue
        nested = _fields(part.model) if part.model is not None else ()
        cited = part.model is not None and any(p.cites for p in plan(part.model))
        ref = part.link.kinds[0] if part.link and len(part.link.kinds) == 1 else None
        fields.append(
            Field(
                name=part.name, type=_type(part), ref=ref,
                many=part.many, required=part.required, choices=part.choices.values if part.choices else (),
                fields=nested, cited=cited, description=part.description or "",
            )
        )  # fmt: skip
    return tuple(fields)


@functools.cache
def kinds_of(registry: Registry) -> tuple[Kind, ...]:
    """The neutral kinds of a registry."""
    return tuple(
        Kind(
            name=kind.name, plural=kind.folder, label=kind.label, fields=_fields(kind.model),
            cited=any(p.cites for p in plan(kind.model)), body=any(p.stored for p in plan(kind.model)),
        )
        for kind in registry
    )  # fmt: skip


@functools.lru_cache(maxsize=8192)  # dates repeat: parsed and worded once
def parse_when(text: str, lang: str) -> When:
    """An EDTF string as a :class:`When`, with the words the site uses for it in ``lang``."""
    value = edtf.parse(text)
    return When(
        edtf=value.text,
        words=_words(lang).date(value),
        start=value.start,
        end=value.end,
        interval=value.interval,
    )


@functools.cache
def _words(lang: str) -> Words:
    return Words(lang)


def frame(
    core: model.Dossier,
    *,
    title: str,
    base_url: str | None = None,
    links: Mapping[tuple[str, str], str] | None = None,
) -> Dossier:
    """The neutral dossier without records: its kinds, words and site facts, which is all that exporting one
    record needs (a page's JSON-LD: see :func:`record`)."""
    return Dossier(
        title=title, lang=core.lang, kinds=kinds_of(core.registry), records={}, words=_labels(core.registry, core.lang),
        base_url=_slash(base_url), links=dict(links or {}),
    )  # fmt: skip


def record(core_record: model.Record, registry: Registry, lang: str) -> Record:
    """The neutral form of one record of a dossier in ``lang`` (the dossier's language)."""
    return _record(core_record, lang, registry)


def from_core(
    core: model.Dossier,
    *,
    title: str,
    base_url: str | None = None,
    links: Mapping[tuple[str, str], str] | None = None,
    data_dir: Path | None = None,
    known: Mapping[tuple[str, str], Record] | None = None,
) -> Dossier:
    """The neutral form of a loaded dossier.

    ``title`` is the site's name; ``base_url`` its published address (MkDocs' ``site_url``), if any; ``links``
    maps (kind, id) to the record's site-relative URL (``actors/kim-jong-un/``,
    ``timeline/2025/#incontro-putin-kim-diaoyutai``), as the renderer places it; ``data_dir``, the folder the
    dossier was loaded from, lets the feed date records from the history of their files; ``known``, records of
    this very dossier already converted by :func:`record` (for the pages' JSON-LD), by (kind, id).
    """
    lang = core.lang
    known = known or {}
    records = {
        kind.name: tuple(
            known.get((kind.name, r.id)) or _record(r, lang, core.registry) for r in core.records[kind.name]
        )
        for kind in core.registry
    }
    files: dict[tuple[str, str], tuple[str, ...]] = {}
    if data_dir is not None:
        for declared in core.registry:
            present = _listing(data_dir / declared.folder)
            for core_record in core.records[declared.name]:
                names = [f"{core_record.id}.yml", f"{core_record.id}.yaml", *_stored_names(core_record)]
                found = tuple(f"{declared.folder}/{n}" for n in names if n in present)
                files[(declared.name, core_record.id)] = found
    return dataclasses.replace(frame(core, title=title, base_url=base_url, links=links), records=records, files=files)


@functools.cache
def _labels(registry: Registry, lang: str) -> dict[str, str]:
    """The interface words the exports say, in the dossier's language: each kind's list title (by its folder and its
    list's folder), each choice's label (``form.direct``), and the labels of the site's fields."""
    words = _words(lang)
    labels: dict[str, str] = {
        "note.correction": words.gettext("Correction"), "cited_passages": words.gettext("Cited passages"),
        "date": words.gettext("Date"), "date_text": words.gettext("in the source's words"),
        "place": words.gettext("Place"), "participants": words.gettext("Participants"),
        "original": words.gettext("Original words"), "addressed_to": words.gettext("Addressed to"),
        "sources": words.gettext("Sources"), "according_to": words.gettext("according to"),
    }  # fmt: skip
    for kind in registry:
        title = words.gettext(kind.listing.title) if kind.listing else kind.folder
        labels[kind.folder] = title
        if kind.listing:
            labels[kind.listing.folder] = title
        for part in walk(kind.model):
            for value, label in part.choices.labels.items() if part.choices else ():
                labels[f"{part.name}.{value}"] = words.gettext(label)
    return labels


def _stored_names(record: model.Record) -> list[str]:
    """The names of the stored texts a record names (a source's text file)."""
    return [getattr(record, p.name) for p in plan(type(record).__model__) if p.stored and getattr(record, p.name)]


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


def _notes(notes: Iterable[Any]) -> tuple[Note, ...]:
    return tuple(Note(text=n.text, kind=n.kind, date=getattr(n, "date", None)) for n in notes)


def _citations(citations: Iterable[Any]) -> tuple[Citation, ...]:
    return tuple(
        Citation(
            source=c.source.id, passage=c.passage, prefix=c.prefix, suffix=c.suffix, locator=c.locator,
            span=c.span, notes=_notes(c.notes),
        )
        for c in citations
    )  # fmt: skip


def _parts(node: model.Node, lang: str) -> tuple[dict[str, Value], tuple[Citation, ...], tuple[Note, ...]]:
    """The values, citations and notes of a record or part, as its declaration says."""
    values: dict[str, Value] = {}
    citations: tuple[Citation, ...] = ()
    notes: tuple[Note, ...] = ()
    for part in plan(type(node).__model__):
        value = getattr(node, part.name)
        if part.cites:
            citations = _citations(value)
        elif _is_notes(part):
            notes = _notes(value)
        elif part.stored is None:
            if value is None and part.format == "lang":
                value = lang  # a text in no other language is in the dossier's: said explicitly to other tools
            converted = _value(part, value, lang)
            if converted is not None and converted != ():
                values[part.name] = converted
    return values, citations, notes


def _value(part: Declared, value: Any, lang: str) -> Value | None:
    if value is None:
        return None
    converted: Value = tuple(_one(part, item, lang) for item in value) if part.many else _one(part, value, lang)
    return converted


def _one(part: Declared, value: Any, lang: str) -> Any:
    if part.link is not None:
        return value.id
    if part.model is not None:
        values, citations, notes = _parts(value, lang)
        return Item(values=values, citations=citations, notes=notes)
    if isinstance(value, edtf.Edtf):
        return parse_when(value.text, lang)
    return value


def _record(record: model.Record, lang: str, registry: Registry) -> Record:
    values, citations, notes = _parts(record, lang)
    text = model.stored_text(record)
    kind = registry[record.record_kind]
    placed = kind.when(record) if kind.when is not None else None
    return Record(
        kind=record.record_kind, id=record.id, values=values, citations=citations, notes=notes,
        text_body=text.original if text is not None else None,
        placed=parse_when(placed.text, lang) if placed is not None else None,
    )  # fmt: skip
