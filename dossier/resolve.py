"""Load a data folder, validate every record, and resolve it into an immutable :class:`~dossier.model.Dossier`.

Stages, each collecting every problem before the run stops once:

1. discover  files under ``data/<kind>/``; the file name is the id
2. load      strict YAML (:mod:`dossier.loader`)
3. validate  each record against its schema (:mod:`dossier.schema`)
4. check     references, passages against stored texts
5. resolve   ids into objects, back-links computed, everything sorted
"""

from __future__ import annotations

import contextlib
import gc
import os
import stat
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar, get_origin

from pydantic import TypeAdapter, ValidationError

from dossier import edtf, loader, model, nearest, schema
from dossier.errors import DossierError, Problem, did_you_mean
from dossier.text import StoredText

MAX_TEXT_BYTES = 5 * 1024 * 1024
IGNORED = (".", "_")  # hidden files and folders, and `_drafts`-style folders
README_NAMES = ("README.md", "README.txt", "README")
# Actors and sources get a page each, `actors/<id>.md`: `index` would be the page listing them all.
RESERVED_IDS = {"actor": ("index",), "source": ("index",)}


MODELS = {kind: model_type for kind, model_type in schema.KINDS.values()}


def display_path(path: Path, base: Path | None = None) -> str:
    """``path`` as shown in messages: relative to ``base`` (default: the current directory) when inside it."""
    base = base or Path.cwd()
    # Symbolic links are not followed first, so a linked file is shown where the editor put it.
    absolute, folder = Path(os.path.abspath(path)), Path(os.path.abspath(base))
    if absolute.is_relative_to(folder):
        return absolute.relative_to(folder).as_posix()
    try:
        absolute, folder = path.resolve(), base.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop (RuntimeError before Python 3.13)
        return path.as_posix()
    if absolute.is_relative_to(folder):
        return absolute.relative_to(folder).as_posix()
    return path.as_posix()


@dataclass(frozen=True, slots=True)
class Loaded:
    """A record that passed its schema: the raw model and the document it came from (for positions)."""

    kind: str
    id: str
    doc: loader.Document
    raw: Any  # one of the schema models


def _a(kind: str) -> str:
    """'an actor', 'an event', 'a quote'."""
    return f"a{'n' if kind[0] in 'aeiou' else ''} {kind}"


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"'{value}'" if len(value) < 40 else "a text"


def _field_name(loc: Iterable[str | int]) -> str:
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name


def _schema_message(error: Any, model_type: type[schema.Strict], loc: tuple[str | int, ...]) -> tuple[str, str]:
    """(code, message) for one pydantic error, in words an editor understands."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return "missing", "missing required field"
    if kind == "extra_forbidden":
        allowed = _fields_at(model_type, loc[:-1])
        return (
            "unknown-field",
            f"unknown field{did_you_mean(str(loc[-1]), allowed)}; expected one of: {', '.join(allowed)}",
        )
    if kind == "string_type":
        return "type", f"expected a text, found {_describe(value)}"
    if kind in ("tuple_type", "list_type"):
        hint = " (write it as a list: '- item')" if isinstance(value, str) else ""
        return "type", f"expected a list, found {_describe(value)}{hint}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "type", f"expected a mapping of fields, found {_describe(value)}"
    if kind == "string_too_long":
        return "too-long", f"too long: {len(value)} characters, at most {ctx['max_length']}"
    if kind == "string_too_short":
        return "empty", "must not be empty"
    if kind == "too_short":
        return "empty", "needs at least one item"
    if kind == "literal_error":
        options = [o.strip("'") for o in str(ctx.get("expected", "")).replace(" or ", ", ").split(", ")]
        if not isinstance(value, str):
            return "choice", f"expected one of: {', '.join(options)}; found {_describe(value)}"
        return (
            "choice",
            f"'{value}' is not allowed{did_you_mean(str(value), options)}; expected one of: {', '.join(options)}",
        )
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        if pattern == schema.ID_PATTERN:
            return (
                "bad-id",
                f"'{value}' is not a valid id: use lowercase letters a-z, digits and single hyphens",
            )
        if "txt" in pattern:
            return (
                "bad-file-name",
                f"'{value}' is not a valid text file name: lowercase, no folders, ending in .txt",
            )
        if "0-9]+(" in pattern:
            return (
                "bad-number",
                f"'{value}' is not a number: write digits, with '.' for decimals (15000, 2.5)",
            )
        return "bad-lang", f"'{value}' is not a language code: use ISO 639 codes such as it, en, ko, ru"
    if kind == "value_error":
        return "invalid", str(ctx.get("error", error["msg"]))
    return "invalid", error["msg"]


def _fields_at(model_type: type[schema.Strict], loc: tuple[str | int, ...]) -> list[str]:
    """The field names allowed at ``loc`` inside ``model_type``."""
    current: Any = model_type
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[part].annotation
        current = next(_models_in(annotation), None)
        if current is None:
            return []
    return list(current.model_fields)


def _models_in(annotation: Any) -> Iterator[type[schema.Strict]]:
    if isinstance(annotation, type) and issubclass(annotation, schema.Strict):
        yield annotation
        return
    for arg in getattr(annotation, "__args__", ()):
        yield from _models_in(arg)
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and origin is not tuple:
        yield from _models_in(origin)


class _Run:
    """One load of a data folder: holds the problems found so far."""

    def __init__(self, data_dir: Path, base: Path | None, cache: Cache | None = None) -> None:
        self.cache = cache
        self.used: set[tuple[str, int, int, int]] = set()  # cache keys of the files of this run
        self.data_dir = data_dir
        self.base = base
        self.problems: list[Problem] = []
        self.loaded: dict[str, dict[str, Loaded]] = {singular: {} for singular, _ in schema.KINDS.values()}
        self.texts: dict[str, StoredText] = {}
        self.spans: dict[tuple[str, str, str | None, str | None], tuple[int, int]] = {}  # verified passages
        self.invalid: dict[str, set[str]] = {singular: set() for singular, _ in schema.KINDS.values()}
        self.partial: list[Loaded] = []  # records that failed their schema, with only the fields that passed
        self.data_prefix = str(data_dir) + os.sep
        self.data_shown = display_path(data_dir, base)

    def show(self, path: Path) -> str:
        text = str(path)
        if text.startswith(self.data_prefix):  # the common case, without a file-system call per record
            return self.data_shown + "/" + text[len(self.data_prefix) :].replace(os.sep, "/")
        return display_path(path, self.base)

    def report(self, record: Loaded, loc: tuple[str | int, ...], message: str, code: str, *, key: bool = False) -> None:
        line, column = record.doc.position(loc, key=key)
        self.problems.append(
            Problem(
                path=record.doc.path, line=line, column=column, kind=record.kind, id=record.id,
                field=_field_name(loc), message=message, code=code,
            )
        )  # fmt: skip

    # 1. discover ---------------------------------------------------------------------------------------------
    def refuse(self, path: Path, code: str, message: str, *, kind: str = "", record_id: str = "") -> None:
        """A file or folder that is not (or not a valid) record."""
        self.problems.append(Problem(path=self.show(path), code=code, kind=kind, id=record_id, message=message))

    def discover(self) -> Iterator[tuple[str, str, Path]]:
        if not self.data_dir.is_dir():
            self.refuse(self.data_dir, "no-data", "data folder not found")
            return
        seen: dict[tuple[str, str], Path] = {}
        for entry in sorted(self.data_dir.iterdir()):
            if entry.name.startswith(IGNORED) or entry.name in README_NAMES:
                continue
            if entry.name not in schema.KINDS or not entry.is_dir():
                what = "folder" if entry.is_dir() else "file"
                self.refuse(
                    entry, "unknown-folder",
                    f"unexpected {what} '{entry.name}'{did_you_mean(entry.name, schema.KINDS)}; "
                    f"records go in: {', '.join(schema.KINDS)}",
                )  # fmt: skip
                continue
            if not _inside(entry, self.data_dir):
                self.refuse(entry, "symlink", "links to a folder outside the data folder")
                continue
            kind = schema.KINDS[entry.name][0]
            yield from self._discover_kind(entry, kind, seen)

    def _discover_kind(
        self, folder: Path, kind: str, seen: dict[tuple[str, str], Path]
    ) -> Iterator[tuple[str, str, Path]]:
        with os.scandir(folder) as listing:  # DirEntry caches the file type: no stat per record
            entries = sorted(listing, key=lambda entry: entry.name)
        for entry in entries:
            name = entry.name
            if name.startswith(IGNORED) or name in README_NAMES:
                continue
            path = folder / name
            stem, dot, suffix = name.rpartition(".")
            if kind == "source" and suffix == "txt":
                continue  # stored texts, read when a source names them
            is_dir = _is_dir(entry)
            key = (kind, stem)
            if not dot or suffix not in ("yml", "yaml") or is_dir:
                what = "a folder, not a record" if is_dir else "not a record"
                self.refuse(path, "stray-file", f"{what}: records are .yml files")
            elif not schema.ID_RE.match(stem) or len(stem) > 80:
                message = (
                    f"'{stem}' is not a valid id: name the file with lowercase letters a-z, digits and single hyphens "
                    "(the file name is the id)"
                )
                self.refuse(path, "bad-id", message, kind=kind, record_id=stem)
            elif entry.is_symlink() and not _inside(path, self.data_dir):
                self.refuse(path, "symlink", "links to a file outside the data folder")
            elif stem in RESERVED_IDS.get(kind, ()):
                message = f"'{stem}' is reserved for the page listing every {kind}: choose another file name"
                self.refuse(path, "reserved-id", message, kind=kind, record_id=stem)
            elif key in seen:
                message = f"{_a(kind)} with this id is already defined in {self.show(seen[key])}"
                self.refuse(path, "duplicate-id", message, kind=kind, record_id=stem)
            else:
                seen[key] = path
                yield kind, stem, path

    # 2 + 3. load and validate ----------------------------------------------------------------------------------
    def _key(self, path: Path, shown: str) -> tuple[str, int, int, int] | None:
        if self.cache is None:
            return None
        key = _file_key(path, shown)
        if key is not None:
            self.used.add(key)
        return key

    def forget_unused(self) -> None:
        """Drop what the cache holds for files that are gone or have changed since."""
        if self.cache is not None:
            for key in self.cache.keys() - self.used:
                del self.cache[key]

    def load(self, kind: str, record_id: str, path: Path) -> None:
        shown = self.show(path)
        key = self._key(path, shown)
        if key is not None and self.cache is not None and (hit := self.cache.get(key)) is not None:
            self.loaded[kind][record_id] = hit
            return
        try:
            doc = loader.read(path, shown)
        except loader.LoadError as exc:
            self.problems.extend(replace(p, kind=kind, id=record_id) for p in exc.problems)
            self.invalid[kind].add(record_id)
            return
        model_type = MODELS[kind]
        record = Loaded(kind=kind, id=record_id, doc=doc, raw=None)
        try:
            raw = model_type.model_validate(doc.data)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            enclosing = {tuple(e["loc"][:i]) for e in errors for i in range(len(e["loc"]))}
            for error in errors:
                loc = tuple(error["loc"])
                if error["type"] == "too_short" and loc in enclosing:
                    continue  # "needs at least one item" only because its items failed, which are reported
                code, message = _schema_message(error, model_type, loc)
                self.report(record, loc, message, code, key=code == "unknown-field")
            self.invalid[kind].add(record_id)
            if kind != "source":
                self.partial.append(replace(record, raw=_partial(model_type, doc.data, errors)))
            return
        self.loaded[kind][record_id] = Loaded(kind=kind, id=record_id, doc=doc, raw=raw)
        if key is not None and self.cache is not None:
            self.cache[key] = self.loaded[kind][record_id]

    # 4. cross-checks -------------------------------------------------------------------------------------------
    def ref(self, record: Loaded, loc: tuple[str | int, ...], target: str | None, kind: str = "actor") -> None:
        if target is None or target in self.loaded[kind] or target in self.invalid[kind]:
            return  # a record that failed its schema exists: its own problems are reported, not "unknown"
        others = [k for k, records in self.loaded.items() if target in records]
        if others:
            message = f"'{target}' is {_a(others[0])}, expected {_a(kind)}"
        else:
            message = f"unknown {kind} '{target}'{did_you_mean(target, self.loaded[kind])}"
        self.report(record, loc, message, "unknown-reference")

    def read_text(self, record: Loaded) -> None:
        name = record.raw.text_file
        if name is None:
            return
        path = self.data_dir / "sources" / name
        loc = ("text_file",)
        key = self._key(path, self.show(path))
        if key is not None and self.cache is not None and (hit := self.cache.get(key)) is not None:
            self.texts[record.id] = hit
            return
        try:
            if not _inside(path, self.data_dir):
                raise OSError("it lies outside the data folder")
            status = path.stat()
            if not stat.S_ISREG(status.st_mode) and not stat.S_ISDIR(status.st_mode):
                raise OSError("it is not a regular file")  # a FIFO or device would block the read, or never end
            if status.st_size > MAX_TEXT_BYTES:
                raise OSError(f"it is larger than {MAX_TEXT_BYTES:,} bytes")
            raw = path.read_bytes()
            text = raw.decode("utf-8").removeprefix("\ufeff")
        except FileNotFoundError:
            self.report(record, loc, f"text file not found: {self.show(path)}", "missing-text")
            return
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.report(record, loc, f"{self.show(path)}:{line}: not valid UTF-8", "encoding")
            return
        except OSError as exc:
            self.report(record, loc, f"cannot read {self.show(path)}: {exc.strerror or exc}", "unreadable")
            return
        bad = loader._FORBIDDEN.search(text)
        if bad:
            line = text.count("\n", 0, bad.start()) + 1
            self.report(
                record,
                loc,
                f"{self.show(path)}:{line}: control character U+{ord(bad.group()):04X}",
                "control-character",
            )
            return
        self.texts[record.id] = StoredText.of(text)
        if key is not None and self.cache is not None:
            self.cache[key] = self.texts[record.id]

    def citations(self, record: Loaded, loc: tuple[str | int, ...], citations: Iterable[schema.Citation]) -> None:
        for index, citation in enumerate(citations):
            here = (*loc, index)
            if citation.source not in self.loaded["source"]:
                self.ref(record, (*here, "source"), citation.source, "source")
                continue
            text = self.texts.get(citation.source)
            if text is None:
                continue
            span = text.find(citation.passage, citation.prefix, citation.suffix)
            if span is not None:
                self.spans[(citation.source, citation.passage, citation.prefix, citation.suffix)] = span
                continue
            if text.find(citation.passage) is not None:
                message = "the passage occurs in the source, but not between the given prefix and suffix"
                self.report(record, (*here, "passage"), message, "passage-not-found")
            else:
                message, detail = nearest.not_found(text, citation.passage, citation.source)
                self.report(record, (*here, "passage"), message, "passage-not-found")
                self.problems[-1] = replace(self.problems[-1], detail=detail)  # the word diff, on lines of its own

    def check(self) -> None:
        for record in self.loaded["source"].values():
            self.read_text(record)
        for kind, records in self.loaded.items():
            for record in records.values():
                self.check_record(kind, record)
        for record in self.partial:  # its references and passages too: every problem in one run
            self.check_record(record.kind, record)

    def check_record(self, kind: str, record: Loaded) -> None:
        raw = record.raw
        notes_cites: list[tuple[tuple[str | int, ...], Iterable[schema.Citation]]] = []
        if kind != "source":
            notes_cites.append((("sources",), raw.sources))
        if kind == "actor":
            for i, role in enumerate(raw.roles):
                self.ref(record, ("roles", i, "of"), role.of)
                self.interval(record, ("roles", i), role.start, role.end)
                notes_cites.append((("roles", i, "sources"), role.sources))
            for i, relation in enumerate(raw.relations):
                self.ref(record, ("relations", i, "actor"), relation.actor)
                self.interval(record, ("relations", i), relation.start, relation.end)
                notes_cites.append((("relations", i, "sources"), relation.sources))
        elif kind == "event":
            for i, actor in enumerate(raw.participants):
                self.ref(record, ("participants", i), actor)
        elif kind == "quote":
            self.ref(record, ("speaker",), raw.speaker)
            for i, actor in enumerate(raw.addressed_to):
                self.ref(record, ("addressed_to", i), actor)
            self.ref(record, ("event",), raw.event, "event")
        elif kind == "claim":
            self.ref(record, ("subject",), raw.subject)
            self.ref(record, ("according_to",), raw.according_to)
            self.ref(record, ("event",), raw.event, "event")
        for loc, citations in notes_cites:
            self.citations(record, loc, citations)

    def interval(self, record: Loaded, loc: tuple[str | int, ...], start: str | None, end: str | None) -> None:
        if start is None or end is None:
            return
        first, last = edtf.parse(start), edtf.parse(end)
        if (first.start and last.end and last.end.latest < first.start.earliest) or (
            first.start and last.start and last.start.latest < first.start.earliest
        ):
            self.report(record, (*loc, "end"), f"ends ({end}) before it starts ({start})", "interval")


def _partial(model_type: type[schema.Strict], data: dict[str, Any], errors: Iterable[Any]) -> Any:
    """A record without the fields that failed validation (empty instead), so the rest can still be checked."""
    failed = {error["loc"][0] for error in errors if error["loc"]}
    fields: dict[str, Any] = {}
    for name, info in model_type.model_fields.items():
        fields[name] = () if get_origin(info.annotation) is tuple else None
        if name not in failed and data.get(name) is not None:
            with contextlib.suppress(ValidationError):  # pydantic reported nothing for it: it validates alone
                fields[name] = TypeAdapter(info.rebuild_annotation()).validate_python(data[name])
    return model_type.model_construct(**fields)


Cache = dict[tuple[str, int, int, int], Any]


def _file_key(path: Path, shown: str) -> tuple[str, int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None  # reported when the file is read
    return (shown, info.st_size, info.st_mtime_ns, info.st_ino)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a symlink loop, say: reported when the file is read
        return False


def _inside(path: Path, folder: Path) -> bool:
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))
    except OSError:
        return False


def load(
    data_dir: Path | str,
    *,
    lang: str = "it",
    base: Path | None = None,
    cache: Cache | None = None,
    previous: model.Dossier | None = None,
) -> model.Dossier:
    """Load, validate and resolve a data folder; raise :class:`DossierError` with every problem found.

    ``cache``, a dict kept by the caller between runs (the MkDocs plugin does under ``mkdocs serve``), holds every
    valid record by file identity (path, size, modification time), so an edit re-reads only the files it touched.
    Records equal to those of the ``previous`` run come back as the very same objects, so that comparing what
    pages were made from (see :class:`dossier.render.Memo`) mostly compares identities.
    """
    with _no_cyclic_gc(freeze=not cache):  # a build, or the first load of `mkdocs serve`
        run = _Run(Path(data_dir), base, cache)
        for kind, record_id, path in run.discover():
            run.load(kind, record_id, path)
        run.check()
        run.forget_unused()
        if run.problems:
            raise DossierError(run.problems)
        return _Resolver(run, lang, previous).dossier()


@contextlib.contextmanager
def _no_cyclic_gc(freeze: bool) -> Iterator[None]:
    """Loading creates hundreds of thousands of objects and no reference cycles, so Python's cycle collector only
    re-scans the growing heap again and again (a third of the load time of a 18,500-record dossier). Off while
    loading; reference counting still frees everything as usual, frozen or not."""
    enabled = gc.isenabled()
    if freeze:
        gc.collect()  # before freezing: no garbage kept for good (under serve, the plugin collects between rebuilds)
    gc.disable()
    try:
        yield
    finally:
        # Nothing loaded is cyclic garbage: move it out of the collector's sight for good, so that neither the
        # first collection after this nor every later one (during the MkDocs build) scans the whole dossier.
        # Under `mkdocs serve`, only on the first load (which serve's own configuration outlives anyway): a later
        # freeze would also freeze that rebuild's configuration and plugins, alive while it loads, and with them
        # every page they reach once the rebuild is over (90 MB more per rebuild of M, never freed).
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


# 5. resolve --------------------------------------------------------------------------------------------------
def _date(text: str | None) -> edtf.Edtf | None:
    return edtf.parse(text) if text is not None else None


def _notes(notes: Iterable[schema.Note]) -> tuple[model.Note, ...]:
    return tuple(model.Note(text=n.text, kind=n.kind) for n in notes)


_R = TypeVar("_R", model.Actor, model.Event, model.Quote, model.Claim, model.Source)


class _Resolver:
    def __init__(self, run: _Run, lang: str, previous: model.Dossier | None = None) -> None:
        self.run = run
        self.lang = lang
        self.previous: dict[tuple[str, str], model.Record] = {}
        if previous is not None and previous.lang == lang:
            for records in (previous.sources, previous.actors, previous.events, previous.quotes, previous.claims):
                self.previous.update(((r.record_kind, r.id), r) for r in records)
        raw = run.loaded
        # In this order, so that a record refers to records already kept from the previous run where equal.
        self.sources = {i: self._kept(self._source(r.id, r.raw)) for i, r in sorted(raw["source"].items())}
        self.actors = {i: self._kept(self._actor(r.id, r.raw)) for i, r in sorted(raw["actor"].items())}
        self.events = {i: self._kept(self._event(r.id, r.raw)) for i, r in sorted(raw["event"].items())}
        self.quotes = {i: self._kept(self._quote(r.id, r.raw)) for i, r in sorted(raw["quote"].items())}
        self.claims = {i: self._kept(self._claim(r.id, r.raw)) for i, r in sorted(raw["claim"].items())}

    def _kept(self, record: _R) -> _R:
        old = self.previous.get((record.record_kind, record.id))
        return old if old is not None and old == record else record

    def _citations(self, citations: Iterable[schema.Citation]) -> tuple[model.Citation, ...]:
        result = []
        for c in citations:
            text = self.run.texts.get(c.source)
            result.append(
                model.Citation(
                    source=self.sources[c.source], passage=c.passage, prefix=c.prefix, suffix=c.suffix,
                    locator=c.locator, notes=_notes(c.notes),
                    span=self.run.spans.get((c.source, c.passage, c.prefix, c.suffix)) if text else None,
                )
            )  # fmt: skip
        return tuple(result)

    def _source(self, source_id: str, raw: schema.Source) -> model.Source:
        return model.Source(
            id=source_id, title=raw.title, kind=raw.kind, lang=raw.lang, published=_date(raw.published),
            author=raw.author, publisher=raw.publisher, url=raw.url, archive_url=raw.archive_url,
            accessed=_date(raw.accessed), text=self.run.texts.get(source_id), summary=raw.summary,
            tags=raw.tags, notes=_notes(raw.notes),
        )  # fmt: skip

    def _ref(self, actor_id: str) -> model.ActorRef:
        raw = self.run.loaded["actor"][actor_id].raw
        return model.ActorRef(id=actor_id, name=raw.name, kind=raw.kind)

    def _actor(self, actor_id: str, raw: schema.Actor) -> model.Actor:
        roles = tuple(
            model.Role(
                title=r.title, of=self._ref(r.of) if r.of else None, start=_date(r.start), end=_date(r.end),
                citations=self._citations(r.sources), notes=_notes(r.notes),
            )
            for r in raw.roles
        )  # fmt: skip
        relations = tuple(
            model.Relation(
                actor=self._ref(r.actor), label=r.label, start=_date(r.start), end=_date(r.end),
                citations=self._citations(r.sources), notes=_notes(r.notes),
            )
            for r in raw.relations
        )  # fmt: skip
        return model.Actor(
            id=actor_id, name=raw.name, kind=raw.kind, summary=raw.summary, aliases=raw.aliases, roles=roles,
            relations=relations, tags=raw.tags, citations=self._citations(raw.sources), notes=_notes(raw.notes),
        )  # fmt: skip

    def _event(self, event_id: str, raw: schema.Event) -> model.Event:
        return model.Event(
            id=event_id, title=raw.title, date=edtf.parse(raw.date), date_text=raw.date_text, place=raw.place,
            participants=tuple(self.actors[a] for a in raw.participants), summary=raw.summary, tags=raw.tags,
            citations=self._citations(raw.sources), notes=_notes(raw.notes),
        )  # fmt: skip

    def _quote(self, quote_id: str, raw: schema.Quote) -> model.Quote:
        event = self.events[raw.event] if raw.event else None
        original = raw.original
        return model.Quote(
            id=quote_id, speaker=self.actors[raw.speaker], text=raw.text, form=raw.form, lang=raw.lang or self.lang,
            addressed_to=tuple(self.actors[a] for a in raw.addressed_to), event=event,
            date=_date(raw.date) or (event.date if event else None), date_text=raw.date_text,
            original=model.Original(lang=original.lang, text=original.text, notes=_notes(original.notes))
            if original else None,
            tags=raw.tags, citations=self._citations(raw.sources), notes=_notes(raw.notes),
        )  # fmt: skip

    def _claim(self, claim_id: str, raw: schema.Claim) -> model.Claim:
        value = raw.value
        event = self.events[raw.event] if raw.event else None
        return model.Claim(
            id=claim_id, statement=raw.statement, subject=self.actors[raw.subject], status=raw.status,
            confidence=raw.confidence, topic=raw.topic, event=event,
            according_to=self.actors[raw.according_to] if raw.according_to else None,
            value=model.Value(amount=value.amount, approximate=value.approximate == "true", unit=value.unit)
            if value else None,
            date=_date(raw.date) or (event.date if event else None), date_text=raw.date_text, tags=raw.tags,
            citations=self._citations(raw.sources), notes=_notes(raw.notes),
        )  # fmt: skip

    def dossier(self) -> model.Dossier:
        events = tuple(sorted(self.events.values(), key=lambda e: (e.date.sort_key, e.id)))
        undated = ("9999", "9999", "")
        quotes = tuple(sorted(self.quotes.values(), key=lambda q: (q.date.sort_key if q.date else undated, q.id)))
        claims = tuple(self.claims.values())
        actors = tuple(self.actors.values())
        sources = tuple(self.sources.values())

        links: dict[str, dict[str, list[Any]]] = {a: defaultdict(list) for a in self.actors}
        for event in events:
            for actor in dict.fromkeys(a.id for a in event.participants):
                links[actor]["events"].append(event)
        for quote in quotes:
            links[quote.speaker.id]["quotes_by"].append(quote)
            for actor in dict.fromkeys(a.id for a in quote.addressed_to):
                links[actor]["quotes_to"].append(quote)
        for claim in claims:
            links[claim.subject.id]["claims_about"].append(claim)
            if claim.according_to:
                links[claim.according_to.id]["claims_by"].append(claim)
        for mentioner in actors:
            named = {r.of.id for r in mentioner.roles if r.of} | {r.actor.id for r in mentioner.relations}
            for other in sorted(named - {mentioner.id}):
                links[other]["mentioned_in"].append(mentioner)

        citations_of: dict[str, list[tuple[model.Record, model.Citation]]] = defaultdict(list)
        records: tuple[model.Record, ...] = (*actors, *events, *quotes, *claims)
        for record in records:
            for citation in _all_citations(record):
                citations_of[citation.source.id].append((record, citation))

        return model.Dossier(
            lang=self.lang, actors=actors, events=events, quotes=quotes, claims=claims, sources=sources,
            actor_links=MappingProxyType(
                {a: model.ActorLinks(**{k: tuple(v) for k, v in d.items()}) for a, d in links.items()}
            ),
            citations_of=MappingProxyType({s: tuple(v) for s, v in sorted(citations_of.items())}),
        )  # fmt: skip


def _all_citations(record: model.Record) -> Iterator[model.Citation]:
    if isinstance(record, model.Source):
        return
    yield from record.citations
    if isinstance(record, model.Actor):
        for role in record.roles:
            yield from role.citations
        for relation in record.relations:
            yield from relation.citations
