"""The `dossier render`, `dossier coverage` and `python -m dossier` commands, and the README's examples."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sitekit import ROOT, copy_project, run, tree_hash

from dossier.resolve import load


def test_render_writes_then_reports_unchanged(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    first = run(["dossier", "render", "--out", "out"], project)
    assert first.returncode == 0, first.stderr
    assert re.fullmatch(r"out: wrote \d+ files\n", first.stdout)
    before = {p: p.stat().st_mtime_ns for p in (project / "out").rglob("*")}
    second = run(["dossier", "render", "--out", "out"], project)
    assert second.stdout == "out: unchanged\n"
    assert {p: p.stat().st_mtime_ns for p in (project / "out").rglob("*")} == before


def test_render_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    (project / "mine").mkdir()
    (project / "mine/notes.txt").write_text("keep me", encoding="utf-8")
    result = run(["dossier", "render", "--out", "mine"], project)
    assert result.returncode == 1
    assert result.stderr == (
        "error: mine is not empty and was not written by 'dossier render' or 'dossier export': choose another folder\n"
    )
    assert (project / "mine/notes.txt").read_text(encoding="utf-8") == "keep me"


def test_render_refuses_the_docs_folder(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    result = run(["dossier", "render", "--out", "docs"], project)
    assert result.returncode == 2
    assert "Error: --out must not be the docs folder or contain it" in result.stderr


def test_render_with_invalid_data_writes_nothing(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    assert run(["dossier", "render", "--out", "out"], project).returncode == 0
    before = tree_hash(project / "out")
    (project / "data/actors/rotto.yml").write_text("name: Rotto\nkind: persona\n", encoding="utf-8")
    result = run(["dossier", "render", "--out", "out"], project)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "data/actors/rotto.yml:2:7: actor 'rotto': kind: 'persona' is not allowed (did you mean 'person'?); "
        "expected one of: person, organization, country, group\n"
    )
    assert tree_hash(project / "out") == before


def test_coverage_lists_uncited_sentences(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    for path in (project / "data").rglob("*.yml"):
        if path.parent.name in ("claims", "quotes"):
            path.unlink()
    result = run(["dossier", "coverage", "articolo-pechino-2025-09"], project)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"articolo-pechino-2025-09: \d+/16 sentences cited \(\d+%\)", lines[0])
    assert any(line.startswith("  line ") for line in lines[1:])


def test_coverage_of_the_bundled_article_is_complete() -> None:
    result = run(["dossier", "coverage"], ROOT)
    assert result.stdout.splitlines() == ["articolo-pechino-2025-09: 16/16 sentences cited (100%)"]


def test_coverage_of_an_unknown_source_is_misuse(tmp_path: Path) -> None:
    result = run(["dossier", "coverage", "articolo-pechino"], ROOT)
    assert result.returncode == 2
    assert "Invalid value for ID: no source 'articolo-pechino' (did you mean 'articolo-pechino-2025-09'?)" in (
        result.stderr
    )


def test_python_dash_m_runs_the_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dossier", "--help"], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert "Validate and render annotated news dossiers." in result.stdout


def _examples(path: Path) -> list[tuple[str, str]]:
    """(target path, YAML) of every ```yaml block in a Markdown file whose first line names a data file."""
    blocks = re.findall(r"```yaml\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)
    found = []
    for block in blocks:
        first = block.splitlines()[0]
        match = re.fullmatch(r"# (data/\w+/[a-z0-9-]+\.yml)", first.strip())
        if match:
            found.append((match.group(1), block))
    return found


@pytest.mark.parametrize("doc", ["README.md", "docs/contribuire.md"])
def test_every_data_example_in_the_docs_validates(doc: str, tmp_path: Path) -> None:
    if not (ROOT / doc).exists():
        pytest.fail(f"{doc} is missing")
    examples = _examples(ROOT / doc)
    assert len(examples) >= 5, "one example per kind"
    kinds = {target.split("/")[1] for target, _ in examples}
    assert kinds >= {"actors", "events", "quotes", "claims", "questions", "sources", "tags"}
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    for target, text in examples:
        (tmp_path / target).write_text(text, encoding="utf-8")
    dossier = load(data)
    records = (*dossier.actors, *dossier.events, *dossier.quotes, *dossier.claims, *dossier.questions, *dossier.tags)
    ids = {record.id for record in records}
    assert {Path(target).stem for target, _ in examples} - {s.id for s in dossier.sources} <= ids


def test_the_contributor_guides_citations_are_all_verified(tmp_path: Path) -> None:
    """The guide's examples (a second source in English known by excerpts, one quote cited in two languages, an
    agency's claim about an event, two answers that disagree) load, and every passage they cite is found."""
    from dossier import model

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    examples = _examples(ROOT / "docs" / "contribuire.md")
    for target, text in examples:
        (tmp_path / target).write_text(text, encoding="utf-8")
    dossier = load(data)
    for target, _ in examples:
        folder, record_id = target.split("/")[1], Path(target).stem
        kind = next(k for k in dossier.registry if k.folder == folder)
        record = dossier.get(kind.name, record_id)
        for citation in model.citations(record):
            assert citation.span is not None, (target, citation.passage)
    quote = dossier.get("quote", "kim-avanzando-tutti-settori")
    assert {dossier.resolve(c.source).lang for c in quote.sources} == {"it", "en"}
    answers = dossier.links(dossier.get("question", "quanti-soldati-nordcoreani-in-russia")).answers
    assert {"soldati-nordcoreani-11mila-esempio", "soldati-nordcoreani-15mila"} <= {c.id for c in answers}
    claim = dossier.get("claim", "durata-incontro-secondo-agenzia")
    assert claim.subject.record_kind == "event" and claim.according_to.id == "agenzia-di-esempio"


@pytest.mark.parametrize("doc", ["README.md", "docs/contribuire.md"])
def test_every_command_the_docs_name_exists(doc: str) -> None:
    from dossier.cli import main

    # 'dossier' is also the plugin's and the package's name: only words after `.venv/bin/dossier` or `dossier` at
    # the start of a code span are commands.
    invoked = set(re.findall(r"(?:\.venv/bin/|`)dossier ([a-z]+)\b", (ROOT / doc).read_text(encoding="utf-8")))
    assert invoked <= set(main.commands), invoked - set(main.commands)  # type: ignore[attr-defined]
    if doc == "docs/contribuire.md":  # the editor's workflow
        assert {"new", "candidates", "coverage", "migrate"} <= invoked
