"""The neutral form every export is built from: kinds declared as data, records as typed values.

The exporters never see the core's model. :mod:`dossier.export.adapter` builds this form from what
:func:`dossier.load` returns, so a change of the core's model means changing that one adapter.

A :class:`Kind` declares its fields once (name, type, referenced kind, whether a list); a :class:`Record` holds
values under those names. Generic exports (JSON, JSON Schema, CSV and its Data Package) follow the declarations, so
a new kind or field reaches them with no change here; the exports aimed at one reader's vocabulary
(FollowTheMoney, schema.org, TimelineJS, Atom) read the fields they map by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from dossier import edtf

FieldType = Literal["text", "markdown", "id", "date", "url", "lang", "choice", "number", "flag", "group"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Field:
    """One field of a kind, or of a group (a nested item such as a role)."""

    name: str
    type: FieldType
    ref: str | None = None  # for "id": the kind of the record it names
    many: bool = False  # a list of values (of groups, for "group")
    required: bool = False
    choices: tuple[str, ...] = ()  # for "choice"
    fields: tuple[Field, ...] = ()  # for "group": the fields of each item
    cited: bool = False  # for "group": its items carry citations and notes
    description: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class Kind:
    name: str  # "actor"
    plural: str  # "actors": the folder under data/, the JSON key, the CSV table
    label: str  # the field that names a record of this kind to a reader
    fields: tuple[Field, ...]
    cited: bool = True  # its records carry citations
    body: bool = False  # its records may carry a stored text (a source's full text)


Point = edtf.Date  # one end of a date: year, month or day precision, maybe approximate or uncertain (EDTF ~ ? %)


@dataclass(frozen=True, kw_only=True, slots=True)
class When:
    """A date of known precision or an interval (EDTF), with the words the dossier uses for it."""

    edtf: str
    words: str  # '3 settembre 2025', 'giugno 2024 (circa)', 'fino a settembre 2025'
    start: Point | None
    end: Point | None = None
    interval: bool = False

    @property
    def qualified(self) -> bool:
        return any(p.qualified for p in (self.start, self.end) if p)

    @property
    def earliest(self) -> dt.date | None:
        return self.start.earliest if self.start else None

    @property
    def latest(self) -> dt.date | None:
        last = self.end if self.interval else self.start
        return last.latest if last else None


@dataclass(frozen=True, kw_only=True, slots=True)
class Note:
    text: str  # Markdown
    kind: str | None = None  # context | correction | verification | translation
    date: str | None = None  # ISO date the note was written, where the data says so


@dataclass(frozen=True, kw_only=True, slots=True)
class Citation:
    """A source and the exact words in it (W3C TextQuoteSelector); ``span`` is where they are in its stored text."""

    source: str
    passage: str
    prefix: str | None = None
    suffix: str | None = None
    locator: str | None = None
    span: tuple[int, int] | None = None
    notes: tuple[Note, ...] = ()


Value: TypeAlias = "str | bool | When | tuple[str, ...] | Item | tuple[Item, ...]"


@dataclass(frozen=True, kw_only=True, slots=True)
class Item:
    """Values under field names; a record, or one nested group (a role, a relation, a quote's original words)."""

    values: Mapping[str, Value] = field(default_factory=dict)
    citations: tuple[Citation, ...] = ()
    notes: tuple[Note, ...] = ()

    # Typed access for the exporters that read fields by name; a missing value is None (or empty).
    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if isinstance(value, str) else None

    def flag(self, name: str) -> bool:
        return self.values.get(name) is True

    def when(self, name: str) -> When | None:
        value = self.values.get(name)
        return value if isinstance(value, When) else None

    def texts(self, name: str) -> tuple[str, ...]:
        value = self.values.get(name)
        return value if isinstance(value, tuple) and all(isinstance(v, str) for v in value) else ()  # type: ignore[return-value]

    def item(self, name: str) -> Item | None:
        value = self.values.get(name)
        return value if isinstance(value, Item) else None

    def items(self, name: str) -> tuple[Item, ...]:
        value = self.values.get(name)
        return value if isinstance(value, tuple) and all(isinstance(v, Item) for v in value) else ()  # type: ignore[return-value]


@dataclass(frozen=True, kw_only=True, slots=True)
class Record(Item):
    kind: str
    id: str
    updated: str | None = None  # ISO date of the record's last change, where the data says so (else: git)
    placed: When | None = field(default=None, compare=False)  # where it sits in time: derived (see Kind.when)
    text_body: str | None = field(default=None, repr=False)  # a source's stored text


@dataclass(frozen=True, kw_only=True, slots=True)
class Dossier:
    """Everything an export needs: the kinds, the records of each in the core's order, and a few site facts."""

    title: str
    lang: str
    kinds: tuple[Kind, ...]
    records: Mapping[str, tuple[Record, ...]]  # by kind name
    words: Mapping[str, str] = field(default_factory=dict)  # interface words in the dossier's language
    base_url: str | None = None  # the published site's address, ending in '/'
    links: Mapping[tuple[str, str], str] = field(default_factory=dict, repr=False)  # (kind, id) -> site URL
    files: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict, repr=False)  # in data/

    def kind(self, name: str) -> Kind:
        for kind in self.kinds:
            if kind.name == name:
                return kind
        raise KeyError(name)

    def all(self) -> Iterator[Record]:
        for kind in self.kinds:
            yield from self.records.get(kind.name, ())

    def get(self, kind: str, record_id: str) -> Record | None:
        for record in self.records.get(kind, ()):
            if record.id == record_id:
                return record
        return None

    def index(self) -> dict[tuple[str, str], Record]:
        return {(r.kind, r.id): r for r in self.all()}

    def label(self, record: Record) -> str:
        return record.text(self.kind(record.kind).label) or record.id

    def url(self, kind: str, record_id: str) -> str | None:
        """The absolute address of a record on the published site, when the site's address is known."""
        link = self.links.get((kind, record_id))
        if link is None or not self.base_url:
            return None
        return self.base_url + link


def _members(item: Item, fields: tuple[Field, ...]) -> Iterator[tuple[str, Item, tuple[Field, ...]]]:
    """The items of ``item``'s groups, each with where it is ('roles/0', or the group's name when it holds one) and
    its fields."""
    for f in fields:
        if f.type != "group":
            continue
        value = item.values.get(f.name)
        members = value if isinstance(value, tuple) else (value,) if isinstance(value, Item) else ()
        for n, member in enumerate(members):
            if isinstance(member, Item):
                yield (f"{f.name}/{n}" if f.many else f.name), member, f.fields


def citations_in(item: Item, fields: tuple[Field, ...]) -> Iterator[tuple[str, Citation]]:
    """Every citation of an item and of its groups, with where it is: '' for the item, 'roles/0' for a group."""
    for citation in item.citations:
        yield "", citation
    for at, member, inner_fields in _members(item, fields):
        for inner, citation in citations_in(member, inner_fields):
            yield (f"{at}/{inner}" if inner else at), citation


def notes_in(item: Item, fields: tuple[Field, ...]) -> Iterator[tuple[str, Note]]:
    """Every note of an item, of its citations and of its groups, with where it is ('', 'citations/1', 'roles/0')."""
    for note in item.notes:
        yield "", note
    for n, citation in enumerate(item.citations):
        for note in citation.notes:
            yield f"citations/{n}", note
    for at, member, inner_fields in _members(item, fields):
        for inner, note in notes_in(member, inner_fields):
            yield (f"{at}/{inner}" if inner else at), note
