"""``dossier new``: a starting record of any kind, written from its declaration.

Every required field is there, with an empty value (``""``) where only the editor can say what goes in: until it is
filled, ``dossier check`` points at that line ("must not be empty"). A field with a set of values starts at the
first, with the others listed. Optional fields are there as comments saying what they take, so an editor
uncomments what they need. A citation can be filled in from the start: its passage is verified against the
source's stored text, with ``prefix``/``suffix`` when it occurs more than once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dossier import candidates, nearest
from dossier.registry import Field, Kind, plan
from dossier.schema import DATE, FLAG, Strict
from dossier.text import StoredText, normalise

EMPTY = '""'


class ScaffoldError(Exception):
    """The record cannot be started: the message says why, ``detail`` (if any) shows more."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Cite:
    """A verified citation to put in the new record."""

    source: str
    passage: str
    prefix: str | None = None
    suffix: str | None = None


def verified(text: StoredText, source_id: str, passage: str) -> Cite:
    """A citation of ``passage`` in ``text``, told apart by prefix and suffix when it occurs more than once;
    :class:`ScaffoldError` with the closest stretch of the text when it does not occur."""
    if text.find(passage) is None:
        message, detail = nearest.not_found(text, passage, source_id)
        raise ScaffoldError(message, detail)
    needle = normalise(passage)
    positions = candidates._occurrences(text.normal, needle)
    prefix, suffix, left = candidates._context(text.normal, positions[0], needle, positions)
    if left:
        raise ScaffoldError(
            f"the passage occurs {len(positions)} times in source '{source_id}' and no nearby words tell them apart: "
            "cite a longer passage"
        )
    return Cite(source=source_id, passage=passage, prefix=prefix or None, suffix=suffix or None)


def _hint(part: Field) -> str:
    """What a field takes, in a few words."""
    if part.link is not None:
        kinds = " or ".join(part.link.kinds)
        return f"the id of {'an' if kinds[0] in 'aeiou' else 'a'} {kinds}"
    if part.choices is not None:
        return "one of: " + " | ".join(part.choices.values)
    if part.convert is DATE:
        return "a date: 2025, 2025-09, 2025-09-03, 2025-06~, 2024-08/2025-04, ../2025"
    if part.convert is FLAG:
        return "true or false"
    if part.stored is not None:
        return "the name of a .txt file beside this one"
    return {"markdown": "Markdown", "url": "an http(s) address", "lang": "a language code: it, en, ru, ...",
            "number": "a number: 15000, 2.5"}.get(part.format or "", "")  # fmt: skip


def _note(part: Field) -> str:
    """The comment after a field: required or not, and what it takes (its description, else a hint)."""
    hint = _hint(part)
    said = part.description or ("" if part.choices else hint)
    words = [w for w in ("required" if part.required else "", hint if part.choices else "", said) if w]
    return f"  # {'; '.join(words)}" if words else ""


def _lines(model: type[Strict], indent: str, *, off: bool, cite: Cite | None = None, depth: int = 0) -> list[str]:
    """One item of ``model`` as YAML lines at ``indent``; ``off``: every line commented out. An optional part is
    shown field by field only at the top (a role's fields, not its citations' notes)."""
    lines: list[str] = []
    for part in plan(model):
        hidden = off or not (part.required or (part.cites and cite is not None))
        mark = "# " if hidden else ""
        if part.model is None:
            value = "" if hidden else (part.choices.values[0] if part.choices else EMPTY)
            if part.many and not hidden:
                value = f"[{EMPTY}]"
            lines.append(f"{indent}{mark}{part.name}: {value}".rstrip() + _note(part))
            continue
        lines.append(f"{indent}{mark}{part.name}:" + _note(part))
        if part.cites and cite is not None and not off:
            item = [f"{k}: {candidates.yaml_scalar(v)}" for k, v in _cited(cite, part.model)]
            lines.append(f"{indent}  - {item[0]}")
            lines.extend(f"{indent}    {line}" for line in item[1:])
            continue
        if hidden and depth > 0:
            continue
        inner = _lines(part.model, indent + ("    " if part.many else "  "), off=hidden, depth=depth + 1)
        if part.many and inner:  # the first line of the item starts the list: '- '
            first = inner[0][len(indent) + 4 :]
            inner[0] = f"{indent}  # - {first[2:]}" if first.startswith("# ") else f"{indent}  - {first}"
        lines.extend(inner)
    return lines


def _cited(cite: Cite, model: type[Strict]) -> list[tuple[str, str]]:
    """(field, value) of a citation, in the declaration's order."""
    values = {"passage": cite.passage, "prefix": cite.prefix, "suffix": cite.suffix}
    found = []
    for part in plan(model):
        value = cite.source if part.link is not None else values.get(part.name)
        if value is not None:
            found.append((part.name, value))
    return found


def starting_record(kind: Kind, record_id: str, path_shown: str, cite: Cite | None = None) -> str:
    """The text of a new record of ``kind``."""
    head = (
        f'# {path_shown}: a new {kind.name}. Fill in every "" (dossier check points at each one until it is filled),\n'
        "# uncomment the optional fields you need, then run: dossier check\n"
    )
    return head + "\n".join(_lines(kind.model, "", off=False, cite=cite)) + "\n"


def write_new(path: Path, text: str) -> None:
    """Create ``path`` with ``text``; never replaces a file (``FileExistsError`` when there is one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
