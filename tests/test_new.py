"""`dossier new KIND ID`: a starting record of any kind, every required field there, never overwriting a file."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from conftest import SOURCE

from dossier.kinds import DEFAULT
from dossier.registry import Kind, plan
from dossier.resolve import load
from dossier.schema import DATE

RunCli = Callable[..., Result]
PASSAGE = "Il presidente russo, Vladimir Putin"


def _fill(kind: Kind, text: str, dossier_ids: dict[str, list[str]]) -> str:
    """Every "" of a starting record filled with a value its field takes (an existing id for a reference)."""
    fields = {p.name: p for p in plan(kind.model)}
    citation = {p.name: p for p in plan(fields["sources"].model)} if "sources" in fields else {}

    def value(name: str) -> str:
        part = fields.get(name) or citation[name]
        if part.link is not None:
            return SOURCE if name == "source" else dossier_ids[part.link.kinds[0]][0]
        if part.convert is DATE:
            return "2025-09"
        if part.format == "lang":
            return "it"
        return PASSAGE if name == "passage" else "Un testo"

    return re.sub(r'^(\s*-?\s*)(\w+): ""', lambda m: f"{m.group(1)}{m.group(2)}: {value(m.group(2))}", text, flags=re.M)


@pytest.mark.parametrize("kind", DEFAULT.kinds, ids=lambda k: k.name)
def test_a_new_record_of_each_kind_checks_once_its_blanks_are_filled(
    kind: Kind, make_data: Callable[..., Path], run_cli: RunCli
) -> None:
    data = make_data()
    result = run_cli("new", kind.name, "nuovo", "--data", "data")
    assert result.exit_code == 0, result.output
    target = data / kind.folder / "nuovo.yml"
    assert result.stdout == f"wrote data/{kind.folder}/nuovo.yml\n"
    text = target.read_text(encoding="utf-8")
    assert isinstance(yaml.safe_load(text), dict)
    blanks = [n + 1 for n, line in enumerate(text.splitlines()) if ': ""' in line]
    checked = run_cli("check", "--data", "data")
    assert checked.exit_code == 1
    reported = sorted({int(m) for m in re.findall(rf"data/{kind.folder}/nuovo\.yml:(\d+):", checked.stderr)})
    assert reported == blanks  # each blank, at its line, and nothing else of the new record
    ids = {k.name: sorted(p.stem for p in (data / k.folder).glob("*.yml") if p.stem != "nuovo") for k in DEFAULT}
    target.write_text(_fill(kind, text, ids), encoding="utf-8")
    after = run_cli("check", "--data", "data")
    assert after.exit_code == 0, after.stderr
    assert any(r.id == "nuovo" for r in load(Path("data")).records[kind.name])


def test_optional_fields_are_there_as_comments_saying_what_they_take(
    make_data: Callable[..., Path], run_cli: RunCli
) -> None:
    data = make_data()
    assert run_cli("new", "claim", "nuova", "--data", "data").exit_code == 0
    text = (data / "claims/nuova.yml").read_text(encoding="utf-8")
    assert "status: reported  # required; one of: reported | confirmed | disputed | denied | retracted" in text
    assert "# according_to:  # Id of the actor who asserts it; omitted: the source itself" in text
    assert "# date:  # a date: 2025, 2025-09, 2025-09-03" in text
    uncommented = re.sub(r"^(\s*)# ", r"\1", text.split("\n", 2)[2], flags=re.M)
    assert isinstance(yaml.safe_load(re.sub(r"  # .*$", "", uncommented, flags=re.M)), dict)


def test_a_citation_is_filled_in_verified(make_data: Callable[..., Path], run_cli: RunCli) -> None:
    data = make_data()
    result = run_cli("new", "events", "nuovo", "--data", "data", "--source", SOURCE, "--passage", "Kim")
    assert result.exit_code == 0, result.output
    text = (data / "events/nuovo.yml").read_text(encoding="utf-8")
    assert f"  - source: {SOURCE}\n    passage: Kim\n    prefix: " in text  # "Kim" occurs often: told apart
    filled = text.replace('title: ""', "title: Un evento").replace('date: ""', "date: 2025")
    (data / "events/nuovo.yml").write_text(filled, encoding="utf-8")
    (event,) = [e for e in load(Path("data")).events if e.id == "nuovo"]
    (citation,) = event.sources
    assert citation.verified


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["evento", "x"], "Invalid value for KIND: no kind 'evento' (did you mean 'event'?); kinds: actor, event"),
        (["event", "Nuovo"], "Invalid value for ID: 'Nuovo' is not a valid id: use lowercase letters a-z, digits"),
        (["actor", "index"], "Invalid value for ID: 'index' is reserved for the page listing every actor"),
        (["event", "x", "--source", SOURCE], "Error: --source and --passage go together"),
        (
            ["event", "x", "--source", "articolo-pechino-2025", "--passage", "p"],
            "(did you mean 'articolo-pechino-2025-09'?)",
        ),
    ],
)
def test_misuse_is_refused_with_the_rule(
    make_data: Callable[..., Path], run_cli: RunCli, args: list[str], message: str
) -> None:
    make_data()
    result = run_cli("new", *args, "--data", "data")
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_existing_record_is_never_overwritten(make_data: Callable[..., Path], run_cli: RunCli) -> None:
    data = make_data({"events/x.yaml": "title: T\n"})
    before = (data / "events/x.yaml").read_bytes()
    result = run_cli("new", "event", "x", "--data", "data")
    assert result.exit_code == 1
    assert result.stderr == "error: data/events/x.yaml exists already: choose another id (nothing was written)\n"
    assert (data / "events/x.yaml").read_bytes() == before
    assert not (data / "events/x.yml").exists()


def test_a_passage_not_in_the_source_is_refused_with_the_closest_stretch(
    make_data: Callable[..., Path], run_cli: RunCli
) -> None:
    make_data()
    result = run_cli("new", "quote", "q", "--data", "data", "--source", SOURCE, "--passage", "ha detto Putin a Xi")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"error: passage not found in source '{SOURCE}'; closest passage (line 6 of its text)")
    assert lines[1].startswith("    ") and "[-Xi-]" in lines[1]
    assert not Path("data/quotes/q.yml").exists()


def test_a_source_without_stored_text_cannot_verify(make_data: Callable[..., Path], run_cli: RunCli) -> None:
    make_data({"sources/senza.yml": "title: T\nkind: report\nlang: en\n"})
    result = run_cli("new", "event", "x", "--data", "data", "--source", "senza", "--passage", "p")
    assert result.exit_code == 1
    assert "source 'senza' has no stored text (text_file)" in result.stderr
