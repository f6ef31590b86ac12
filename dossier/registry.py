"""The registry of record kinds: what each kind is, declared once, and what the pipeline derives from it.

A :class:`Kind` names its folder, its raw model (a :class:`~dossier.schema.Strict` model whose field annotations
carry the :mod:`dossier.schema` markers), the field readers know a record by, its order, and its pages. Everything
else is derived here, so that discovery, reference checks, resolution, back-links, pages, counts and the JSON
Schema read one declaration: which fields link where (:func:`plan`), the order kinds resolve in, the back-links
each kind receives, the ids its pages reserve.

A project or a test adds a kind by building a :class:`Registry` with one more :class:`Kind`; nothing is registered
globally, so a registry is an ordinary immutable value.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from dossier.schema import CITES, Choices, Convert, Excerpts, Format, Link, Stored, Strict

PAGE_SIZE = 200  # records on one list page, by default


@dataclass(frozen=True, kw_only=True, slots=True)
class Listing:
    """How a kind's records are listed: on pages under ``folder``, in groups, a long list split into several pages.

    The list lives at ``<folder>/index.md``; when it holds more than the page size, each page of it is
    ``<folder>/<sheet>.md`` (``sheet`` formatted with ``key``, the first group's key, and ``n``, the page's number)
    and the index lists the pages.
    """

    folder: str
    template: str
    title: str  # msgid of the list's title
    group: Callable[[Any], str] = lambda record: ""  # the group a record is listed under, in the listing's order
    order: Callable[[Any], Any] | None = None  # the listing's order; default: the dossier's order of the kind
    sheet: str = "{key}"
    name: Callable[[Any], str] | None = None  # a page of a split list is named by its first and last records'
    # names (None: by its first and last groups' keys)
    searchable: bool = True  # False: the list only links to what other pages show (kept out of search)
    context: Callable[[list[Any], Any], Mapping[str, Any]] | None = None  # (records, site) -> more template values
    # (every record of the kind, site) -> more template values for the list's index page: the listing's template
    # gets them when the list fits on one page, `sheet_index.md.j2` when the index lists the pages of a split list
    index: Callable[[list[Any], Any], Mapping[str, Any]] | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Pages:
    """A page for every record of the kind, at ``<listing folder>/<id>.md``."""

    template: str
    context: Callable[[Any, Any], Mapping[str, Any]] | None = None  # (record, site) -> more template values


@dataclass(frozen=True, kw_only=True, slots=True)
class Kind:
    """One kind of record, declared once."""

    name: str  # singular, as in messages: 'actor'
    folder: str  # records are data/<folder>/<id>.yml
    model: type[Strict]
    label: str  # the field readers know a record by: 'name', 'title'
    plural: tuple[str, str]  # msgids counting records: ('%(num)s actor', '%(num)s actors')
    noun: tuple[str, str] = ("", "")  # msgids naming the kind to readers, one and many: ('Actor', 'Actors')
    order: Callable[[Any], Any] | None = None  # sort key of resolved records; default: by id
    title: Callable[[Any], str] | None = None  # a record as link text in lists; default: its label field
    when: Callable[[Any], Any] | None = None  # the date a record is placed at in time (an Edtf), if any
    listing: Listing | None = None
    pages: Pages | None = None
    retired: tuple[tuple[str, str], ...] = ()  # (field no longer read, what to do instead): a message, not a typo

    @property
    def uri_folder(self) -> str:
        """The site folder of the kind's pages."""
        return self.listing.folder if self.listing else self.folder

    def page_uri(self, record_id: str) -> str:
        """The page of one record (kinds with :attr:`pages`)."""
        return f"{self.uri_folder}/{record_id}.md"

    @property
    def reserved_ids(self) -> tuple[str, ...]:
        """Ids that would name a page the kind's list already takes."""
        return ("index",) if self.pages is not None else ()

    @property
    def companions(self) -> tuple[str, ...]:
        """Suffixes of the other files the kind's folder may hold (the stored texts its records name)."""
        return _companions(self.model)


# -- what a model's annotations say --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Field:
    """One field of a model, with what its annotation declares."""

    name: str
    many: bool  # a list of values (a tuple once validated)
    required: bool
    link: Link | None = None
    convert: Convert | None = None
    stored: Stored | None = None
    excerpts: bool = False  # a list of parts holding stretches of the record's text (see schema.Excerpts)
    cites: bool = False  # a list of citations
    model: type[Strict] | None = None  # a nested part (role, citation, note)
    choices: Choices | None = None
    format: str | None = None  # what a text holds: 'markdown', 'url', 'lang', 'number'
    description: str | None = None


def _unwrap(annotation: Any) -> tuple[Any, list[Any], bool, bool]:
    """(base type, metadata, many, optional) of an annotation, looking through Annotated, Optional and tuples."""
    metadata: list[Any] = []
    many = optional = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            metadata.extend(extra)
        elif origin in (Union, types.UnionType):
            others = [a for a in get_args(annotation) if a is not type(None)]
            optional = len(others) < len(get_args(annotation))
            annotation = others[0]
        elif origin is tuple:
            many = True
            annotation = get_args(annotation)[0]
        else:
            return annotation, metadata, many, optional


@functools.cache
def plan(model: type[Strict]) -> tuple[Field, ...]:
    """The fields of ``model``, in order, with their markers."""
    hints = typing.get_type_hints(model, include_extras=True)
    fields = []
    for name, info in model.model_fields.items():
        base, metadata, many, _ = _unwrap(hints[name])
        found: dict[type, Any] = {type(m): m for m in metadata}
        fields.append(
            Field(
                name=name, many=many, required=info.is_required(), link=found.get(Link), convert=found.get(Convert),
                stored=found.get(Stored), excerpts=Excerpts in found, cites=CITES in metadata,
                model=base if isinstance(base, type) and issubclass(base, Strict) else None,
                choices=found.get(Choices), format=found[Format].name if Format in found else None,
                description=info.description,
            )
        )  # fmt: skip
    return tuple(fields)


def walk(model: type[Strict], path: tuple[str, ...] = ()) -> Iterator[Field]:
    """Every field of ``model`` and of its nested parts, depth first."""
    for field in plan(model):
        yield field
        if field.model is not None:
            yield from walk(field.model, (*path, field.name))


@functools.cache
def _companions(model: type[Strict]) -> tuple[str, ...]:
    return ("txt",) if any(f.stored for f in walk(model)) else ()


@functools.cache
def checked(model: type[Strict]) -> tuple[Field, ...]:
    """The fields of ``model`` that hold references, citations or Markdown (which may link records), themselves
    or in their parts: what the reference and passage checks walk."""
    return tuple(
        f
        for f in plan(model)
        if f.link is not None or f.cites or f.format == "markdown" or (f.model is not None and checked(f.model))
    )


@functools.cache
def link_paths(model: type[Strict]) -> tuple[tuple[tuple[str, ...], Link], ...]:
    """Where in a record of ``model`` references sit: (field path, link), nested parts included."""
    found: list[tuple[tuple[str, ...], Link]] = []

    def visit(current: type[Strict], path: tuple[str, ...]) -> None:
        for field in plan(current):
            if field.link is not None:
                found.append(((*path, field.name), field.link))
            if field.model is not None:
                visit(field.model, (*path, field.name))

    visit(model, ())
    return tuple(found)


class RegistryError(Exception):
    """A registry that cannot work: the message says which declaration is wrong."""


class Registry:
    """The kinds of a dossier, in the order readers meet them; immutable."""

    def __init__(self, kinds: tuple[Kind, ...]) -> None:
        self.kinds = kinds
        self.by_name: Mapping[str, Kind] = types.MappingProxyType({k.name: k for k in kinds})
        self.by_folder: Mapping[str, Kind] = types.MappingProxyType({k.folder: k for k in kinds})
        if len(self.by_name) != len(kinds) or len(self.by_folder) != len(kinds):
            raise RegistryError("two kinds share a name or a folder")
        folders = [k.uri_folder for k in kinds]
        if len(set(folders)) != len(folders):
            raise RegistryError("two kinds list their records in the same site folder")
        reverse: dict[str, list[str]] = {k.name: [] for k in kinds}
        labels: dict[tuple[str, str], str] = {}
        for kind in kinds:
            for path, link in link_paths(kind.model):
                for target in link.kinds:
                    if target not in self.by_name:
                        raise RegistryError(f"{kind.name}.{'.'.join(path)} links to an undeclared kind '{target}'")
                    if link.reverse and link.reverse not in reverse[target]:
                        reverse[target].append(link.reverse)
                        labels[(target, link.reverse)] = link.label or link.reverse
        self.reverse: Mapping[str, tuple[str, ...]] = types.MappingProxyType({k: tuple(v) for k, v in reverse.items()})
        self.reverse_labels: Mapping[tuple[str, str], str] = types.MappingProxyType(labels)
        self.order: tuple[Kind, ...] = self._resolution_order()

    def __iter__(self) -> Iterator[Kind]:
        return iter(self.kinds)

    def __getitem__(self, name: str) -> Kind:
        return self.by_name[name]

    def _resolution_order(self) -> tuple[Kind, ...]:
        """Kinds in an order where each comes after the kinds it links to, where the links allow it; a reference
        to a kind not resolved yet (its own kind, or a cycle) resolves to a :class:`~dossier.model.Handle`."""
        needs = {k.name: {t for _, link in link_paths(k.model) for t in link.kinds if t != k.name} for k in self.kinds}
        done: list[Kind] = []
        left = list(self.kinds)
        while left:
            ready = next((k for k in left if needs[k.name] <= {d.name for d in done}), left[0])
            done.append(ready)
            left.remove(ready)
        return tuple(done)

    def cited(self) -> tuple[Kind, ...]:
        """The kinds whose records hold a stored text (or excerpts of one) that citations quote."""
        return tuple(k for k in self.kinds if k.companions or any(f.excerpts for f in plan(k.model)))
