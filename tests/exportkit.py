"""Helpers for the export tests: a tiny dossier with every hard case, and checks made with the readers' own code."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from dossier import model
from dossier.export import adapter, jsonld
from dossier.export.history import Dated
from dossier.export.neutral import Dossier
from dossier.resolve import load

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_TITLE = "Dossier Pechino, settembre 2025"
NODE_TIMELINEJS = ROOT / "tests" / "js" / "node_modules" / "@knight-lab" / "timelinejs" / "dist"

# A tiny dossier: an English original beside the Italian quote, an interval, an approximate month, a correction,
# a role, a relation between two people, a claim with a figure, a source with an address. Texts are made up.
TEXT = (
    "Mario disse a Luisa: “ciao a tutti”.\n"
    "Il saluto avvenne nel giugno del 2024, forse.\n"
    "La lite tra i due durò dall'agosto 2023 all'aprile 2024.\n"
)
TINY: dict[str, str] = {
    "sources/fonte.yml": (
        "title: Una fonte\nkind: article\nlang: it\npublished: 2024-07\nurl: https://example.org/fonte\n"
        "text_file: fonte.txt\n"
    ),
    "sources/fonte.txt": TEXT,
    "actors/mario.yml": (
        "name: Mario Rossi\nkind: person\naliases: [Mario]\nsummary: Un *uomo*.\n"
        "roles:\n  - title: Sindaco\n    of: borgo\n    start: 2020-05\n"
        "    sources:\n      - source: fonte\n        passage: Mario disse\n"
        "relations:\n  - actor: luisa\n    label: amico di\n    start: 2019~\n"
        "tags: [saluti]\n"
        "sources:\n  - source: fonte\n    passage: Mario disse a Luisa\n"
    ),
    "actors/luisa.yml": "name: Luisa Bianchi\nkind: person\n",
    "tags/saluti.yml": "label: Saluti\ndescription: Chi saluta chi.\n",
    "actors/borgo.yml": "name: Borgo\nkind: organization\n",
    "events/saluto.yml": (
        "title: Il saluto\ndate: 2024-06~\ndate_text: nel giugno del 2024, forse\nplace: Piazza\n"
        "participants: [mario, luisa]\ntags: [saluti]\n"
        "sources:\n  - source: fonte\n    passage: Il saluto avvenne nel giugno del 2024\n"
        "notes:\n  - kind: correction\n    text: Il mese era stato scritto come luglio.\n"
    ),
    "events/lite.yml": (
        "title: La lite\ndate: 2023-08/2024-04\nparticipants: [mario, luisa]\n"
        "sources:\n  - source: fonte\n    passage: dall'agosto 2023 all'aprile 2024\n"
    ),
    "quotes/ciao.yml": (
        "speaker: mario\naddressed_to: [luisa]\nevent: saluto\ntext: ciao a tutti\nform: direct\n"
        "original: {lang: en, text: hello everyone}\n"
        'sources:\n  - source: fonte\n    passage: "“ciao a tutti”"\n'
        "    notes:\n      - kind: verification\n        text: Verificata sul testo.\n"
    ),
    "claims/uno.yml": (
        "statement: Mario ha salutato.\nsubject: mario\nevent: saluto\nquestion: saluti\naccording_to: luisa\n"
        'status: reported\nconfidence: high\nvalue: {amount: "1", approximate: "true", unit: saluto}\n'
        "sources:\n  - source: fonte\n    passage: Mario disse\n"
    ),
    "questions/saluti.yml": "text: Quante volte ha salutato Mario?\nsubject: mario\n",
}

# Dates for the feed, as git would give them.
TINY_DATES = {
    ("source", "fonte"): Dated(added="2024-07-01T10:00:00+02:00", changed="2024-07-01T10:00:00+02:00"),
    ("actor", "mario"): Dated(added="2024-07-01T10:00:00+02:00", changed="2024-07-03T09:30:00+02:00"),
    ("event", "saluto"): Dated(added="2024-07-01T10:00:00+02:00", changed="2024-07-05T18:00:00+02:00"),
    ("quote", "ciao"): Dated(added="2024-07-02T11:00:00+02:00", changed="2024-07-02T11:00:00+02:00"),
}


def write_tiny(folder: Path, files: dict[str, str] | None = None) -> Path:
    data = folder / "data"
    for name, text in {**TINY, **(files or {})}.items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text(text, encoding="utf-8")
    return data


def links(core: model.Dossier) -> dict[tuple[str, str], str]:
    """Site-relative URLs as the site lays records out (own pages for actors and sources, anchors for the rest)."""
    out: dict[tuple[str, str], str] = {}
    for actor in core.actors:
        out[("actor", actor.id)] = f"actors/{actor.id}/"
    for source in core.sources:
        out[("source", source.id)] = f"sources/{source.id}/"
    for event in core.events:
        out[("event", event.id)] = f"timeline/#{event.id}"
    for quote in core.quotes:
        out[("quote", quote.id)] = f"quotes/#{quote.id}"
    for claim in core.claims:
        out[("claim", claim.id)] = f"claims/#{claim.id}"
    for question in core.questions:
        out[("question", question.id)] = f"questions/#{question.id}"
    return out


def neutral(
    data: Path, *, title: str = "Dossier di prova", base_url: str | None = None
) -> tuple[model.Dossier, Dossier]:
    core = load(data, lang="it")
    return core, adapter.from_core(core, title=title, base_url=base_url, links=links(core), data_dir=data)


def core_citations(core: model.Dossier) -> int:
    return sum(len(pairs) for pairs in core.citations_of.values())


def core_notes(core: model.Dossier) -> int:
    """Every note of the core model, counted independently of the exports' walk."""
    total = 0
    for record in (*core.actors, *core.events, *core.quotes, *core.claims, *core.questions, *core.sources):
        total += len(record.notes)
        citations = list(getattr(record, "sources", ()) if record.record_kind != "source" else ())
        if record.record_kind == "actor":
            for part in (*record.roles, *record.relations):
                total += len(part.notes)
                citations += part.sources
        if record.record_kind == "quote" and record.original:
            total += len(record.original.notes)
        if record.record_kind == "source":
            total += sum(len(excerpt.notes) for excerpt in record.excerpts)
        total += sum(len(c.notes) for c in citations)
    return total


# -- FollowTheMoney, checked by its own model --------------------------------------------------------------------
def ftm_problems(lines: bytes) -> tuple[list[dict[str, Any]], list[str]]:
    """The entities, and every way they break FtM's model: unknown schema or property, a required property
    missing, a value FtM would clean into something else (a date not in its format, say) or that is too long, a
    reference to no entity or to one outside the property's range, a duplicate id."""
    from followthemoney import model as ftm_model
    from followthemoney.exc import InvalidData

    entities = [json.loads(line) for line in lines.decode("utf-8").splitlines()]
    by_id: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for entity in entities:
        if entity["id"] in by_id:
            problems.append(f"{entity['id']}: duplicate id")
        by_id[entity["id"]] = entity
    for entity in entities:
        where = entity["id"]
        schema = ftm_model.get(entity["schema"])
        if schema is None or schema.abstract:
            problems.append(f"{where}: schema {entity['schema']!r} is unknown or abstract")
            continue
        try:
            schema.validate(entity)
        except InvalidData as exc:
            problems.append(f"{where}: {exc}")
        for name in schema.required:
            if not entity["properties"].get(name):
                problems.append(f"{where}: required property {name} missing")
        for name, values in entity["properties"].items():
            prop = schema.get(name)
            if prop is None or prop.stub:
                problems.append(f"{where}: {entity['schema']} has no property {name}")
                continue
            for value in values:
                if prop.type.clean(value) != value:
                    problems.append(f"{where}: {name}: {value!r} is not in FtM's {prop.type.name} format")
                if len(value) > prop.max_length:
                    problems.append(f"{where}: {name}: longer than {prop.max_length}")
                if prop.type.name == "entity":
                    target = by_id.get(value)
                    if target is None:
                        problems.append(f"{where}: {name}: no entity {value!r}")
                    elif not ftm_model.get(target["schema"]).is_a(prop.range):
                        problems.append(f"{where}: {name}: {target['schema']} is not a {prop.range.name}")
        proxy = ftm_model.get_proxy(entity, cleaned=False)  # FtM's own parsing keeps every value
        kept = {name: sorted(proxy.get(name)) for name in entity["properties"]}
        if kept != {name: sorted(values) for name, values in entity["properties"].items()}:
            problems.append(f"{where}: FtM's proxy does not keep every value")
    return entities, problems


def ftm_schemata(entities: list[dict[str, Any]]) -> Counter[str]:
    return Counter(e["schema"] for e in entities)


# -- JSON-LD, expanded by pyld with the shipped context only ----------------------------------------------------
def expand(document: dict[str, Any]) -> list[dict[str, Any]]:
    from pyld import jsonld as pyld

    shipped = jsonld.context()
    served = {"https://schema.org", "https://schema.org/", "http://schema.org", "http://schema.org/"}
    requested: list[str] = []

    def loader(url: str, options: Any = None) -> dict[str, Any]:
        requested.append(url)
        if url not in served:
            raise AssertionError(f"JSON-LD asked for {url}: only the shipped context may be loaded")
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": shipped}

    expanded: list[dict[str, Any]] = pyld.expand(document, {"documentLoader": loader})
    assert requested, "the document did not use the schema.org context"
    return expanded


SCHEMA = "http://schema.org/"


def types_of(expanded: list[dict[str, Any]]) -> Counter[str]:
    return Counter(t.removeprefix(SCHEMA) for node in expanded for t in node.get("@type", ()))


def html_page(scripts: list[str], title: str = "Pagina") -> str:
    return (
        '<!doctype html>\n<html lang="it"><head><meta charset="utf-8"><title>'
        + title
        + "</title>\n"
        + "\n".join(scripts)
        + "\n</head><body><p>Pagina di prova.</p></body></html>\n"
    )
