"""Exports, each read back by the code of the tools that read it: jsonschema, frictionless, followthemoney, pyld
and extruct, feedparser. Counts on the bundled dossier; golden files for a tiny one; hostile titles.

Refresh the golden files with ``UPDATE_GOLDENS=1 pytest tests/test_export.py``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from exportkit import (
    BUNDLED_TITLE,
    ROOT,
    TINY_DATES,
    core_citations,
    core_notes,
    expand,
    ftm_problems,
    ftm_schemata,
    html_page,
    neutral,
    types_of,
    write_tiny,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier import model
from dossier.export import FORMATS, UnknownFormat, adapter, export_files, feed, ftm, history, jsondoc, jsonld, tables
from dossier.export import timeline as tl
from dossier.export.neutral import Dossier, Record
from dossier.kinds import DEFAULT, when

GOLDEN = Path(__file__).parent / "golden" / "export"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"
BASE = "https://example.org/dossier/"
HOSTILE = 'Titolo "citato" <b>grassetto</b> ]]> fine\nseconda riga & altro'


@pytest.fixture(scope="module")
def bundled() -> tuple[model.Dossier, Dossier]:
    return neutral(ROOT / "data", title=BUNDLED_TITLE, base_url=BASE)


@pytest.fixture(scope="module")
def bundled_files(bundled: tuple[model.Dossier, Dossier]) -> dict[str, bytes]:
    _, dossier = bundled
    dates = history.record_dates(dossier, history.file_history(ROOT / "data"))
    return export_files(dossier, dates=dates, feed_limit=10_000)


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[model.Dossier, Dossier]:
    return neutral(write_tiny(tmp_path), base_url=BASE)


def _write(files: dict[str, bytes], folder: Path) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def _ids(core: model.Dossier) -> dict[str, set[str]]:
    return {
        "actor": {a.id for a in core.actors},
        "event": {e.id for e in core.events},
        "quote": {q.id for q in core.quotes},
        "claim": {c.id for c in core.claims},
        "question": {q.id for q in core.questions},
        "source": {s.id for s in core.sources},
    }


def _hostile(dossier: Dossier) -> Dossier:
    """The dossier with a title, an event title and a source title no format may break on."""
    records = dict(dossier.records)
    event = records["event"][0]
    source = records["source"][0]
    records["event"] = (dataclasses.replace(event, values={**event.values, "title": HOSTILE}), *records["event"][1:])
    records["source"] = (dataclasses.replace(source, values={**source.values, "title": HOSTILE}),)
    return dataclasses.replace(dossier, title=HOSTILE, records=records)


# -- counts on the bundled dossier, read by each tool ------------------------------------------------------------
def test_json_has_every_record_and_citation_and_matches_its_schema(bundled, bundled_files) -> None:
    import jsonschema

    core, _ = bundled
    document = json.loads(bundled_files["dossier.json"])
    schema = json.loads(bundled_files["dossier.schema.json"])
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)
    for kind, ids in _ids(core).items():
        assert {r["id"] for r in document[f"{kind}s"]} == ids
    citations = 0
    for kind in ("actors", "events", "quotes", "claims"):
        for record in document[kind]:
            citations += len(record.get("citations", ()))
            for part in (*record.get("roles", ()), *record.get("relations", ())):
                citations += len(part.get("citations", ()))
    assert citations == core_citations(core)
    assert document["sources"][0]["stored_text"] == core.sources[0].text.original  # type: ignore[union-attr]


def test_json_schema_refuses_what_the_data_model_refuses(bundled_files) -> None:
    import jsonschema

    schema = json.loads(bundled_files["dossier.schema.json"])
    document = json.loads(bundled_files["dossier.json"])
    validator = jsonschema.Draft202012Validator(schema)
    for broken, where in [
        ({**document["events"][0], "date": "3 settembre"}, "events"),
        ({**document["events"][0], "unknown": "x"}, "events"),
        ({**document["quotes"][0], "form": "quoted"}, "quotes"),
        ({k: v for k, v in document["claims"][0].items() if k != "status"}, "claims"),
    ]:
        copy = {**document, where: [broken]}
        assert list(validator.iter_errors(copy)), broken


def test_json_round_trip(bundled, bundled_files) -> None:
    _, dossier = bundled
    back = jsondoc.from_json(bundled_files["dossier.json"], adapter.kinds_of(DEFAULT), adapter.parse_when)
    assert back.records == dossier.records
    assert (back.title, back.lang) == (dossier.title, dossier.lang)
    assert jsondoc.to_json(dataclasses.replace(dossier, records=back.records)) == bundled_files["dossier.json"]


def test_json_reader_says_what_is_wrong() -> None:
    with pytest.raises(jsondoc.JsonFormatError, match="not JSON"):
        jsondoc.from_json(b"{", adapter.kinds_of(DEFAULT), adapter.parse_when)
    with pytest.raises(jsondoc.JsonFormatError, match='expected "format": "dossier-export/1"'):
        jsondoc.from_json(b'{"actors": []}', adapter.kinds_of(DEFAULT), adapter.parse_when)
    broken = b'{"format": "dossier-export/1", "title": "t", "lang": "it", "events": [{"title": "x"}]}'
    with pytest.raises(jsondoc.JsonFormatError, match=r"events\[0\]: KeyError: 'id'"):
        jsondoc.from_json(broken, adapter.kinds_of(DEFAULT), adapter.parse_when)


def test_frictionless_validates_the_data_package(bundled, bundled_files, tmp_path: Path) -> None:
    from frictionless import Package

    core, _ = bundled
    folder = _write(bundled_files, tmp_path)
    command = [str(Path(sys.executable).with_name("frictionless")), "validate", "datapackage.json"]
    run = subprocess.run(command, cwd=folder / "tables", capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    package = Package(folder / "tables" / "datapackage.json")
    rows = {resource.name: resource.read_rows() for resource in package.resources}
    for kind, ids in _ids(core).items():
        assert {row["id"] for row in rows[f"{kind}s"]} == ids
    assert len(rows["records"]) == len(core)
    assert len(rows["citations"]) == core_citations(core)
    assert len(rows["notes"]) == core_notes(core)
    assert len(rows["actor-roles"]) == sum(len(a.roles) for a in core.actors)
    assert len(rows["actor-relations"]) == sum(len(a.relations) for a in core.actors)
    # Lists come back as lists, typed values as their types.
    putin = next(row for row in rows["events"] if row["id"] == "incontro-putin-kim-diaoyutai")
    assert putin["participants"] == ["vladimir-putin", "kim-jong-un"]
    assert str(putin["date_earliest"]) == "2025-09-03"
    claim = next(row for row in rows["claims"] if row["id"] == "soldati-nordcoreani-15mila")
    assert (claim["value_amount"], claim["value_approximate"]) == (15000, True)


def test_frictionless_catches_a_broken_foreign_key(bundled_files, tmp_path: Path) -> None:
    """The declared keys are checked, not just written: a citation of an unknown source fails validation."""
    from frictionless import validate

    folder = _write(bundled_files, tmp_path)
    path = folder / "tables" / "citations.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("articolo-pechino-2025-09", "nessuna", 1), encoding="utf-8"
    )
    report = validate(folder / "tables" / "datapackage.json")
    assert not report.valid
    assert "foreign-key" in {error.type for task in report.tasks for error in task.errors}


def test_followthemoney_accepts_every_entity(bundled, bundled_files) -> None:
    core, _ = bundled
    entities, problems = ftm_problems(bundled_files["entities.ftm.json"])
    assert problems == []
    schemata = ftm_schemata(entities)
    actor_kinds = Counter(a.kind for a in core.actors)
    assert schemata["Person"] == actor_kinds["person"]
    assert schemata["Organization"] == actor_kinds["organization"]
    assert schemata["PublicBody"] == actor_kinds["country"]
    assert schemata["LegalEntity"] == actor_kinds["group"]
    by_prefix = Counter(e["id"].split(".")[0] for e in entities)
    for kind, ids in _ids(core).items():
        if kind == "question":  # FtM has no schema for it: a claim's Note is named by its question
            continue
        assert {e["id"].split(".", 1)[1] for e in entities if e["id"].startswith(f"{kind}.")} == ids
    questions = {q.text for q in core.questions}
    named = [e for e in entities if e["id"].startswith("claim.") and e["properties"].get("name")]
    assert {e["properties"]["name"][0] for e in named} == {c.question.text for c in core.claims if c.question}
    assert {c.question.text for c in core.claims if c.question} <= questions
    assert schemata["Event"] == len(core.events)
    assert schemata["Message"] == len(core.quotes)
    assert schemata["Article"] + schemata["Document"] == len(core.sources)
    # A citation of a record is a Documentation link; of a role or relation, a passage on that link.
    part_citations = sum(len(p.sources) for a in core.actors for p in (*a.roles, *a.relations))
    assert by_prefix["citation"] == core_citations(core) - part_citations
    passages = [e for e in entities if e["id"].startswith(("role.", "relation.")) and e["schema"] != "Note"]
    assert sum(len(e["properties"].get("summary", ())) for e in passages) >= part_citations
    assert by_prefix["role"] == sum(len(a.roles) for a in core.actors)
    assert by_prefix["relation"] == sum(len(a.relations) for a in core.actors)


def test_followthemoney_languages_are_ftm_codes() -> None:
    from followthemoney import registry

    for two, three in ftm.LANGUAGES.items():
        assert registry.language.clean(two) == three
    assert ftm.language("pt-BR") == "por"
    assert ftm.language("ita") == "ita"
    assert ftm.language("xx") is None


def test_jsonld_expands_with_the_shipped_context(bundled, bundled_files) -> None:
    core, dossier = bundled
    expanded = expand(json.loads(bundled_files["dossier.jsonld"]))
    types = types_of(expanded)
    actor_kinds = Counter(a.kind for a in core.actors)
    assert types["Person"] == actor_kinds["person"]
    assert types["Country"] == actor_kinds["country"]
    assert types["Organization"] == actor_kinds["organization"] + actor_kinds["group"]
    assert types["Event"] == len(core.events)
    assert types["Quotation"] == len(core.quotes)  # (an original is a Quotation nested in its translation)
    assert types["Claim"] == len(core.claims)
    assert types["NewsArticle"] == len(core.sources)
    assert types["DefinedTerm"] == len(core.tags)
    ids = {node["@id"] for node in expanded}
    assert len(expanded) == len(core)  # one node per record, nothing more
    tags = {jsonld.iri(dossier, "tag", t.id) for t in core.tags}
    assert ids == {jsonld.iri(dossier, kind, i) for kind, kind_ids in _ids(core).items() for i in kind_ids} | tags
    # Every reference names a node of the graph: nothing dangles.
    references = {
        value["@id"]
        for node in expanded
        for key, values in node.items()
        if not key.startswith("@")
        for value in values
        if isinstance(value, dict)
        and "@id" in value
        and key not in ("http://schema.org/url", "http://schema.org/archivedAt")
    }
    assert references <= ids


def test_jsonld_context_holds_only_schema_org_terms() -> None:
    from rdflib.namespace import SDO

    context = jsonld.context()["@context"]
    for term, definition in context.items():
        if term.startswith("@") or term in ("type", "id", "schema"):
            continue
        assert definition["@id"] == f"schema:{term}"
        assert hasattr(SDO, term), f"{term} is not a schema.org term"


def test_jsonld_uses_only_terms_of_the_shipped_context(bundled) -> None:
    _, dossier = bundled
    context = jsonld.context()["@context"]
    used: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if not key.startswith("@"):
                    used.add(key)
                if key == "@type":
                    used.add(inner)
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(jsonld.graph(dossier))
    assert used <= set(context)


def test_jsonld_dates_keep_their_precision(bundled) -> None:
    _, dossier = bundled
    documents = {r.id: jsonld.record_document(dossier, r) for r in dossier.all()}
    assert documents["kim-jong-un-inizio-leadership"]["startDate"] == "2011-12"
    assert documents["kim-jong-un-viaggio-cina-2019"]["startDate"] == "2019"
    war = documents["guerra-russia-ucraina"]  # ../2025-09: no start known
    assert "startDate" not in war and war["endDate"] == "2025-09"
    assert documents["articolo-pechino-2025-09"]["datePublished"] == "2025-09"


def test_extruct_finds_the_jsonld_of_each_record_page(bundled) -> None:
    import extruct

    _, dossier = bundled
    for record in dossier.all():
        document = jsonld.record_document(dossier, record)
        found = extruct.extract(html_page([jsonld.script(document)]), syntaxes=["json-ld"], uniform=False)
        assert found["json-ld"] == [document], record.id


def test_feed_has_every_record_and_correction(bundled, bundled_files) -> None:
    import feedparser

    core, _ = bundled
    parsed = feedparser.parse(bundled_files["feed.xml"])
    assert parsed.bozo is False, parsed.get("bozo_exception")
    corrections = sum(1 for r in (*core.events, *core.claims, *core.actors) for n in r.notes if n.kind == "correction")
    assert corrections > 0
    kinds = Counter(entry.tags[0].term for entry in parsed.entries)
    assert kinds["corrections"] == corrections
    for kind, ids in _ids(core).items():
        assert kinds[f"{kind}s"] == len(ids)
    updated = [entry.updated_parsed for entry in parsed.entries]
    assert updated == sorted(updated, reverse=True)


def test_timelinejs_data_has_every_dated_event_and_quote(bundled) -> None:
    core, dossier = bundled
    data = tl.timeline(dossier, quotes=True)
    ids = [slide["unique_id"] for slide in data["events"]]
    assert sorted(ids) == sorted(
        [f"event-{e.id}" for e in core.events] + [f"quote-{q.id}" for q in core.quotes if when(q)]
    )
    months = {s["unique_id"]: s["start_date"] for s in data["events"]}
    assert months["event-kim-jong-un-inizio-leadership"] == {"year": "2011", "month": "12"}  # a month, not the 1st
    war = next(s for s in data["events"] if s["unique_id"] == "event-guerra-russia-ucraina")
    assert war["display_date"] == "fino a settembre 2025"
    assert "fino a settembre 2025" in war["text"]["text"]
    assert [s["unique_id"] for s in tl.timeline(dossier)["events"]] == [f"event-{e.id}" for e in core.events]


# -- the tiny dossier: golden files, and the hard cases ----------------------------------------------------------
def test_golden_exports(tiny) -> None:
    _, dossier = tiny
    files = export_files(dossier, dates=TINY_DATES, feed_url=f"{BASE}feed.xml")
    files.pop("dossier.schema.json")  # checked by validation above, and long
    if UPDATE:
        for name, data in files.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(files) == sorted(expected)
    for name, data in files.items():
        assert data.decode("utf-8") == expected[name].decode("utf-8"), name


def test_english_quote_and_interval_are_valid_ftm(tiny) -> None:
    _, dossier = tiny
    entities, problems = ftm_problems(ftm.ftm_lines(dossier))
    assert problems == []
    by_id = {e["id"]: e["properties"] for e in entities}
    quote = by_id["quote.ciao"]
    assert (quote["bodyText"], quote["language"]) == (["hello everyone"], ["eng"])
    assert (quote["translatedText"], quote["translatedLanguage"]) == (["ciao a tutti"], ["ita"])
    fight = by_id["event.lite"]
    assert (fight["startDate"], fight["endDate"]) == (["2023-08"], ["2024-04"])
    greeting = by_id["event.saluto"]
    assert greeting["date"] == ["2024-06"]
    assert "giugno 2024 (circa)" in greeting["summary"]  # what FtM's date cannot say, in words


def test_english_quote_and_interval_timelinejs_data(tiny) -> None:
    _, dossier = tiny
    slides = {s["unique_id"]: s for s in tl.timeline(dossier, quotes=True)["events"]}
    fight = slides["event-lite"]
    assert (fight["start_date"], fight["end_date"]) == ({"year": "2023", "month": "8"}, {"year": "2024", "month": "4"})
    assert fight["display_date"] == "agosto 2023 – aprile 2024"
    greeting = slides["event-saluto"]
    assert greeting["display_date"] == "giugno 2024 (circa)"
    assert "giugno 2024 (circa)" in greeting["text"]["text"]
    assert "«nel giugno del 2024, forse»" in greeting["text"]["text"]
    quote = slides["quote-ciao"]["text"]["text"]
    assert '<blockquote lang="it"><p>ciao a tutti</p></blockquote>' in quote
    assert '<blockquote lang="en"><p>hello everyone</p></blockquote>' in quote


def test_hostile_titles_give_valid_jsonld(tiny) -> None:
    import extruct

    _, dossier = tiny
    hostile = _hostile(dossier)
    event = hostile.records["event"][0]
    document = jsonld.record_document(hostile, event)
    script = jsonld.script(document)
    assert "</" not in script.removesuffix("</script>") and "]]>" not in script
    page = html_page([script])
    assert extruct.extract(page, syntaxes=["json-ld"], uniform=False)["json-ld"] == [document]
    expanded = expand(document)
    assert expanded[0]["http://schema.org/name"] == [{"@value": HOSTILE}]
    expand(jsonld.graph(hostile))


def test_hostile_titles_give_valid_xml(tiny) -> None:
    import feedparser

    _, dossier = tiny
    data = feed.atom(_hostile(dossier), TINY_DATES)
    root = ET.fromstring(data)
    titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert HOSTILE in titles
    parsed = feedparser.parse(data)
    assert parsed.bozo is False
    assert parsed.feed.title == HOSTILE


def test_hostile_titles_give_valid_csv(tiny, tmp_path: Path) -> None:
    from frictionless import validate

    _, dossier = tiny
    files = tables.tables(_hostile(dossier))
    _write(files, tmp_path)
    rows = list(csv.DictReader(io.StringIO(files["tables/events.csv"].decode("utf-8"), newline="")))
    assert HOSTILE in [row["title"] for row in rows]
    report = validate(tmp_path / "tables" / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])


def test_a_list_item_holding_the_separator_is_refused(tiny) -> None:
    _, dossier = tiny
    actor = dossier.records["actor"][0]
    broken = dataclasses.replace(actor, values={**actor.values, "aliases": ("uno\ndue",)})
    records = {**dossier.records, "actor": (broken, *dossier.records["actor"][1:])}
    with pytest.raises(tables.TableError, match=r"aliases: the item 'uno\\ndue' holds the list separator '\\n'"):
        tables.tables(dataclasses.replace(dossier, records=records))


def test_unknown_format_is_named() -> None:
    dossier = Dossier(title="t", lang="it", kinds=adapter.kinds_of(DEFAULT), records={})
    with pytest.raises(UnknownFormat, match="unknown format 'pdf': expected one of json, csv, timeline, ftm"):
        export_files(dossier, ["json", "pdf"])
    assert set(export_files(dossier, FORMATS)) >= {"dossier.json", "feed.xml", "timeline.json"}


def test_exports_are_the_same_bytes_whatever_the_hash_seed(tmp_path: Path) -> None:
    data = write_tiny(tmp_path)
    script = (
        "import sys, hashlib; sys.path.insert(0, sys.argv[2]); from exportkit import neutral, TINY_DATES;"
        "from pathlib import Path; from dossier.export import export_files;"
        "files = export_files(neutral(Path(sys.argv[1]))[1], dates=TINY_DATES);"
        "print(hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script, str(data), str(Path(__file__).parent)],
            env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True, check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }  # fmt: skip
    assert len(digests) == 1


# -- history and the feed's dates -------------------------------------------------------------------------------
def _git(folder: Path, *args: str, date: str = "2024-07-01T10:00:00+02:00") -> None:
    env = {
        **os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
    }  # fmt: skip
    subprocess.run(["git", "-C", str(folder), *args], env=env, check=True, capture_output=True)


def test_history_dates_records_by_their_files(tmp_path: Path) -> None:
    data = write_tiny(tmp_path)
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "first")
    (data / "actors" / "mario.yml").write_text(TINY_MARIO_CHANGED, encoding="utf-8")
    _git(tmp_path, "commit", "-qam", "second", date="2024-07-03T09:30:00+02:00")
    _, dossier = neutral(data)
    found = history.file_history(data)
    assert found.reason is None
    assert found.files["actors/mario.yml"] == history.Dated(
        added="2024-07-01T10:00:00+02:00", changed="2024-07-03T09:30:00+02:00"
    )
    dates = history.record_dates(dossier, found)
    assert len(dates) == len(dossier.index())
    assert dates[("actor", "mario")].changed == "2024-07-03T09:30:00+02:00"
    assert dates[("event", "saluto")].changed == "2024-07-01T10:00:00+02:00"
    entries = feed.entries(dossier, dates)
    assert entries[0].title == "Mario Rossi" and entries[0].published == "2024-07-01T10:00:00+02:00"


TINY_MARIO_CHANGED = "name: Mario Rossi\nkind: person\n"


def test_history_without_git_or_with_a_shallow_clone(tmp_path: Path) -> None:
    data = write_tiny(tmp_path / "plain")
    assert history.file_history(data).reason == "not in a git repository"
    repo = tmp_path / "repo"
    write_tiny(repo)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "one")
    (repo / "data" / "actors" / "luisa.yml").write_text("name: Luisa\nkind: person\n", encoding="utf-8")
    _git(repo, "commit", "-qam", "two")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True, capture_output=True
    )
    shallow = history.file_history(clone / "data")
    assert shallow.files == {} and shallow.reason is not None and "fetch-depth: 0" in shallow.reason


def test_feed_uses_explicit_dates_without_history(tiny) -> None:
    import feedparser

    _, dossier = tiny
    mario = dossier.get("actor", "mario")
    saluto = dossier.get("event", "saluto")
    assert mario and saluto
    dated_note = dataclasses.replace(saluto.notes[0], date="2024-08-02")
    actors = tuple(
        dataclasses.replace(a, updated="2024-08-01") if a.id == "mario" else a for a in dossier.records["actor"]
    )
    events = tuple(
        dataclasses.replace(e, notes=(dated_note,)) if e.id == "saluto" else e for e in dossier.records["event"]
    )
    records = {**dossier.records, "actor": actors, "event": events}
    data = feed.atom(dataclasses.replace(dossier, records=records), {})
    parsed = feedparser.parse(data)
    assert parsed.bozo is False
    assert [(e.title, e.updated) for e in parsed.entries] == [
        ("Correzione: Il saluto", "2024-08-02T00:00:00Z"),
        ("Mario Rossi", "2024-08-01T00:00:00Z"),
    ]
    assert parsed.entries[0].summary == "Il mese era stato scritto come luglio."


def test_feed_of_an_undated_dossier_is_still_valid(tiny, monkeypatch: pytest.MonkeyPatch) -> None:
    import feedparser

    _, dossier = tiny
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1720000000")
    parsed = feedparser.parse(feed.atom(dossier, {}))
    assert parsed.bozo is False and parsed.entries == []
    assert parsed.feed.updated == "2024-07-03T09:46:40Z"


def test_record_helpers(tiny) -> None:
    _, dossier = tiny
    quote = dossier.get("quote", "ciao")
    assert isinstance(quote, Record)
    assert dossier.label(quote) == "ciao a tutti"
    assert dossier.url("quote", "ciao") == f"{BASE}quotes/#ciao"
    assert dossier.files[("quote", "ciao")] == ("quotes/ciao.yml",)


def _synth_sizes() -> dict[str, dict[str, int]]:
    """The synthetic dossiers' record counts, from scripts/synth.py."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("synth", ROOT / "scripts" / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["synth"] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["synth"]
    sizes: dict[str, dict[str, int]] = module.SIZES
    return sizes


def test_bench_export_quick_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    script = ROOT / "scripts" / "bench_export.py"
    run = subprocess.run(
        [sys.executable, str(script), "--size", "S", "--runs", "1", "--no-build", "--json", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    figures = json.loads(out.read_text(encoding="utf-8"))
    for fmt in FORMATS:
        assert figures[f"{fmt}_s"] >= 0 and figures[f"{fmt}_mb"] > 0
    sizes = _synth_sizes()["S"]
    assert figures["dated_records"] == sum(sizes.values())  # S: every record dated by the two commits
    assert figures["export_peak_mb"] >= figures["load_peak_mb"] > 0
    assert "| **all exports (without load)** |" in run.stdout


@pytest.mark.parametrize(
    "text",
    [
        "Una frase semplice, con virgole: e due punti.",
        'Due frasi. La seconda è qui; l\'apostrofo e le "virgolette" restano.',
        "Il 3 settembre 2025 a Pechino (Cina).",
        "*enfasi* e `codice`",
        "- un elenco\n- di due voci",
        "1. primo",
        "a & b < c > d",
        "link https://example.org e www.example.org",
        "riga  \ncon a capo",
        "# titolo",
        " spazio iniziale",
        "fine con spazio ",
        "mail a@example.org",
    ],
)
def test_timeline_plain_text_shortcut_matches_markdown(text: str) -> None:
    from dossier.markup import rich

    assert tl.rich(text) == rich(text)


PLAINISH = st.sampled_from([*"aàèéìòùzAZ09 .,;:'\"()?%/-–—«»’“”°€$+=*_#&<>\n", "ß", "Ж", "中", "\xa0"])


@given(
    st.one_of(st.text(PLAINISH, max_size=60), st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))))
)
@settings(max_examples=500, deadline=None)
def test_timeline_plain_text_shortcut_matches_markdown_on_any_text(text: str) -> None:
    from dossier.markup import rich

    if text.strip():
        assert tl.rich(text) == rich(text)


def test_history_without_git_installed_or_without_commits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = write_tiny(tmp_path)
    _git(tmp_path, "init", "-q", "-b", "main")
    empty = history.file_history(data)
    assert empty.files == {} and empty.reason is not None and "does not have any commits" in empty.reason
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert history.file_history(data).reason == "git is not installed"
