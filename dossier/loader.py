"""Strict YAML: every scalar is a string, one mapping per file, and the position of every value is kept.

PyYAML's ``safe_load`` turns ``no`` into ``False``, ``0123`` into ``83`` and crashes on ``2025-02-30``; it keeps
the last of two duplicate keys silently, expands alias bombs and lets foreign exceptions escape on odd tags.
This loader reads libyaml's *event stream* instead (the C parser where installed) and builds plain
``dict``/``list``/``str`` values itself, so types come only from the schema and every problem is a
:class:`~dossier.errors.Problem` with a line and column. A parse that keeps no positions (a check, a build) reads a
valid file faster from the node tree libyaml composes, untyped, and leaves every file it cannot vouch for to the
event loop.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dossier.errors import Problem

try:  # libyaml's parser is about 10x faster; the pure-Python one behaves the same here.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 16
_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)  # O_BINARY: Windows, no newline mapping

Loc = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line and column

# C0 controls except tab, LF and CR; DEL; C1 controls; lone surrogates; the two non-characters U+FFFE/U+FFFF.
_FORBIDDEN_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_FORBIDDEN = re.compile(f"[{_FORBIDDEN_CHARACTERS}]")
# YAML also breaks lines at U+2028/U+2029, which editors do not show: every later line number would be off.
_SEPARATORS = re.compile("[\u2028\u2029]")
_UNWANTED = re.compile(f"[{_FORBIDDEN_CHARACTERS}\u2028\u2029]")  # either, in one pass over a text
_LINE_BREAK = re.compile("\r\n|\r|\n")  # as YAML counts lines
# Byte-order marks of the encodings refused by name; UTF-32's first, since UTF-16's little-endian mark begins it.
_WIDE_ENCODINGS = (("UTF-32", (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")), ("UTF-16", (b"\xff\xfe", b"\xfe\xff")))


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed file: its data, and where each value and key sits in the file."""

    path: str  # as shown in messages
    data: dict[str, Any]
    values: dict[Loc, Position] = field(repr=False)  # loc -> position of the value
    keys: dict[Loc, Position] = field(repr=False)  # loc -> position of the key naming it
    located: bool = True  # False: parsed without positions (they are read again only to report a problem)

    def position(self, loc: Loc, *, key: bool = False) -> Position:
        """The position of ``loc``, or of its nearest enclosing value that has one."""
        table = self.keys if key else self.values
        while loc:
            if loc in table:
                return table[loc]
            if not key and loc in self.keys:
                return self.keys[loc]
            loc = loc[:-1]
        return self.values.get((), (1, 1))


class LoadError(Exception):
    """Raised by :func:`parse` with the problems that stopped it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _too_large(size: int, path: str) -> LoadError:
    message = f"file is {size:,} bytes; at most {MAX_FILE_BYTES:,} are allowed"
    return LoadError([Problem(path=path, code="too-large", message=message)])


def _describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def _decode(raw: bytes, path: str) -> str:
    for name, marks in _WIDE_ENCODINGS:
        if raw.startswith(marks):
            raise LoadError(
                [Problem(path=path, line=1, column=1, code="encoding", message=f"file is {name}: save it as UTF-8")]
            )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise LoadError(
            [
                Problem(
                    path=path,
                    line=line,
                    column=column,
                    code="encoding",
                    message=f"invalid UTF-8 byte 0x{raw[exc.start]:02X}: save the file as UTF-8",
                )
            ]
        ) from None
    # A UTF-8 byte-order mark is harmless and some Windows editors add it: accept it.
    return text.removeprefix("\ufeff")


def _check_characters(text: str, path: str) -> None:
    if _UNWANTED.search(text) is None:
        return  # the common case: one pass over the text, in C
    problems = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if match := _FORBIDDEN.search(line):
            message = f"control character {_describe(match.group())} is not allowed"
        elif match := _SEPARATORS.search(line):
            message = f"line separator {_describe(match.group())} is not allowed: use a normal line break"
        else:
            continue
        problems.append(
            Problem(path=path, line=number, column=match.start() + 1, code="control-character", message=message)
        )
    if problems:
        raise LoadError(problems)


def _syntax_problem(exc: yaml.YAMLError, path: str, text: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    # libyaml says "found a tab character" or only "found character that cannot start any token": look at the line.
    lines = _LINE_BREAK.split(text)
    before = lines[line - 1][:column] if 0 < line <= len(lines) else ""
    if "\t" in before[: len(before) - len(before.lstrip(" \t"))] or "tab character" in problem:
        message += "; indent with spaces, not tabs"
    elif "\\t" in problem or "\t" in before:
        message += "; write spaces instead of tabs, or quote the text"
    elif "mapping values are not allowed" in problem:
        message += "; a text containing ': ' must be quoted"
    return Problem(path=path, line=line, column=column, code="yaml-syntax", message=message)


def parse(raw: bytes, path: str, *, positions: bool = True, watch: frozenset[str] = frozenset()) -> Document:
    """Parse one YAML file's bytes into a :class:`Document`, or raise :class:`LoadError`.

    Without ``positions`` the document keeps no position of its values (a valid file needs none, and not recording
    them is a fifth of the parsing) but for those of the mapping keys in ``watch``, wherever they are (a warning
    that valid files may get points at them: one more parse of the file otherwise); the file's own problems are
    still reported with their lines and columns.
    """
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large(len(raw), path)
    text = _decode(raw, path)
    _check_characters(text, path)
    if not positions:
        composed = _composed(text, watch)
        if composed is not None:
            return Document(path=path, data=composed[0], values=composed[1], keys={}, located=False)
    try:
        return _build(text, path, positions, watch)
    except yaml.YAMLError as exc:
        raise LoadError([_syntax_problem(exc, path, text)]) from None


def _may_hold_properties(text: str) -> bool:
    """Whether a tag, an anchor or an alias may begin a node in ``text``: a !, & or * after a line's indentation,
    after "- ", after "?" (in a flow, a key's indicator even with no space after it), after ":" or a flow indicator;
    or anywhere in a text holding a byte-order mark, which libyaml skips at the start of any line. Text can answer
    yes ("- *nota*", a line of Markdown beginning "**"): such a file only takes the event loop."""
    if "\ufeff" in text:  # (the one a file may begin with is gone: see _decode)
        return True
    for mark in "!&*":  # str.find: most files hold none (M: 9 ms, against 46 ms with a regular expression)
        start = text.find(mark)
        while start != -1:
            before = start
            while before and text[before - 1] in " \t":
                before -= 1
            if not before or text[before - 1] in "\r\n:[{,?" or (text[before - 1] == "-" and before < start):
                return True
            start = text.find(mark, start + 1)
    return False


class _Declined(Exception):
    """The composed file has something to report: the event loop reports it, with its line and column."""


_Composer: Any = None  # libyaml's composer, where PyYAML has libyaml 0.2.6 or later
# Before 0.2.6 libyaml set no limit to nesting, and PyYAML's composer recurses in C: 50,000 "[" would crash Python
# (PyYAML 6.0.3's wheels carry 0.2.5; 6.0.4's, 0.2.6, which stops at 1,000 levels).
if yaml.__with_libyaml__ and yaml._yaml.get_version() >= (0, 2, 6):

    class _CComposer(yaml.CSafeLoader):
        """libyaml's own composer, in C, with every node's tag left unresolved: nothing is typed here."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            return ""

    _Composer = _CComposer


def _composed(text: str, watch: frozenset[str]) -> tuple[dict[str, Any], dict[Loc, Position]] | None:
    """A valid file's data (and the positions of the values of ``watch``, and of the root), built from the node tree
    libyaml composes in C (M's 18,430 records: 0.63 s, against 0.79 s through the event loop). None for any file with
    something to report, or that may hold a tag, an anchor or an alias, which the composer does not show: the event
    loop then reads it and says what is wrong. Both read a valid file alike (tests/test_loader.py), from the same
    parser."""
    if _Composer is None or _may_hold_properties(text):
        return None
    parser = _Composer(text)
    try:
        root = parser.get_single_node()  # None for an empty file; a second document raises
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()
    if type(root) is not yaml.MappingNode:
        return None
    values: dict[Loc, Position] = {(): (root.start_mark.line + 1, root.start_mark.column + 1)}
    seen: set[int] = set()  # the collections built: an alias is a node met twice (the text check should leave none)
    # The raw text holds no forbidden character (checked before): only escapes in double quotes can make one.
    escaped = _FORBIDDEN.search if "\\" in text else None
    scalar_node, mapping_node = yaml.ScalarNode, yaml.MappingNode

    def build(node: Any, loc: Loc, depth: int) -> Any:  # (scalars read inline: this runs for every node of a file)
        if depth >= MAX_DEPTH or id(node) in seen:
            raise _Declined
        seen.add(id(node))
        if type(node) is mapping_node:
            mapping: dict[str, Any] = {}
            for key, item in node.value:
                if type(key) is not scalar_node:
                    raise _Declined
                name = key.value
                if (not name and not key.style) or name in mapping:  # a plain empty key is no key
                    raise _Declined
                if escaped is not None and key.style == '"' and escaped(name) is not None:
                    raise _Declined
                if watch and name in watch:
                    values[(*loc, name)] = (item.start_mark.line + 1, item.start_mark.column + 1)
                if type(item) is scalar_node:
                    value = item.value
                    if not item.style:  # plain: libyaml gives "" for `field:` with nothing after it
                        mapping[name] = value or None
                    elif escaped is not None and item.style == '"' and escaped(value) is not None:
                        raise _Declined
                    else:
                        mapping[name] = value
                else:
                    mapping[name] = build(item, (*loc, name), depth + 1)
            return mapping
        items: list[Any] = []
        for index, item in enumerate(node.value):
            if type(item) is scalar_node:
                value = item.value
                if not item.style:
                    items.append(value or None)
                elif escaped is not None and item.style == '"' and escaped(value) is not None:
                    raise _Declined
                else:
                    items.append(value)
            else:
                items.append(build(item, (*loc, index), depth + 1))
        return items

    try:
        return build(root, (), 0), values
    except _Declined:
        return None


class _Open:
    """A mapping or list being built, with what the next event attaches to."""

    __slots__ = ("container", "is_map", "key", "loc", "seen")

    def __init__(self, container: Any, loc: Loc) -> None:
        self.container = container
        self.is_map = type(container) is dict
        self.loc = loc
        self.key: Any = _NO_KEY  # in a mapping: the pending key, _NO_KEY before a key, None after a refused one
        self.seen: dict[str, int] = {}  # key -> line, to name both lines of a duplicate


_NO_KEY = object()


def _build(text: str, path: str, positions: bool = True, watch: frozenset[str] = frozenset()) -> Document:
    """The event loop: runs once per YAML event of every file, so it is kept tight."""
    values: dict[Loc, Position] = {}
    keys: dict[Loc, Position] = {}
    problems: list[Problem] = []

    def problem(mark: Any, message: str, code: str) -> None:
        problems.append(Problem(path=path, line=mark.line + 1, column=mark.column + 1, code=code, message=message))

    stack: list[_Open] = []
    root: Any = None
    documents = 0

    def attach(value: Any, mark: Any) -> Loc | None:
        """Attach a finished value to its parent; returns its loc, or None when it is a mapping's key."""
        nonlocal root
        if not stack:
            root = value
            values[()] = (mark.line + 1, mark.column + 1)
            return ()
        top = stack[-1]
        if not top.is_map:
            if not positions:
                top.container.append(value)
                if watch and (type(value) is dict or type(value) is list):  # on the way to a watched key
                    return (*top.loc, len(top.container) - 1)
                return ()
            child: Loc = (*top.loc, len(top.container))
            top.container.append(value)
            values[child] = (mark.line + 1, mark.column + 1)
            return child
        name = top.key
        if name is _NO_KEY:  # this value is a key
            if type(value) is not str:
                problem(mark, "a key must be a plain word, not a list or mapping", "yaml-key")
                top.key = None
            elif value in top.seen:
                problem(mark, f"duplicate key '{value}' (first given at line {top.seen[value]})", "duplicate-key")
                top.key = None
            else:
                top.seen[value] = mark.line + 1
                top.key = value
                if positions:
                    keys[(*top.loc, value)] = (mark.line + 1, mark.column + 1)
            return None
        top.key = _NO_KEY
        if name is None:
            return None
        top.container[name] = value
        if not positions:
            if watch and (name in watch or type(value) is dict or type(value) is list):
                where = (*top.loc, name)
                if name in watch:
                    values[where] = (mark.line + 1, mark.column + 1)
                return where
            return ()
        child = (*top.loc, name)
        values[child] = (mark.line + 1, mark.column + 1)
        return child

    def refuse_decoration(event: Any) -> bool:
        if getattr(event, "anchor", None) is not None:
            problem(event.start_mark, "anchors (&) are not allowed: write the value out", "yaml-anchor")
            return True
        if getattr(event, "tag", None) is not None:
            problem(event.start_mark, f"explicit tags ({event.tag}) are not allowed", "yaml-tag")
            return True
        return False

    scalar, alias = yaml.ScalarEvent, yaml.AliasEvent
    mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    document_start, stream_end = yaml.DocumentStartEvent, yaml.StreamEndEvent
    forbidden = _FORBIDDEN.search
    parser = _Loader(text)
    get_event = parser.get_event
    try:
        while True:
            event: Any = get_event()
            kind = type(event)
            if kind is scalar:
                if event.anchor is not None or event.tag is not None:
                    refuse_decoration(event)
                    attach("", event.start_mark)
                    continue
                value: Any = event.value
                style = event.style
                if not style and value == "":  # plain style: None from PyYAML, "" from libyaml
                    value = None  # `field:` with nothing after it
                elif style == '"' and (bad := forbidden(value)) is not None:
                    # Only escapes in double quotes can make these: the raw text was checked already.
                    message = f"control character {_describe(bad.group())} is not allowed"
                    problem(event.start_mark, message, "control-character")
                attach(value, event.start_mark)
            elif kind is mapping_end or kind is sequence_end:
                stack.pop()
            elif kind is mapping_start or kind is sequence_start:
                refuse_decoration(event)
                if len(stack) >= MAX_DEPTH:
                    problem(event.start_mark, f"nesting deeper than {MAX_DEPTH} levels", "too-deep")
                    raise LoadError(problems)
                container: Any = {} if kind is mapping_start else []
                loc = attach(container, event.start_mark)
                stack.append(_Open(container, loc if loc is not None else ("?",)))
            elif kind is alias:
                problem(event.start_mark, "aliases (*) are not allowed: write the value out", "yaml-alias")
                attach("", event.start_mark)
            elif kind is document_start:
                documents += 1
                if documents > 1:
                    problem(event.start_mark, "only one YAML document per file (remove the '---')", "yaml-documents")
                    break
            elif kind is stream_end or event is None:
                break
    finally:
        parser.dispose()
    if problems:
        raise LoadError(problems)
    if root is None:
        raise LoadError(
            [
                Problem(
                    path=path,
                    line=1,
                    column=1,
                    code="empty",
                    message="empty file: expected a mapping of fields",
                )
            ]
        )
    if not isinstance(root, dict):
        line, column = values[()]
        found = "a list" if isinstance(root, list) else "a single text"
        raise LoadError(
            [
                Problem(
                    path=path,
                    line=line,
                    column=column,
                    code="not-a-mapping",
                    message=f"expected a mapping of fields, found {found}",
                )
            ]
        )
    return Document(path=path, data=root, values=values, keys=keys, located=positions)


def read(
    file_path: str | Path, shown_as: str, *, positions: bool = True, watch: frozenset[str] = frozenset()
) -> Document:
    """Read and parse a file; every failure, I/O included, becomes a :class:`LoadError`."""
    try:
        status = os.stat(file_path)
        if not stat.S_ISREG(status.st_mode):  # a FIFO or device would block the read, or never end
            raise LoadError([Problem(path=shown_as, code="unreadable", message="cannot read file: not a regular file")])
        size = status.st_size
        if size > MAX_FILE_BYTES:
            raise _too_large(size, shown_as)  # refused without reading it
        raw = _read_bytes(file_path, size)
    except OSError as exc:
        raise LoadError(
            [Problem(path=shown_as, code="unreadable", message=f"cannot read file: {exc.strerror}")]
        ) from None
    return parse(raw, shown_as, positions=positions, watch=watch)


def _read_bytes(file_path: str | Path, size: int) -> bytes:
    """The file's bytes (``size`` expected), by the system calls alone: a dossier's check reads some 19,000 small
    files, and Python's buffered file objects cost more than the reading (0.23 s against 0.12 s on M)."""
    descriptor = os.open(file_path, _READ)
    try:
        chunks = []
        total = 0
        while total <= MAX_FILE_BYTES and (chunk := os.read(descriptor, size + 1)):
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)
