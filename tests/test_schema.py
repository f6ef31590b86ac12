"""Validation and cross-reference checks (the Schema table of docs/bad-inputs), and the resolved model."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from conftest import BUNDLED, ROOT, SOURCE
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

import dossier
from dossier import schema
from dossier.errors import DossierError, Problem
from dossier.i18n import Words
from dossier.kinds import DEFAULT, when
from dossier.model import Dossier
from dossier.registry import plan
from dossier.resolve import PASSAGE, load

Problems = Callable[..., list[str]]
LoadOk = Callable[..., Dossier]

FIELDS = "name, kind, summary, aliases, roles, relations, tags, sources, notes"


def actor(extra: str = "", name: str = "X") -> str:
    return f"name: {name}\nkind: person\n{extra}"


def event(date: str = "2025-09-03", passage: str = "Il presidente russo", extra: str = "") -> str:
    return f"title: T\ndate: {date}\n{extra}sources:\n  - source: {SOURCE}\n    passage: {passage}\n"


def source(url: str) -> str:
    return f"title: T\nkind: article\nlang: it\nurl: {url}\n"


# The bundled dossier: whatever editors add, it loads, and its links agree with its records ---------------------


def test_bundled_data_loads() -> None:
    loaded = dossier.load(BUNDLED)
    assert len(loaded) == sum(len(list((BUNDLED / folder).glob("*.yml"))) for folder in DEFAULT.by_folder)
    ids = {a.id for a in loaded.actors}
    assert {"vladimir-putin", "kim-jong-un", "corea-del-nord", "russia"} <= ids


def test_bundled_data_is_in_a_deterministic_order() -> None:
    loaded = load(BUNDLED)
    for records in (loaded.actors, loaded.claims, loaded.sources):
        assert [r.id for r in records] == sorted(r.id for r in records)
    assert list(loaded.events) == sorted(loaded.events, key=lambda e: (e.date.sort_key, e.id))
    assert load(BUNDLED) == loaded


def test_bundled_back_links_match_the_records() -> None:
    loaded = load(BUNDLED)
    by_id = {a.id: a for a in loaded.actors}
    for event in loaded.events:
        for actor in event.participants:
            assert event in loaded.links(actor).events
    for quote in loaded.quotes:
        assert quote in loaded.links(quote.speaker).quotes_by
        for actor in quote.addressed_to:
            assert quote in loaded.links(actor).quotes_to
    for claim in loaded.claims:
        assert claim in loaded.links(claim.subject).claims_about
        if claim.according_to:
            assert claim in loaded.links(claim.according_to).claims_by
    for actor in loaded.actors:
        links = loaded.links(actor)
        assert all(actor in e.participants for e in links.events)
        assert all(q.speaker is actor for q in links.quotes_by)
        for mentioner in links.mentioned_in:
            named = {r.of.id for r in by_id[mentioner.id].roles if r.of}
            named |= {r.actor.id for r in by_id[mentioner.id].relations}
            assert actor.id in named
    putin = by_id["vladimir-putin"]
    assert "incontro-putin-kim-diaoyutai" in [e.id for e in loaded.links(putin).events]
    assert "putin-coraggio-eroismo" in [q.id for q in loaded.links(putin).quotes_by]


def test_bundled_citations_are_verified_against_the_stored_texts() -> None:
    loaded = load(BUNDLED)
    for (_kind, source_id), cited in loaded.citations_of.items():
        text = next(s for s in loaded.sources if s.id == source_id).text
        for _record, citation in cited:
            assert citation.verified is (text is not None)


# The resolved model, on the fixed minimal dossier -----------------------------------------------------------------


def test_minimal_dossier_loads(load_ok: LoadOk) -> None:
    loaded = load_ok()
    assert [a.id for a in loaded.actors] == [
        "corea-del-nord",
        "intelligence-sudcoreana",
        "kim-jong-un",
        "russia",
        "vladimir-putin",
    ]
    assert [e.id for e in loaded.events] == ["incontro-putin-kim-diaoyutai"]
    assert [q.id for q in loaded.quotes] == ["putin-coraggio-eroismo"]
    assert [c.id for c in loaded.claims] == ["soldati-nordcoreani-15mila"]
    assert [q.id for q in loaded.questions] == ["soldati-nordcoreani-inviati"]
    assert [s.id for s in loaded.sources] == [SOURCE]
    assert [t.id for t in loaded.tags] == ["alleanza-russia-corea-del-nord"]
    assert len(loaded) == 11


def test_references_are_resolved_into_objects(load_ok: LoadOk) -> None:
    loaded = load_ok()
    (quote,) = loaded.quotes
    assert quote.speaker.name == "Vladimir Putin"
    assert [a.id for a in quote.addressed_to] == ["kim-jong-un"]
    assert quote.event is not None and quote.event.id == "incontro-putin-kim-diaoyutai"
    assert quote.date is None and when(quote) == quote.event.date  # ordered by its event's date, not given it
    assert quote.lang is None  # the dossier's language
    (claim,) = loaded.claims
    assert claim.subject.id == "corea-del-nord"
    assert claim.according_to is not None and claim.according_to.id == "intelligence-sudcoreana"
    assert claim.value is not None and claim.value.amount == "15000" and claim.value.approximate is True
    kim = next(a for a in loaded.actors if a.id == "kim-jong-un")
    (role,) = kim.roles
    assert role.of is not None and role.of.name == "Corea del Nord"
    assert role.start is not None and Words("it").date(role.start) == "dicembre 2011"
    assert role.notes[0].kind == "context"
    (event,) = loaded.events
    assert Words("it").date(event.date) == "3 settembre 2025"
    assert Words("en").date(event.date) == "September 3, 2025"
    assert event.date_text == "mercoledì"


def test_citations_are_verified_against_the_stored_text(load_ok: LoadOk) -> None:
    loaded = load_ok()
    (src,) = loaded.sources
    assert src.text is not None
    cited = loaded.citations_of[("source", SOURCE)]
    assert [record.id for record, _ in cited] == [
        "kim-jong-un",
        "russia",
        "vladimir-putin",
        "incontro-putin-kim-diaoyutai",
        "putin-coraggio-eroismo",
        "soldati-nordcoreani-15mila",
    ]
    for _record, citation in cited:
        assert citation.verified
        assert citation.span is not None
        start, end = citation.span
        assert src.text.original[start:end] == citation.passage


def test_back_links(load_ok: LoadOk) -> None:
    loaded = load_ok()
    by_id = {a.id: a for a in loaded.actors}
    putin, kim, korea = by_id["vladimir-putin"], by_id["kim-jong-un"], by_id["corea-del-nord"]
    assert [e.id for e in loaded.links(putin).events] == ["incontro-putin-kim-diaoyutai"]
    assert [e.id for e in loaded.links(kim).events] == ["incontro-putin-kim-diaoyutai"]
    assert [q.id for q in loaded.links(putin).quotes_by] == ["putin-coraggio-eroismo"]
    assert [q.id for q in loaded.links(kim).quotes_to] == ["putin-coraggio-eroismo"]
    assert loaded.links(kim).quotes_by == ()
    assert [c.id for c in loaded.links(korea).claims_about] == ["soldati-nordcoreani-15mila"]
    assert [c.id for c in loaded.links(by_id["intelligence-sudcoreana"]).claims_by] == ["soldati-nordcoreani-15mila"]
    assert [r.id for r in loaded.links(korea).mentioned_in] == ["kim-jong-un", "russia"]
    assert [r.id for r in loaded.links(by_id["russia"]).mentioned_in] == ["vladimir-putin"]
    assert loaded.links(by_id["intelligence-sudcoreana"]).events == ()


def test_back_links_count_a_participant_once(load_ok: LoadOk) -> None:
    loaded = load_ok({"events/x.yml": event(extra="participants: [russia, russia]\n")})
    russia = next(a for a in loaded.actors if a.id == "russia")
    assert [e.id for e in loaded.links(russia).events] == ["x"]


def test_events_and_quotes_are_in_date_order_then_by_id(load_ok: LoadOk) -> None:
    loaded = load_ok(
        {
            "events/a-2025.yml": event("2025"),
            "events/b-2025-06.yml": event("2025-06~"),
            "events/c-until-2024.yml": event("../2024"),
            "events/d-2024-08.yml": event("2024-08/2025-04"),
            "events/e-2025.yml": event("2025"),
            "quotes/undated.yml": f"speaker: russia\ntext: T\nform: paraphrase\nsources:\n  - source: {SOURCE}\n"
            "    passage: Il presidente russo\n",
            "quotes/early.yml": f"speaker: russia\ntext: T\nform: paraphrase\ndate: 2020\nsources:\n"
            f"  - source: {SOURCE}\n    passage: Il presidente russo\n",
        }
    )
    assert [e.id for e in loaded.events] == [
        "c-until-2024",
        "d-2024-08",
        "a-2025",
        "e-2025",
        "b-2025-06",
        "incontro-putin-kim-diaoyutai",
    ]
    assert [q.id for q in loaded.quotes] == ["early", "putin-coraggio-eroismo", "undated"]
    assert [a.id for a in loaded.actors] == sorted(a.id for a in loaded.actors)


def test_order_does_not_depend_on_directory_order(load_ok: LoadOk, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"events/e{n}.yml": event("2025-09") for n in (3, 1, 2)}
    first = load_ok(files)
    real_iterdir = Path.iterdir
    monkeypatch.setattr(Path, "iterdir", lambda self: iter(sorted(real_iterdir(self), reverse=True)))
    second = load(Path("data"))
    assert first == second
    assert [e.id for e in second.events] == ["e1", "e2", "e3", "incontro-putin-kim-diaoyutai"]


def test_order_does_not_depend_on_the_hash_seed() -> None:
    script = (
        "from dossier.resolve import load\n"
        "d = load('data')\n"
        "print([a.id for a in d.actors], [e.id for e in d.events], sorted(d.citations_of))\n"
        "print({a.id: [r.id for r in d.links(a).mentioned_in] for a in d.actors})\n"
    )
    outputs = set()
    for seed in ("0", "1", "12345"):
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1


def test_language_of_the_dossier(load_ok: LoadOk) -> None:
    loaded = load_ok(lang="en")
    assert loaded.lang == "en"
    assert loaded.quotes[0].lang is None  # in the dossier's language, whichever it is


# Unknown fields ---------------------------------------------------------------------------------------------------


def test_unknown_field_with_did_you_mean(problems: Problems) -> None:
    assert problems({"actors/x.yml": actor("sumary: hi\n")}) == [
        f"data/actors/x.yml:3:1: actor 'x': sumary: unknown field (did you mean 'summary'?); expected one of: {FIELDS}"
    ]


def test_unknown_nested_field_with_did_you_mean(problems: Problems) -> None:
    assert problems({"actors/x.yml": actor("roles:\n  - title: T\n    off: russia\n")}) == [
        "data/actors/x.yml:5:5: actor 'x': roles[0].off: unknown field (did you mean 'of'?); "
        "expected one of: title, of, start, end, sources, notes"
    ]


def test_unknown_field_in_a_citation(problems: Problems) -> None:
    text = event(extra="").replace("    passage:", "    pasage: x\n    passage:")
    assert problems({"events/x.yml": text}) == [
        "data/events/x.yml:5:5: event 'x': sources[0].pasage: unknown field (did you mean 'passage'?); "
        "expected one of: source, passage, prefix, suffix, locator, notes"
    ]


def test_yaml_booleans_stay_words(problems: Problems, load_ok: LoadOk) -> None:
    loaded = load_ok({"actors/x.yml": "name: no\nkind: person\naliases: [yes, off, on]\n"})
    x = next(a for a in loaded.actors if a.id == "x")
    assert x.name == "no"
    assert x.aliases == ("yes", "off", "on")
    assert problems({"actors/x.yml": "name: no\nkind: person\noff: yes\n"}) == [
        f"data/actors/x.yml:3:1: actor 'x': off: unknown field; expected one of: {FIELDS}"
    ]


def test_numbers_stay_text(load_ok: LoadOk) -> None:
    loaded = load_ok({"actors/x.yml": "name: 0123\nkind: person\naliases: [1:30, 0x1F, 1.10]\n"})
    x = next(a for a in loaded.actors if a.id == "x")
    assert (x.name, x.aliases) == ("0123", ("1:30", "0x1F", "1.10"))


def test_flag_must_be_true_or_false(problems: Problems) -> None:
    claim = (
        "statement: S\nsubject: russia\nvalue: {amount: 15k, approximate: yes}\nstatus: reported\n"
        f"confidence: medium\nsources:\n  - source: {SOURCE}\n    passage: circa 15mila soldati\n"
    )
    assert problems({"claims/x.yml": claim}) == [
        "data/claims/x.yml:3:17: claim 'x': value.amount: '15k' is not a number: write digits, "
        "with '.' for decimals (15000, 2.5)",
        "data/claims/x.yml:3:35: claim 'x': value.approximate: 'yes' is not allowed; expected one of: true, false",
    ]


def test_choice_with_did_you_mean(problems: Problems) -> None:
    assert problems({"actors/x.yml": "name: X\nkind: persn\n"}) == [
        "data/actors/x.yml:2:7: actor 'x': kind: 'persn' is not allowed (did you mean 'person'?); "
        "expected one of: person, organization, country, group"
    ]


@pytest.mark.parametrize(("value", "found"), [("[person]", "a list"), ("{a: b}", "a mapping"), ("", "nothing")])
def test_choice_given_something_else(problems: Problems, value: str, found: str) -> None:
    column = 7 if value else 6
    assert problems({"actors/x.yml": f"name: X\nkind: {value}\n"}) == [
        f"data/actors/x.yml:2:{column}: actor 'x': kind: expected one of: person, organization, country, group; "
        f"found {found}"
    ]


# Missing fields, wrong types ---------------------------------------------------------------------------------------


def test_missing_required_field_is_at_the_record(problems: Problems) -> None:
    assert problems({"actors/x.yml": "# an actor\nname: X\n"}) == [
        "data/actors/x.yml:2:1: actor 'x': kind: missing required field"
    ]


def test_missing_nested_field_is_at_its_mapping(problems: Problems) -> None:
    assert problems({"actors/x.yml": actor("roles:\n  - of: russia\n    start: 2020\n")}) == [
        "data/actors/x.yml:4:5: actor 'x': roles[0].title: missing required field"
    ]


def test_missing_fields_are_all_reported(problems: Problems) -> None:
    assert problems({"quotes/x.yml": "text: T\n"}) == [
        "data/quotes/x.yml:1:1: quote 'x': form: missing required field",
        "data/quotes/x.yml:1:1: quote 'x': sources: missing required field",
        "data/quotes/x.yml:1:1: quote 'x': speaker: missing required field",
    ]


def test_list_where_a_text_is_expected(problems: Problems) -> None:
    assert problems({"actors/x.yml": "name: [Kim, Jong-un]\nkind: person\n"}) == [
        "data/actors/x.yml:1:7: actor 'x': name: expected a text, found a list"
    ]


def test_text_where_a_list_is_expected(problems: Problems) -> None:
    assert problems({"actors/x.yml": actor("aliases: Pyongyang\n")}) == [
        "data/actors/x.yml:3:10: actor 'x': aliases: expected a list, found 'Pyongyang' (write it as a list: '- item')"
    ]


def test_mapping_where_a_list_is_expected(problems: Problems) -> None:
    assert problems({"actors/x.yml": actor("notes: {text: hi}\n")}) == [
        "data/actors/x.yml:3:8: actor 'x': notes: expected a list, found a mapping"
    ]


def test_text_where_a_mapping_is_expected(problems: Problems) -> None:
    assert problems({"actors/x.yml": actor("roles: [Presidente]\n")}) == [
        "data/actors/x.yml:3:9: actor 'x': roles[0]: expected a mapping of fields, found 'Presidente'"
    ]


def test_nothing_where_a_text_is_expected(problems: Problems) -> None:
    assert problems({"actors/x.yml": "name:\nkind: person\n"}) == [
        "data/actors/x.yml:1:6: actor 'x': name: expected a text, found nothing"
    ]


def test_empty_optional_field_counts_as_absent(load_ok: LoadOk) -> None:
    loaded = load_ok({"actors/x.yml": actor("summary:\n")})
    assert next(a for a in loaded.actors if a.id == "x").summary is None


def test_empty_text_and_empty_required_list(problems: Problems) -> None:
    assert problems({"events/x.yml": "title: ''\ndate: 2025\nsources: []\n"}) == [
        "data/events/x.yml:1:8: event 'x': title: must not be empty",
        "data/events/x.yml:3:10: event 'x': sources: needs at least one item",
    ]


def test_blank_texts(problems: Problems) -> None:
    text = event(passage="' '", extra="summary: '   '\n")
    assert problems({"events/x.yml": text}) == [
        "data/events/x.yml:3:10: event 'x': summary: must not be empty",
        "data/events/x.yml:6:14: event 'x': sources[0].passage: must not be empty",
    ]


def test_sources_as_a_single_id(problems: Problems) -> None:
    assert problems({"events/x.yml": f"title: T\ndate: 2025\nsources: {SOURCE}\n"}) == [
        f"data/events/x.yml:3:10: event 'x': sources: expected a list, found '{SOURCE}' (write it as a list: '- item')"
    ]


def test_single_line_fields(problems: Problems) -> None:
    assert problems({"actors/x.yml": "name: |\n  Kim\n  Jong-un\nkind: person\naliases: [' Kim']\n"}) == [
        "data/actors/x.yml:1:7: actor 'x': name: must be a single line",
        "data/actors/x.yml:5:11: actor 'x': aliases[0]: must not start or end with spaces",
    ]


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2066", "\ufeff", "\u061c"])
def test_invisible_characters_in_a_name(problems: Problems, char: str) -> None:
    assert problems({"actors/x.yml": f'name: "Kim{char}"\nkind: person\n'}) == [
        f"data/actors/x.yml:1:7: actor 'x': name: invisible or bidirectional character U+{ord(char):04X} "
        "is not allowed here"
    ]


def test_bidi_characters_are_allowed_in_quoted_words(load_ok: LoadOk) -> None:
    quote = (
        'speaker: russia\ntext: "שלום \u200f"\nform: direct\nlang: he\n'
        f"sources:\n  - source: {SOURCE}\n    passage: Il presidente russo\n"
    )
    loaded = load_ok({"quotes/x.yml": quote})
    assert next(q for q in loaded.quotes if q.id == "x").text == "שלום \u200f"


def test_names_are_normalised_to_nfc(load_ok: LoadOk) -> None:
    loaded = load_ok({"actors/x.yml": actor(name=unicodedata.normalize("NFD", "Città"))})
    assert next(a for a in loaded.actors if a.id == "x").name == "Città"


def test_language_code_and_text_file_name(problems: Problems) -> None:
    text = "title: T\nkind: article\nlang: Italian\ntext_file: ../secret.txt\n"
    assert problems({"sources/x.yml": text}) == [
        "data/sources/x.yml:3:7: source 'x': lang: 'Italian' is not a language code: use ISO 639 codes "
        "such as it, en, ko, ru",
        "data/sources/x.yml:4:12: source 'x': text_file: '../secret.txt' is not a valid text file name: "
        "lowercase, no folders, ending in .txt",
    ]


# Ids ----------------------------------------------------------------------------------------------------------


def bad_file_name(stem: str, kind: str = "actor") -> str:
    return (
        f"data/{kind}s/{stem}.yml: {kind} '{stem}': '{stem}' is not a valid id: name the file with lowercase "
        "letters a-z, digits and single hyphens (the file name is the id)"
    )


@pytest.mark.parametrize(
    "stem",
    [
        "Putin",
        "vladimir_putin",
        "vladimir--putin",
        "-putin",
        "putin-",
        "рutin",  # Cyrillic р
        "putіn",  # Ukrainian і
        unicodedata.normalize("NFD", "café"),
        unicodedata.normalize("NFC", "café"),
        "x" * 81,
    ],
)
def test_bad_file_names(problems: Problems, stem: str) -> None:
    assert problems({f"actors/{stem}.yml": actor()}) == [bad_file_name(stem)]


def test_longest_id_is_fine(load_ok: LoadOk) -> None:
    loaded = load_ok({f"actors/{'x' * 80}.yml": actor()})
    assert "x" * 80 in {a.id for a in loaded.actors}


@pytest.mark.parametrize(
    "target",
    ["../x", "../../etc/passwd", "Russia", "russia/../x", "rußia", "рussia", "russia ", "e\u0301", "a_b", ""],
)
def test_bad_id_in_a_reference(problems: Problems, target: str) -> None:
    assert problems({"actors/x.yml": actor(f'roles:\n  - title: T\n    of: "{target}"\n')}) == [
        f"data/actors/x.yml:5:9: actor 'x': roles[0].of: '{target}' is not a valid id: use lowercase letters a-z, "
        "digits and single hyphens"
    ]


def test_overlong_id_in_a_reference(problems: Problems) -> None:
    assert problems({"actors/x.yml": actor(f"roles:\n  - title: T\n    of: {'x' * 81}\n")}) == [
        "data/actors/x.yml:5:9: actor 'x': roles[0].of: too long: 81 characters, at most 80"
    ]


def test_bad_tag(problems: Problems) -> None:
    assert problems({"actors/x.yml": actor("tags: [alleanza-russia-corea-del-nord, Not OK]\n")}) == [
        "data/actors/x.yml:3:40: actor 'x': tags[1]: 'Not OK' is not a valid id: use lowercase letters a-z, "
        "digits and single hyphens"
    ]


def test_an_undeclared_tag_is_an_unknown_reference(problems: Problems) -> None:
    """Tags are records of their own (data/tags/<id>.yml, with the label readers see): a tag no file declares is
    reported like any unknown reference, with the closest declared one."""
    assert problems({"events/x.yml": event(extra="tags: [alleanza-russia-corea-nord, ok]\n")}) == [
        "data/events/x.yml:3:8: event 'x': tags[0]: unknown tag 'alleanza-russia-corea-nord' "
        "(did you mean 'alleanza-russia-corea-del-nord'?)",
        "data/events/x.yml:3:36: event 'x': tags[1]: unknown tag 'ok'",
    ]


def test_a_tag_needs_its_label(problems: Problems) -> None:
    assert problems({"tags/vuoto.yml": "description: Un tema senza nome.\n"}) == [
        "data/tags/vuoto.yml:1:1: tag 'vuoto': label: missing required field"
    ]


def test_two_records_with_one_id(problems: Problems) -> None:
    assert problems({"actors/russia.yaml": "name: X\nkind: country\n"}) == [
        "data/actors/russia.yml: actor 'russia': an actor with this id is already defined in data/actors/russia.yaml"
    ]


def test_same_id_in_two_kinds_is_fine(load_ok: LoadOk) -> None:
    loaded = load_ok({"events/russia.yml": event()})
    assert "russia" in {e.id for e in loaded.events}


def test_stray_files_and_unknown_folders(problems: Problems) -> None:
    assert problems(
        {
            "actor/y.yml": actor(),
            "misc/notes.txt": "x",
            "notes.md": "x",
            "actors/notes.md": "x",
            "actors/folder.yml/z.yml": actor(),
        }
    ) == [
        "data/actor: unexpected folder 'actor' (did you mean 'actors'?); records go in: "
        "actors, events, quotes, claims, questions, sources, tags",
        "data/actors/folder.yml: a folder, not a record: records are .yml files",
        "data/actors/notes.md: not a record: records are .yml files",
        "data/misc: unexpected folder 'misc'; records go in: actors, events, quotes, claims, questions, sources, tags",
        "data/notes.md: unexpected file 'notes.md'; records go in: actors, events, quotes, claims, questions, sources, "
        "tags",
    ]


def test_hidden_drafts_and_readmes_are_ignored(load_ok: LoadOk) -> None:
    loaded = load_ok(
        {
            "actors/_draft.yml": "name: [",
            "actors/.x.yml.swp": "x",
            "_drafts/x.yml": "x",
            ".git/config": "x",
            "README.md": "# data",
            "actors/README.md": "# actors",
        }
    )
    assert "_draft" not in {a.id for a in loaded.actors}


def test_missing_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DossierError) as caught:
        load(Path("nope"))
    assert [str(p) for p in caught.value.problems] == ["nope: data folder not found"]


def test_symlink_outside_the_data_folder(make_data: Callable[..., Path], tmp_path: Path) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text(actor(), encoding="utf-8")
    (make_data() / "actors" / "linked.yml").symlink_to(outside)
    with pytest.raises(DossierError) as caught:
        load(Path("data"))
    assert [str(p) for p in caught.value.problems] == [
        "data/actors/linked.yml: links to a file outside the data folder"
    ]


# References -----------------------------------------------------------------------------------------------------


def test_dangling_reference_with_did_you_mean(problems: Problems) -> None:
    assert problems({"actors/x.yml": actor("roles:\n  - title: T\n    of: rusia\n")}) == [
        "data/actors/x.yml:5:9: actor 'x': roles[0].of: unknown actor 'rusia' (did you mean 'russia'?)"
    ]


def test_dangling_speaker(problems: Problems) -> None:
    quote = f"speaker: vladimir-putn\ntext: T\nform: direct\nsources:\n  - source: {SOURCE}\n    passage: Kim\n"
    assert problems({"quotes/x.yml": quote}) == [
        "data/quotes/x.yml:1:10: quote 'x': speaker: unknown actor 'vladimir-putn' (did you mean 'vladimir-putin'?)"
    ]


def test_dangling_reference_without_a_close_match(problems: Problems) -> None:
    assert problems({"events/x.yml": event(extra="participants: [russia, zelensky]\n")}) == [
        "data/events/x.yml:3:24: event 'x': participants[1]: unknown actor 'zelensky'"
    ]


def test_dangling_source_and_event(problems: Problems) -> None:
    claim = (
        "statement: S\nsubject: russia\nevent: incontro-putin-kim\nstatus: reported\nconfidence: high\n"
        "sources:\n  - source: articolo-pechino-2025\n    passage: x\n"
    )
    assert problems({"claims/x.yml": claim}) == [
        "data/claims/x.yml:3:8: claim 'x': event: unknown event 'incontro-putin-kim' "
        "(did you mean 'incontro-putin-kim-diaoyutai'?)",
        "data/claims/x.yml:7:13: claim 'x': sources[0].source: unknown source 'articolo-pechino-2025' "
        f"(did you mean '{SOURCE}'?)",
    ]


def test_reference_to_the_wrong_kind(problems: Problems) -> None:
    quote = (
        "speaker: russia\ntext: T\nform: direct\nevent: russia\naddressed_to: [incontro-putin-kim-diaoyutai]\n"
        "sources:\n  - source: kim-jong-un\n    passage: x\n"
    )
    assert problems({"quotes/x.yml": quote, "actors/x.yml": actor(f"roles:\n  - title: T\n    of: {SOURCE}\n")}) == [
        f"data/actors/x.yml:5:9: actor 'x': roles[0].of: '{SOURCE}' is a source, expected an actor",
        "data/quotes/x.yml:4:8: quote 'x': event: 'russia' is an actor, expected an event",
        "data/quotes/x.yml:5:16: quote 'x': addressed_to[0]: 'incontro-putin-kim-diaoyutai' is an event, "
        "expected an actor",
        "data/quotes/x.yml:7:13: quote 'x': sources[0].source: 'kim-jong-un' is an actor, expected a source",
    ]


def test_reference_to_an_invalid_record_is_not_called_unknown(problems: Problems) -> None:
    # The source exists but fails its schema: report that once, not as "unknown source" in every record citing it.
    assert problems({f"sources/{SOURCE}.yml": "title: T\nkind: article\nlang: Italian\n"}) == [
        f"data/sources/{SOURCE}.yml:3:7: source '{SOURCE}': lang: 'Italian' is not a language code: use ISO 639 codes "
        "such as it, en, ko, ru"
    ]


def test_reference_to_an_unparsable_record_is_not_called_unknown(problems: Problems) -> None:
    assert problems({"actors/russia.yml": "name: [\n"}) == [
        "data/actors/russia.yml:2:1: actor 'russia': YAML syntax error: did not find expected node content "
        "(while parsing a flow node)"
    ]


# Dates ----------------------------------------------------------------------------------------------------------


def test_impossible_dates_are_reported_at_the_field(problems: Problems) -> None:
    text = actor("roles:\n  - title: T\n    start: 2025-02-30\n    end: 2025-13-01\n")
    assert problems({"actors/x.yml": text}) == [
        "data/actors/x.yml:5:12: actor 'x': roles[0].start: '2025-02-30': February 2025 has no day 30 (it has 28 days)",
        "data/actors/x.yml:6:10: actor 'x': roles[0].end: '2025-13-01': there is no month 13",
    ]


def test_impossible_event_date(problems: Problems) -> None:
    assert problems({"events/x.yml": event("2023-02-29")}) == [
        "data/events/x.yml:2:7: event 'x': date: '2023-02-29': February 2023 has no day 29 (it has 28 days)"
    ]


def test_date_that_is_not_a_date(problems: Problems) -> None:
    assert problems({"events/x.yml": event("'3 settembre'")}) == [
        "data/events/x.yml:2:7: event 'x': date: '3 settembre' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD, "
        "optionally followed by ~ (approximate), ? (uncertain) or % (both)"
    ]


def test_role_ending_before_it_starts(problems: Problems) -> None:
    text = actor("roles:\n  - title: T\n    start: 2025\n    end: 2024\n")
    assert problems({"actors/x.yml": text}) == [
        "data/actors/x.yml:6:10: actor 'x': roles[0].end: ends (2024) before it starts (2025)"
    ]


def test_relation_ending_before_it_starts(problems: Problems) -> None:
    text = actor("relations:\n  - actor: russia\n    label: L\n    start: 2025-06\n    end: 2025-05-31\n")
    assert problems({"actors/x.yml": text}) == [
        "data/actors/x.yml:7:10: actor 'x': relations[0].end: ends (2025-05-31) before it starts (2025-06)"
    ]


def test_role_of_one_month_within_a_year_is_fine(load_ok: LoadOk) -> None:
    loaded = load_ok({"actors/x.yml": actor("roles:\n  - title: T\n    start: 2025-06\n    end: 2025\n")})
    assert next(a for a in loaded.actors if a.id == "x").roles[0].end is not None


def test_event_interval_ending_before_it_starts(problems: Problems) -> None:
    assert problems({"events/x.yml": event("2025-05/2024-01")}) == [
        "data/events/x.yml:2:7: event 'x': date: '2025-05/2024-01': the interval ends (2024-01) before it starts "
        "(2025-05)"
    ]


# URLs -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "'javascript:alert(1)' is not an http(s) URL"),
        ("JavaScript:alert(1)", "'JavaScript:alert(1)' is not an http(s) URL"),
        ("data:text/html,x", "'data:text/html,x' is not an http(s) URL"),
        ("ftp://example.org/x", "'ftp://example.org/x' is not an http(s) URL"),
        ("//example.org/x", "'//example.org/x' is not an http(s) URL"),
        ("https:///x", "'https:///x' has no host name"),
        ("'https://exa mple.org'", "a URL must not contain spaces, control or invisible characters"),
        ("' https://example.org'", "a URL must not contain spaces, control or invisible characters"),
        ('"https://example.org/\\tx"', "a URL must not contain spaces, control or invisible characters"),
        ('"https://example.org/\u202egpj.exe"', "a URL must not contain spaces, control or invisible characters"),
        ('"https://exa\u200bmple.org"', "a URL must not contain spaces, control or invisible characters"),
        ('"https://example.org/\u00a0"', "a URL must not contain spaces, control or invisible characters"),
    ],
)
def test_bad_urls(problems: Problems, url: str, message: str) -> None:
    assert problems({"sources/x.yml": source(url)}) == [f"data/sources/x.yml:4:6: source 'x': url: {message}"]


def test_bad_archive_url(problems: Problems) -> None:
    text = source("https://example.org/a") + "archive_url: javascript:alert(1)\n"
    assert problems({"sources/x.yml": text}) == [
        "data/sources/x.yml:5:14: source 'x': archive_url: 'javascript:alert(1)' is not an http(s) URL"
    ]


def test_good_urls(load_ok: LoadOk) -> None:
    loaded = load_ok(
        {
            "sources/a.yml": source("https://example.org/path?q=1#frag"),
            "sources/b.yml": source("http://example.org"),
            "sources/c.yml": source("HTTPS://Example.org/%20x"),
        }
    )
    assert {s.id: s.url for s in loaded.sources}["a"] == "https://example.org/path?q=1#frag"


# Passages -------------------------------------------------------------------------------------------------------


CLOSEST = "closest passage ({}), [-in your passage-] {{+in the source+}}:"


def test_passage_not_found_shows_the_closest_passage_and_the_words_to_change(problems: Problems) -> None:
    passage = "ha detto Putin a Kim Jong-un"
    assert problems({"events/x.yml": event(passage=passage)}) == [
        f"data/events/x.yml:5:14: event 'x': sources[0].passage: passage not found in source '{SOURCE}'; "
        + CLOSEST.format("line 6 of its text")
        + "\n    ha detto Putin a Kim [-Jong-un-]"
    ]


def test_closest_passage_is_the_matching_stretch_not_the_whole_sentence(problems: Problems) -> None:
    passage = "Il presidente russo Vladimir Putin ha ringraziato il leader nordcoreano"
    assert problems({"events/x.yml": event(passage=passage)}) == [
        f"data/events/x.yml:5:14: event 'x': sources[0].passage: passage not found in source '{SOURCE}'; "
        + CLOSEST.format("line 3 of its text")
        + "\n    Il presidente russo{+,+} Vladimir Putin{+,+} ha ringraziato il leader [-nordcoreano-]"
    ]


def test_passage_with_nothing_close_in_the_source(problems: Problems) -> None:
    assert problems({"events/x.yml": event(passage="completely different words")}) == [
        f"data/events/x.yml:5:14: event 'x': sources[0].passage: passage not found in source '{SOURCE}', "
        "nor any stretch of its text holding half its words"
    ]


def test_passage_outside_its_prefix_and_suffix(problems: Problems) -> None:
    text = event(extra="").replace("    passage: Il presidente russo\n", "    passage: Kim\n    prefix: Trump\n")
    assert problems({"events/x.yml": text}) == [
        "data/events/x.yml:5:14: event 'x': sources[0].passage: the passage occurs in the source, "
        "but not between the given prefix and suffix"
    ]


def test_passage_in_a_nested_citation(problems: Problems) -> None:
    text = actor(f"roles:\n  - title: T\n    sources:\n      - source: {SOURCE}\n        passage: non c'è\n")
    (line,) = problems({"actors/x.yml": text})
    assert line.startswith(
        f"data/actors/x.yml:7:18: actor 'x': roles[0].sources[0].passage: passage not found in source '{SOURCE}'"
    )


def test_passage_matches_across_line_breaks_and_typographic_quotes(load_ok: LoadOk) -> None:
    passage = "'“I vostri soldati hanno combattuto   con coraggio ed eroismo”, ha detto Putin'"
    loaded = load_ok({"events/x.yml": event(passage=passage)})
    (citation,) = next(e for e in loaded.events if e.id == "x").sources
    assert citation.verified


def test_prefix_and_suffix_pick_the_occurrence(load_ok: LoadOk) -> None:
    text = event(extra="").replace(
        "    passage: Il presidente russo\n",
        "    passage: Kim\n    prefix: Nel suo discorso a\n    suffix: ', Putin'\n",
    )
    loaded = load_ok({"events/x.yml": text})
    (citation,) = next(e for e in loaded.events if e.id == "x").sources
    src = citation.source.text
    assert src is not None and citation.span is not None
    start, end = citation.span
    assert src.original[start - 19 : end + 7] == "Nel suo discorso a Kim, Putin"


def test_source_without_stored_text_accepts_any_passage(load_ok: LoadOk) -> None:
    loaded = load_ok({"sources/y.yml": "title: T\nkind: report\nlang: en\n", "events/x.yml": event()})
    assert loaded.citations_of.get(("source", "y")) is None


def test_stored_text_problems(problems: Problems) -> None:
    assert problems(
        {
            "sources/a.yml": "title: T\nkind: report\nlang: en\ntext_file: a.txt\n",
            "sources/b.yml": "title: T\nkind: report\nlang: en\ntext_file: b.txt\n",
            "sources/b.txt": b"ok\ncaff\xe8\n",
            "sources/c.yml": "title: T\nkind: report\nlang: en\ntext_file: c.txt\n",
            "sources/c.txt": "ok\n\nred \x1b[31m\n",
        }
    ) == [
        "data/sources/a.yml:4:12: source 'a': text_file: text file not found: data/sources/a.txt",
        "data/sources/b.yml:4:12: source 'b': text_file: data/sources/b.txt:2: not valid UTF-8",
        "data/sources/c.yml:4:12: source 'c': text_file: data/sources/c.txt:3: control character U+001B",
    ]


# Lengths --------------------------------------------------------------------------------------------------------


def test_over_long_fields(problems: Problems) -> None:
    text = f"name: {'N' * 301}\nkind: person\nsummary: '{'[' * 10_000}'\naliases: ['{'a' * 400}']\n"
    assert problems({"actors/x.yml": text}) == [
        "data/actors/x.yml:1:7: actor 'x': name: too long: 301 characters, at most 300",
        "data/actors/x.yml:3:10: actor 'x': summary: too long: 10000 characters, at most 4000",
        "data/actors/x.yml:4:11: actor 'x': aliases[0]: too long: 400 characters, at most 300",
    ]


def test_over_long_quote_and_passage(problems: Problems) -> None:
    quote = (
        f"speaker: russia\ntext: {'parole ' * 300}\nform: direct\nsources:\n  - source: {SOURCE}\n"
        f"    passage: {'x' * 2001}\n"
    )
    assert problems({"quotes/x.yml": quote}) == [
        "data/quotes/x.yml:2:7: quote 'x': text: too long: 2099 characters, at most 2000",
        "data/quotes/x.yml:6:14: quote 'x': sources[0].passage: too long: 2001 characters, at most 2000",
    ]


def test_over_long_date(problems: Problems) -> None:
    assert problems({"events/x.yml": event("2025" + "~" * 40)}) == [
        "data/events/x.yml:2:7: event 'x': date: too long: 44 characters, at most 40"
    ]


# All problems together --------------------------------------------------------------------------------------------


def test_all_problems_are_reported_together_sorted_by_file_and_line(problems: Problems) -> None:
    found = problems(
        {
            "quotes/b.yml": "speaker: nobody\ntext: T\nform: direct\nfoo: bar\n"
            f"sources:\n  - source: {SOURCE}\n    passage: Kim\n",
            "quotes/a.yml": "speaker: russia\ntext: T\nform: direct\nsources:\n"
            f"  - source: {SOURCE}\n    passage: Kim\n  - source: nowhere\n    passage: x\n",
            "actors/z.yml": "name: Z\nkind: persn\n",
            "actors/a.yml": "name: A\nkind: person\nkind: country\n",
            "events/m.yml": event("2025-13"),
            "claims/c.yml": "statement: S\n",
            "actors/Bad.yml": "name: B\n",
        }
    )
    assert found == [
        bad_file_name("Bad"),
        "data/actors/a.yml:3:1: actor 'a': duplicate key 'kind' (first given at line 2)",
        "data/actors/z.yml:2:7: actor 'z': kind: 'persn' is not allowed (did you mean 'person'?); "
        "expected one of: person, organization, country, group",
        "data/claims/c.yml:1:1: claim 'c': confidence: missing required field",
        "data/claims/c.yml:1:1: claim 'c': sources: missing required field",
        "data/claims/c.yml:1:1: claim 'c': status: missing required field",
        "data/claims/c.yml:1:1: claim 'c': subject: missing required field",
        "data/events/m.yml:2:7: event 'm': date: '2025-13': there is no month 13",
        "data/quotes/a.yml:7:13: quote 'a': sources[1].source: unknown source 'nowhere'",
        "data/quotes/b.yml:1:10: quote 'b': speaker: unknown actor 'nobody'",
        "data/quotes/b.yml:4:1: quote 'b': foo: unknown field; expected one of: speaker, text, form, lang, "
        "addressed_to, event, date, date_text, original, tags, sources, notes",
    ]


def test_references_and_passages_of_an_invalid_record_are_checked_too(problems: Problems) -> None:
    quote = (
        "speaker: vladimir-putn\ntext: T\nform: direc\naddressed_to: [kim]\n"
        f"sources:\n  - source: {SOURCE}\n    passage: non esiste\n"
    )
    actor_text = "name: X\nkind: persn\nroles:\n  - title: T\n    of: rusia\n    start: 2025\n    end: 2024\n"
    assert problems({"quotes/x.yml": quote, "actors/x.yml": actor_text}) == [
        "data/actors/x.yml:2:7: actor 'x': kind: 'persn' is not allowed (did you mean 'person'?); "
        "expected one of: person, organization, country, group",
        "data/actors/x.yml:5:9: actor 'x': roles[0].of: unknown actor 'rusia' (did you mean 'russia'?)",
        "data/actors/x.yml:7:10: actor 'x': roles[0].end: ends (2024) before it starts (2025)",
        "data/quotes/x.yml:1:10: quote 'x': speaker: unknown actor 'vladimir-putn' (did you mean 'vladimir-putin'?)",
        "data/quotes/x.yml:3:7: quote 'x': form: 'direc' is not allowed (did you mean 'direct'?); "
        "expected one of: direct, partial, paraphrase",
        "data/quotes/x.yml:4:16: quote 'x': addressed_to[0]: unknown actor 'kim'",
        "data/quotes/x.yml:7:14: quote 'x': sources[0].passage: passage not found in source "
        f"'{SOURCE}', nor any stretch of its text holding half its words",
    ]


def test_an_invalid_citation_is_not_also_a_missing_one(problems: Problems) -> None:
    # Pydantic also says the list is too short when its only item fails; that would be noise.
    assert problems({"events/x.yml": f"title: T\ndate: 2025\nsources:\n  - source: {SOURCE}\n"}) == [
        "data/events/x.yml:4:5: event 'x': sources[0].passage: missing required field"
    ]


def test_values_in_messages_cannot_break_lines_or_drive_the_terminal(problems: Problems) -> None:
    found = problems({"actors/x.yml": 'name: X\nkind: "per\\nson"\n', "actors/a\x1b[2Jb.yml": "name: X\n"})
    assert found == [
        "data/actors/a\\x1b[2Jb.yml: actor 'a\\x1b[2Jb': 'a\\x1b[2Jb' is not a valid id: name the file with lowercase "
        "letters a-z, digits and single hyphens (the file name is the id)",
        "data/actors/x.yml:2:7: actor 'x': kind: 'per\\nson' is not allowed (did you mean 'person'?); "
        "expected one of: person, organization, country, group",
    ]


def test_dossier_error_lists_every_problem() -> None:
    error = DossierError(
        [
            Problem(path="b.yml", line=2, message="second"),
            Problem(path="a.yml", line=10, column=3, kind="actor", id="a", field="name", message="first"),
            Problem(path="a.yml", line=10, column=3, kind="actor", id="a", field="name", message="first"),
            Problem(path="c.yml", message="whole file"),
        ]
    )
    assert [str(p) for p in error.problems] == [
        "a.yml:10:3: actor 'a': name: first",
        "b.yml:2: second",
        "c.yml: whole file",
    ]
    assert str(error) == "a.yml:10:3: actor 'a': name: first\nb.yml:2: second\nc.yml: whole file\n3 problems found."
    assert error.summary() == "3 problems in the dossier data"


def test_schema_models_are_the_ones_the_loader_uses() -> None:
    assert [kind.name for kind in DEFAULT] == ["actor", "event", "quote", "claim", "question", "source", "tag"]
    assert [kind.name for kind in DEFAULT.order] == ["tag", "source", "actor", "event", "quote", "question", "claim"]
    assert schema.ID_RE.match("kim-jong-un")
    assert not schema.ID_RE.match("kim--jong-un")


# What a check reads, validation never changes ----------------------------------------------------------------------
# `dossier check` checks a valid record's own parsed data, not pydantic's copy of it (resolve.Context.as_read): every
# field the checks read must come out of validation exactly as it went in.


def _read_by_checks(model: type[schema.Strict]) -> Iterator[tuple[str, TypeAdapter[Any]]]:
    """Each field of ``model`` (and of its parts) that resolve's checks read, with a validator of its type alone:
    references, Markdown, stored text names, excerpts' texts, and the words of citations."""

    def validator(owner: type[schema.Strict], name: str) -> tuple[str, TypeAdapter[Any]]:
        info = owner.model_fields[name]
        typed = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        return f"{owner.__name__}.{name}", TypeAdapter(typed)

    for field in plan(model):
        if field.model is not None:
            yield from _read_by_checks(field.model)
            words = ((PASSAGE, "prefix", "suffix") if field.cites else ()) + (("text",) if field.excerpts else ())
            yield from (validator(field.model, name) for name in words)
        elif field.link is not None or field.format == "markdown" or field.stored:
            yield validator(model, field.name)


READ_BY_CHECKS = dict(pair for kind in DEFAULT for pair in _read_by_checks(kind.model))
AWKWARD = ["e\u0301", " a ", "a  b", "ﬁ", "Ａ", "a\u00a0b", "x-1", "K", "a\tb\n", "\ufeffa"]  # NFC, NFKC, spaces


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.sampled_from(AWKWARD)))
def test_validation_changes_nothing_a_check_reads(text: str) -> None:
    assert {"Citation.passage", "Citation.prefix", "Excerpt.text", "Event.participants", "Note.text"} <= set(
        READ_BY_CHECKS
    )
    for name, adapter in READ_BY_CHECKS.items():
        for value in (text, [text]):
            try:
                out = adapter.validate_python(value)
            except ValidationError:
                continue
            assert (list(out) if isinstance(out, tuple) else out) == value, name
