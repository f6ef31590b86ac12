"""CSV tables and a Frictionless Data Package (``datapackage.json``) describing them.

One table per kind (``actors.csv``, ...), with a group that holds one item flattened into columns
(``original_lang``) and a list of groups in a table of its own (``actor_roles.csv``: one row per role). A list of
values is one cell, its items joined with a separator the descriptor declares (``"type": "list", "delimiter"``).
Citations and notes have their own tables, keyed by the record they belong to; ``records.csv`` lists every record
by kind and id, so that those keys can be declared as foreign keys. Dates are kept as written (EDTF) and as the
earliest and latest day they allow, so a spreadsheet can sort and filter them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from dossier.export.jsondoc import EDTF_PATTERN, ID_PATTERN, LANG_PATTERN, dump_pretty
from dossier.export.neutral import Dossier, Field, Item, Kind, Note, Value, When, citations_in, notes_in

ID_SEPARATOR = ";"  # ids never hold it
TEXT_SEPARATOR = "\n"  # single-line texts never hold it; a spreadsheet shows one item per line
FOLDER = "tables"


class TableError(ValueError):
    """A value cannot be written as declared (a list item holding its separator)."""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    schema: dict[str, Any]  # the Frictionless field descriptor, without the name


def _text(**extra: Any) -> dict[str, Any]:
    return {"type": "string", **extra}


def _boolean() -> dict[str, Any]:
    return {"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}


def _columns(f: Field, prefix: str = "") -> list[Column]:
    """The columns of one scalar field, or of a single group flattened under its name."""
    name = prefix + f.name
    constraints: dict[str, Any] = {"required": True} if f.required and not prefix else {}
    if f.type == "group":
        return [c for inner in f.fields for c in _columns(inner, prefix=f"{name}_")]
    if f.many:
        separator = ID_SEPARATOR if f.type == "id" else TEXT_SEPARATOR
        return [Column(name, {"type": "list", "delimiter": separator, "itemType": "string"})]
    if f.type == "date":
        return [
            Column(
                name, _text(description="EDTF date or interval", constraints={**constraints, "pattern": EDTF_PATTERN})
            ),
            Column(f"{name}_earliest", {"type": "date", "description": f"The first day {f.name} allows"}),
            Column(f"{name}_latest", {"type": "date", "description": f"The last day {f.name} allows"}),
        ]
    if f.type == "id":
        constraints["pattern"] = ID_PATTERN
    elif f.type == "choice":
        constraints["enum"] = list(f.choices)
    elif f.type == "lang":
        constraints["pattern"] = LANG_PATTERN
    elif f.type == "number":
        return [Column(name, {"type": "number", **({"constraints": constraints} if constraints else {})})]
    elif f.type == "flag":
        return [Column(name, _boolean())]
    schema: dict[str, Any] = {"type": "string"}
    if f.type == "url":
        schema["format"] = "uri"
    if f.type == "markdown":
        schema["description"] = "Markdown"
    if f.description:
        schema["description"] = f.description
    if constraints:
        schema["constraints"] = constraints
    return [Column(name, schema)]


def _cells(f: Field, value: Value | None, prefix: str = "") -> list[str]:
    """The cells of one field, in the order of :func:`_columns`."""
    if f.type == "group":
        item = value if isinstance(value, Item) else Item()
        return [cell for inner in f.fields for cell in _cells(inner, item.values.get(inner.name), prefix)]
    if value is None:
        return ["", "", ""] if f.type == "date" and not f.many else [""]
    if isinstance(value, When):
        earliest, latest = value.earliest, value.latest
        return [value.edtf, earliest.isoformat() if earliest else "", latest.isoformat() if latest else ""]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, tuple):
        separator = ID_SEPARATOR if f.type == "id" else TEXT_SEPARATOR
        items = [v for v in value if isinstance(v, str)]
        for v in items:
            if separator in v:
                raise TableError(f"{f.name}: the item {v!r} holds the list separator {separator!r}")
        return [separator.join(items)]
    return [value if isinstance(value, str) else ""]


def _csv(header: list[str], rows: Iterable[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: list[Column]
    rows: Iterator[list[str]] | list[list[str]]
    primary_key: list[str]
    foreign_keys: list[dict[str, Any]]
    description: str


def _fk(fields: list[str], resource: str, target: list[str]) -> dict[str, Any]:
    return {"fields": fields, "reference": {"resource": resource, "fields": target}}


def _refs(fields: Iterable[Field], dossier: Dossier) -> list[dict[str, Any]]:
    """Foreign keys of single ids (lists of ids cannot be declared as keys)."""
    return [
        _fk([f.name], dossier.kind(f.ref).plural, ["id"]) for f in fields if f.type == "id" and f.ref and not f.many
    ]


def _kind_table(kind: Kind, dossier: Dossier) -> Table:
    scalar = [f for f in kind.fields if not (f.type == "group" and f.many)]
    columns = [
        Column("id", {"type": "string", "constraints": {"required": True, "unique": True, "pattern": ID_PATTERN}})
    ]
    for f in scalar:
        columns += _columns(f)
    if kind.body:
        columns.append(Column("text_stored", {**_boolean(), "description": "Whether the full text is stored"}))
    rows = []
    for record in dossier.records.get(kind.name, ()):
        row = [record.id]
        for f in scalar:
            row += _cells(f, record.values.get(f.name))
        if kind.body:
            row.append("true" if record.text_body is not None else "false")
        rows.append(row)
    return Table(kind.plural, columns, rows, ["id"], _refs(scalar, dossier), f"One row per {kind.name}")


def _group_tables(kind: Kind, dossier: Dossier) -> Iterator[Table]:
    for group in (f for f in kind.fields if f.type == "group" and f.many):
        owner = f"{kind.name}_id"
        columns = [Column(owner, _text(constraints={"required": True})), Column("n", {"type": "integer"})]
        for f in group.fields:
            columns += _columns(f)
        rows = []
        for record in dossier.records.get(kind.name, ()):
            for n, item in enumerate(record.items(group.name), start=1):
                row = [record.id, str(n)]
                for f in group.fields:
                    row += _cells(f, item.values.get(f.name))
                rows.append(row)
        foreign = [_fk([owner], kind.plural, ["id"]), *_refs(group.fields, dossier)]
        description = f"One row per item in the {group.name} of each {kind.name}; n is its position, from 1"
        yield Table(f"{kind.name}_{group.name}", columns, rows, [owner, "n"], foreign, description)


_KEY = [
    Column("record_kind", _text(constraints={"required": True})),
    Column("record_id", _text(constraints={"required": True})),
    Column("n", {"type": "integer", "description": "Its position among the record's, from 1"}),
    Column("at", _text(description="Where in the record: empty for the record itself, else 'roles/0', ...")),
]


def _citations_table(dossier: Dossier) -> Table:
    columns = [
        *_KEY,
        Column("source", _text(constraints={"required": True})),
        Column("passage", _text(constraints={"required": True})),
        Column("prefix", _text()),
        Column("suffix", _text()),
        Column("locator", _text()),
        Column("verified", {**_boolean(), "description": "Whether the passage was found in the source's stored text"}),
        Column("span_start", {"type": "integer", "description": "Where the passage starts in the stored text"}),
        Column("span_end", {"type": "integer", "description": "Where it ends (exclusive)"}),
    ]

    def rows() -> Iterator[list[str]]:
        for kind in dossier.kinds:
            for record in dossier.records.get(kind.name, ()):
                for n, (at, c) in enumerate(citations_in(record, kind.fields), start=1):
                    span = c.span
                    yield [
                        kind.name, record.id, str(n), at, c.source, c.passage, c.prefix or "", c.suffix or "",
                        c.locator or "", "true" if span else "false", str(span[0]) if span else "",
                        str(span[1]) if span else "",
                    ]  # fmt: skip

    key = ["record_kind", "record_id"]
    return Table(
        "citations", columns, rows(), ["record_kind", "record_id", "n"],
        [_fk(key, "records", ["kind", "id"]), _fk(["source"], dossier.kind("source").plural, ["id"])],
        "Every citation: a source and the exact words in it that support a record or part of it",
    )  # fmt: skip


def _notes_table(dossier: Dossier) -> Table:
    columns = [
        *_KEY,
        Column("kind", _text()),
        Column("text", _text(description="Markdown", constraints={"required": True})),
        Column("date", {"type": "date"}),
    ]

    def rows() -> Iterator[list[str]]:
        for kind in dossier.kinds:
            for record in dossier.records.get(kind.name, ()):
                found: Iterable[tuple[str, Note]] = notes_in(record, kind.fields)
                for n, (at, note) in enumerate(found, start=1):
                    yield [kind.name, record.id, str(n), at, note.kind or "", note.text, note.date or ""]

    return Table(
        "notes", columns, rows(), ["record_kind", "record_id", "n"],
        [_fk(["record_kind", "record_id"], "records", ["kind", "id"])],
        "Every editorial note: on a record, on part of it ('roles/0', 'original') or on a citation ('citations/2')",
    )  # fmt: skip


def _records_table(dossier: Dossier) -> Table:
    columns = [
        Column("kind", _text(constraints={"required": True})),
        Column("id", _text(constraints={"required": True})),
        Column("label", _text()),
    ]
    rows = [[r.kind, r.id, dossier.label(r)] for r in dossier.all()]
    return Table("records", columns, rows, ["kind", "id"], [], "Every record, by kind and id")


def tables(dossier: Dossier, *, license: dict[str, str] | None = None) -> dict[str, bytes]:
    """``{path: bytes}``: the CSV files and ``datapackage.json``, under ``tables/``."""
    all_tables = [_records_table(dossier)]
    for kind in dossier.kinds:
        all_tables.append(_kind_table(kind, dossier))
        all_tables.extend(_group_tables(kind, dossier))
    all_tables += [_citations_table(dossier), _notes_table(dossier)]

    files: dict[str, bytes] = {}
    resources: list[dict[str, Any]] = []
    for table in all_tables:
        path = f"{table.name}.csv"
        files[f"{FOLDER}/{path}"] = _csv([c.name for c in table.columns], table.rows)
        schema: dict[str, Any] = {
            "fields": [{"name": c.name, **c.schema} for c in table.columns],
            "missingValues": [""],
            "primaryKey": table.primary_key,
        }
        if table.foreign_keys:
            schema["foreignKeys"] = table.foreign_keys
        resources.append(
            {
                "name": table.name.replace("_", "-"),
                "path": path,
                "description": table.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    # Foreign keys name resources by their resource names.
    for resource in resources:
        for fk in resource["schema"].get("foreignKeys", ()):
            fk["reference"]["resource"] = fk["reference"]["resource"].replace("_", "-")
    descriptor: dict[str, Any] = {"name": "dossier", "title": dossier.title, "resources": resources}
    if license:
        descriptor["licenses"] = [license]
    files[f"{FOLDER}/datapackage.json"] = dump_pretty(descriptor)
    return files
