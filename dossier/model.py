"""The resolved dossier: immutable records whose references are objects, with computed back-links.

Built only by :func:`dossier.resolve.load`; never loaded at import time. A resolved record has the fields its kind
declares, named as editors write them, with references replaced by the records they name, dates parsed
(:class:`~dossier.edtf.Edtf`), flags as booleans and stored texts read. Its class is generated from the declaration
(:func:`record_class`): one frozen, slotted dataclass per model. A reference to a record of the same kind (an actor's
relations) is a :class:`Handle`, because such references may form cycles that frozen objects cannot.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from dossier.registry import Registry, plan
from dossier.schema import Strict


class Node:
    """A resolved record or a part of one (a role, a citation, a note): the fields its model declares."""

    __slots__ = ()
    if TYPE_CHECKING:  # the fields are generated from the declaration
        __model__: ClassVar[type[Strict]]  # the declaration

        def __getattr__(self, name: str) -> Any: ...


class Record(Node):
    """A resolved record: its ``id`` and its kind, then its fields."""

    __slots__ = ()
    record_kind: ClassVar[str]
    if TYPE_CHECKING:
        id: str


class Cited(Node):
    """A resolved citation: where its passage is in the source's stored text (``span``), when it is stored."""

    __slots__ = ()
    if TYPE_CHECKING:
        span: tuple[int, int] | None

    @property
    def verified(self) -> bool:
        return self.span is not None


@dataclass(frozen=True, slots=True)
class Handle:
    """A reference to a record of the kind being resolved (an actor's relation to another actor)."""

    record_kind: str
    id: str
    label: str  # the record's name or title, for readers

    @property
    def name(self) -> str:
        return self.label

    @property
    def title(self) -> str:
        return self.label


def _repr(self: Any) -> str:
    return f"<{self.record_kind} {self.id!r}>"


@functools.cache
def record_class(model: type[Strict], kind: str | None = None, cited: bool = False) -> type[Any]:
    """The frozen, slotted dataclass holding resolved values of ``model`` (a record of ``kind``, or a part)."""
    fields: list[tuple[str, Any]] = [("id", str)] if kind else []
    for part in plan(model):
        fields.append((part.name, Any))
        if part.stored is not None:
            fields.append((part.stored.into, Any))
    namespace: dict[str, Any] = {"__model__": model}
    base: type[Node] = Node
    if kind:
        base = Record
        namespace.update(record_kind=kind, __repr__=_repr)
    elif cited:
        base = Cited
        fields.append(("span", Any))
    cls = dataclasses.make_dataclass(
        model.__name__, fields, bases=(base,), namespace=namespace, frozen=True, slots=True, kw_only=True,
        repr=not kind,
    )  # fmt: skip
    cls.__module__ = __name__
    return cls


def stored_text(record: Node) -> Any:
    """The stored text of a record whose kind keeps one (a source's :class:`~dossier.text.StoredText`), else None."""
    for part in plan(type(record).__model__):
        if part.stored is not None:
            return getattr(record, part.stored.into)
    return None


def citations(node: Node) -> Iterator[Cited]:
    """Every citation of a record, its parts' included, in field order."""
    for part in plan(type(node).__model__):
        if part.model is None:
            continue
        value = getattr(node, part.name)
        for item in value if part.many else (value,):
            if item is None:
                continue
            if part.cites:
                yield item
            else:
                yield from citations(item)


class Links(Mapping[str, tuple[Record, ...]]):
    """What points at a record, by the back-link names its kind receives (all present, empty when nothing does);
    also readable as attributes (``links.events``)."""

    __slots__ = ("_links",)

    def __init__(self, links: Mapping[str, tuple[Record, ...]]) -> None:
        self._links = links

    def __getitem__(self, name: str) -> tuple[Record, ...]:
        return self._links[name]

    def __getattr__(self, name: str) -> tuple[Record, ...]:
        try:
            return self._links[name]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._links)

    def __len__(self) -> int:
        return len(self._links)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Links) and self._links == other._links

    def __hash__(self) -> int:
        return hash(tuple(self._links.items()))

    def __repr__(self) -> str:
        return f"Links({dict(self._links)!r})"


@dataclass(frozen=True, kw_only=True, slots=True)
class Dossier:
    """The whole validated dossier. Records of each kind are in the kind's declared order (events and quotes by
    date, the rest by id); ``dossier.actors`` and the like read them by folder name."""

    lang: str
    registry: Registry = field(repr=False, compare=False)
    records: Mapping[str, tuple[Record, ...]]  # by kind name
    back_links: Mapping[tuple[str, str], Links] = field(repr=False)  # by (kind, id)
    citations_of: Mapping[tuple[str, str], tuple[tuple[Record, Cited], ...]] = field(repr=False)  # by cited record
    _index: Mapping[tuple[str, str], Record] = field(repr=False, compare=False)
    # What each record was resolved from (its validated data, the very object), when the load had a cache: a later
    # load with the same cache reuses a record whose data and references are the same objects (dossier.resolve).
    _made: Mapping[tuple[str, str], Any] = field(repr=False, compare=False, default_factory=dict)

    def __getattr__(self, folder: str) -> tuple[Record, ...]:
        kind = self.registry.by_folder.get(folder)
        if kind is None:
            raise AttributeError(folder)
        return self.records[kind.name]

    def links(self, record: Record | Handle) -> Links:
        """What points at ``record``."""
        return self.back_links[(record.record_kind, record.id)]

    def get(self, record_kind: str, record_id: str) -> Record:
        """The record of that kind and id (``KeyError`` if there is none)."""
        return self._index[(record_kind, record_id)]

    def resolve(self, reference: Record | Handle) -> Record:
        """The record a handle names (a record is returned as it is)."""
        return self._index[(reference.record_kind, reference.id)] if isinstance(reference, Handle) else reference

    def all(self) -> Iterator[Record]:
        """Every record, kind by kind in the registry's order."""
        for kind in self.registry:
            yield from self.records[kind.name]

    def __len__(self) -> int:
        return sum(len(records) for records in self.records.values())
