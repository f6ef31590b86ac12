"""Errors in dossier data: one structured type, formatted in one place.

Every problem found in `data/` becomes a :class:`Problem` that knows its file, line, column, record and field.
A run collects all of them, then raises one :class:`DossierError`; nothing else is meant to escape the
pipeline for bad input.
"""

from __future__ import annotations

import difflib
import json
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
DETAIL_INDENT = "    "
DETAIL_WIDTH = 100  # characters of a detail line, indentation included


@dataclass(frozen=True, kw_only=True, slots=True, order=True)
class Problem:
    """One problem in the data, located as precisely as the input allows."""

    path: str  # '/'-separated, relative to the project (or to the current directory)
    line: int = 0  # 1-based; 0 when the problem concerns the file as a whole
    column: int = 0  # 1-based; 0 when unknown
    kind: str = ""  # record kind ('actor', 'quote', ...), '' when the file is not a record
    id: str = ""
    field: str = ""  # dotted path inside the record, e.g. 'sources[0].passage'
    message: str
    code: str = "invalid"  # a stable short name for the kind of problem, for tools and tests
    detail: str = ""  # more lines, printed indented under the problem (a word diff, ...); '' when none

    def __str__(self) -> str:
        """The problem on one line, then its detail (if any) on indented lines, wrapped to the width of a terminal."""
        if not self.detail:
            return self.head()
        lines = [self.head()]
        for line in self.detail.splitlines():
            width = DETAIL_WIDTH - len(DETAIL_INDENT)
            wrapped = textwrap.wrap(_safe(line), width=width, break_long_words=False, break_on_hyphens=False)
            lines.extend(DETAIL_INDENT + part for part in wrapped or [""])
        return "\n".join(lines)

    def head(self) -> str:
        """``path:line:column: kind 'id': field: message``, on one line."""
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        parts = [where]
        if self.kind:
            parts.append(f"{self.kind} '{self.id}'")
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        # One problem per line, and nothing from a file name or a value can drive the terminal.
        return _safe(": ".join(parts))


def _safe(text: str) -> str:
    """Control characters (line breaks included) escaped, so that no value can drive the terminal."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class DossierError(Exception):
    """The data has problems; all of them are in :attr:`problems`, sorted by file and line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        super().__init__(self.summary())

    def summary(self) -> str:
        count = len(self.problems)
        return f"{count} problem{'s' if count != 1 else ''} in the dossier data"

    def __str__(self) -> str:
        return format_text(self.problems)


def format_text(problems: Sequence[Problem]) -> str:
    """One problem per line (its detail, if any, on indented lines after it), then a count."""
    lines = [str(p) for p in problems]
    count = len(problems)
    lines.append(f"{count} problem{'s' if count != 1 else ''} found.")
    return "\n".join(lines)


def format_json(problems: Sequence[Problem]) -> str:
    """A JSON list of problems, for editors' tools."""
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2)


def _escape_github(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(problems: Sequence[Problem], *, level: str = "error") -> str:
    """GitHub Actions workflow commands, so problems show inline on a pull request (``level``: error, warning)."""
    lines = []
    for p in problems:
        props = [f"file={_escape_github(p.path, prop=True)}"]
        if p.line:
            props.append(f"line={p.line}")
        if p.column:
            props.append(f"col={p.column}")
        props.append(f"title={_escape_github('dossier ' + p.code, prop=True)}")
        label = f"{p.kind} '{p.id}': " if p.kind else ""
        field = f"{p.field}: " if p.field else ""
        detail = f"\n{p.detail}" if p.detail else ""
        lines.append(f"::{level} {','.join(props)}::{_escape_github(label + field + p.message + detail)}")
    return "\n".join(lines)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a close candidate exists, else ''."""
    match = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""
