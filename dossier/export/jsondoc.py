"""The whole dossier as one JSON document, its JSON Schema, and the reader that turns it back into records.

One record per line (``{"actors": [\\n{...},\\n{...}\\n], ...}``): a diff of two exports shows the records that
changed, and every record is encoded by the C encoder of :mod:`json` (an indented dump is ten times slower).
Dates are EDTF strings as in the data files; ids stay ids; a source's stored text is under ``stored_text``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from dossier.export.neutral import Citation, Dossier, Field, Item, Kind, Note, Record, Value, When

FORMAT = "dossier-export/1"
SCHEMA_NAME = "dossier.schema.json"
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
EDTF_PATTERN = r"^(\.\.|[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?[~?%]?)?(/(\.\.|[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?[~?%]?)?)?$"
LANG_PATTERN = r"^[a-z]{2,3}(-[A-Z]{2})?$"
NUMBER_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
BODY = "stored_text"  # a source's full text

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def dumps(value: Any) -> str:
    """Compact JSON, non-ASCII kept: the one encoding every export of this package uses."""
    return _encode(value)


def dump_pretty(value: Any) -> bytes:
    """Indented JSON for small files meant to be read (schemas, descriptors), ending with a newline."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# -- writing ---------------------------------------------------------------------------------------------------
def _note(note: Note) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if note.kind:
        out["kind"] = note.kind
    out["text"] = note.text
    if note.date:
        out["date"] = note.date
    return out


def _citation(c: Citation) -> dict[str, Any]:
    out: dict[str, Any] = {"source": c.source, "passage": c.passage}
    for name in ("prefix", "suffix", "locator"):
        value = getattr(c, name)
        if value is not None:
            out[name] = value
    if c.span is not None:
        out["span"] = list(c.span)
    if c.notes:
        out["notes"] = [_note(n) for n in c.notes]
    return out


def _value(f: Field, value: Value) -> Any:
    if isinstance(value, When):
        return value.edtf
    if isinstance(value, Item):
        return _item(value, f.fields)
    if isinstance(value, tuple):
        return [_item(v, f.fields) if isinstance(v, Item) else v for v in value]
    return value


def _item(item: Item, fields: tuple[Field, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields:
        value = item.values.get(f.name)
        if value is not None:
            out[f.name] = _value(f, value)
    if item.citations:
        out["citations"] = [_citation(c) for c in item.citations]
    if item.notes:
        out["notes"] = [_note(n) for n in item.notes]
    return out


def record_json(record: Record, kind: Kind) -> dict[str, Any]:
    """One record as JSON data: ``id``, then its fields in declared order, citations, notes."""
    out: dict[str, Any] = {"id": record.id, **_item(record, kind.fields)}
    if record.updated:
        out["updated"] = record.updated
    if record.text_body is not None:
        out[BODY] = record.text_body
    return out


def to_json(dossier: Dossier) -> bytes:
    """The whole dossier as JSON bytes (UTF-8), one record per line."""
    head = {"$schema": SCHEMA_NAME, "format": FORMAT, "title": dossier.title, "lang": dossier.lang}
    parts = ["{", dumps(head)[1:-1]]
    for kind in dossier.kinds:
        records = dossier.records.get(kind.name, ())
        lines = ",\n".join(dumps(record_json(r, kind)) for r in records)
        parts.append(f',\n"{kind.plural}":[\n{lines}\n]' if records else f',\n"{kind.plural}":[]')
    parts.append("\n}\n")
    return "".join(parts).encode("utf-8")


# -- reading ---------------------------------------------------------------------------------------------------
class JsonFormatError(ValueError):
    """The JSON is not a dossier export; the message says where and what."""


def _read_note(data: Mapping[str, Any]) -> Note:
    return Note(text=data["text"], kind=data.get("kind"), date=data.get("date"))


def _read_citation(data: Mapping[str, Any]) -> Citation:
    span = data.get("span")
    return Citation(
        source=data["source"], passage=data["passage"], prefix=data.get("prefix"), suffix=data.get("suffix"),
        locator=data.get("locator"), span=(span[0], span[1]) if span is not None else None,
        notes=tuple(_read_note(n) for n in data.get("notes", ())),
    )  # fmt: skip


def _read_values(data: Mapping[str, Any], fields: tuple[Field, ...], when: Callable[[str], When]) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for f in fields:
        raw = data.get(f.name)
        if raw is None:
            continue
        if f.type == "group":
            if f.many:
                values[f.name] = tuple(_read_item(v, f.fields, when) for v in raw)
            else:
                values[f.name] = _read_item(raw, f.fields, when)
        elif f.type == "date":
            values[f.name] = when(raw)
        elif f.many:
            values[f.name] = tuple(raw)
        else:
            values[f.name] = raw
    return values


def _read_item(data: Mapping[str, Any], fields: tuple[Field, ...], when: Callable[[str], When]) -> Item:
    return Item(
        values=_read_values(data, fields, when),
        citations=tuple(_read_citation(c) for c in data.get("citations", ())),
        notes=tuple(_read_note(n) for n in data.get("notes", ())),
    )


def from_json(data: bytes, kinds: tuple[Kind, ...], when: Callable[[str, str], When]) -> Dossier:
    """Read an export back: the title, language and records (``when(edtf, lang)`` parses each date)."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise JsonFormatError(f"not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise JsonFormatError(f'not a dossier export: expected "format": "{FORMAT}" at the top')
    lang = document["lang"]

    def parse(text: str) -> When:
        return when(text, lang)

    records: dict[str, tuple[Record, ...]] = {}
    for kind in kinds:
        out = []
        for n, raw in enumerate(document.get(kind.plural, ())):
            try:
                item = _read_item(raw, kind.fields, parse)
                out.append(
                    Record(
                        kind=kind.name, id=raw["id"], values=item.values, citations=item.citations, notes=item.notes,
                        updated=raw.get("updated"), text_body=raw.get(BODY) if kind.body else None,
                    )
                )  # fmt: skip
            except (KeyError, TypeError, ValueError, IndexError) as exc:
                raise JsonFormatError(f"{kind.plural}[{n}]: {type(exc).__name__}: {exc}") from None
        records[kind.name] = tuple(out)
    return Dossier(title=document["title"], lang=lang, kinds=kinds, records=records)


# -- the JSON Schema -------------------------------------------------------------------------------------------
def _note_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "kind": {"type": "string"},
            "text": {"type": "string", "minLength": 1, "contentMediaType": "text/markdown"},
            "date": {"type": "string", "format": "date"},
        },
        "required": ["text"],
        "additionalProperties": False,
    }


def _citation_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "A source and the exact words in it (W3C TextQuoteSelector)",
        "properties": {
            "source": {"type": "string", "pattern": ID_PATTERN, "description": "The id of a source"},
            "passage": {"type": "string", "minLength": 1},
            "prefix": {"type": "string", "minLength": 1},
            "suffix": {"type": "string", "minLength": 1},
            "locator": {"type": "string", "minLength": 1},
            "span": {
                "description": "Where the passage is in the source's stored text: [start, end) in characters",
                "type": "array",
                "items": {"type": "integer", "minimum": 0},
                "minItems": 2,
                "maxItems": 2,
            },
            "notes": {"type": "array", "items": {"$ref": "#/$defs/note"}},
        },
        "required": ["source", "passage"],
        "additionalProperties": False,
    }


def _field_schema(f: Field) -> dict[str, Any]:
    one: dict[str, Any]
    if f.type == "group":
        one = _object_schema(f.fields, cited=f.cited)
    elif f.type == "id":
        one = {"type": "string", "pattern": ID_PATTERN}
        if f.ref:
            one["description"] = f"The id of {'an' if f.ref[0] in 'aeiou' else 'a'} {f.ref}"
    elif f.type == "date":
        one = {"type": "string", "pattern": EDTF_PATTERN, "description": "EDTF (ISO 8601-2) date or interval"}
    elif f.type == "url":
        one = {"type": "string", "format": "uri", "pattern": "^https?://"}
    elif f.type == "lang":
        one = {"type": "string", "pattern": LANG_PATTERN}
    elif f.type == "choice":
        one = {"enum": list(f.choices)}
    elif f.type == "number":
        one = {"type": "string", "pattern": NUMBER_PATTERN, "description": "A decimal number, written exactly"}
    elif f.type == "flag":
        one = {"type": "boolean"}
    elif f.type == "markdown":
        one = {"type": "string", "minLength": 1, "contentMediaType": "text/markdown"}
    else:
        one = {"type": "string", "minLength": 1}
    if f.description and "description" not in one:
        one["description"] = f.description
    return {"type": "array", "items": one, "minItems": 1} if f.many else one


def _object_schema(fields: tuple[Field, ...], *, cited: bool, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    properties: dict[str, Any] = dict(extra or {})
    for f in fields:
        properties[f.name] = _field_schema(f)
    if cited:
        properties["citations"] = {"type": "array", "items": {"$ref": "#/$defs/citation"}, "minItems": 1}
    properties["notes"] = {"type": "array", "items": {"$ref": "#/$defs/note"}, "minItems": 1}
    required = [*(["id"] if extra and "id" in extra else []), *(f.name for f in fields if f.required)]
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def json_schema(kinds: tuple[Kind, ...]) -> dict[str, Any]:
    """A JSON Schema (2020-12) of :func:`to_json`'s output, from the kinds' declarations."""
    defs: dict[str, Any] = {"note": _note_schema(), "citation": _citation_schema()}
    properties: dict[str, Any] = {
        "$schema": {"type": "string"},
        "format": {"const": FORMAT},
        "title": {"type": "string"},
        "lang": {"type": "string", "pattern": LANG_PATTERN},
    }
    for kind in kinds:
        extra: dict[str, Any] = {"id": {"type": "string", "pattern": ID_PATTERN}}
        if kind.body:
            extra[BODY] = {"type": "string", "description": "The stored full text, verbatim (NFC)"}
        extra["updated"] = {"type": "string", "format": "date"}
        defs[kind.name] = _object_schema(kind.fields, cited=kind.cited, extra=extra)
        properties[kind.plural] = {"type": "array", "items": {"$ref": f"#/$defs/{kind.name}"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_NAME,
        "title": "Dossier export",
        "description": "A whole dossier: every record, resolved (defaults filled in), with its citations and notes",
        "type": "object",
        "properties": properties,
        "required": ["format", "title", "lang", *(k.plural for k in kinds)],
        "additionalProperties": False,
        "$defs": defs,
    }
