"""The bad-input corpus: every kind of bad input a pull request can bring, as data folders checked case by case.

Each case is a folder ``tests/corpus/<case>/`` holding ``case.yml``: a mutation of the small valid dossier in
``tests/corpus/_base/data/`` (the fixed minimal one of conftest.py) and what ``dossier check`` must say about it.

``case.yml`` keys (all optional but ``about``, ``covers`` and ``expected``):

- ``files``: {path in data/: text}, ``files_b64``: {path: base64 bytes}, ``generate``: {path: {head, repeat,
  times, tail}} for inputs too big to keep (a 1 MB file, 10,000 brackets); ``outside``: {path beside data/: text};
- ``delete``: [paths] (files or folders), ``dirs``: [paths to create], ``symlinks``: {path: target},
  ``fifos``: [paths], ``chmod``: {path: mode};
- ``expected``: the exact problem lines (``str(Problem)``), in order; ``[]`` for input that must be accepted,
  when ``render`` lists what the pages must (``present``) and must not (``absent``) contain;
- ``codes``: the set of ``Problem.code`` values; ``requires``: libyaml, fifo, symlinks or non-root;
- ``subprocess: true``: also run the real ``dossier check`` command; ``build: true``: also prove that
  ``mkdocs build --strict`` and ``dossier render --out`` change nothing on this input.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import MINIMAL
from sitekit import copy_project, run, tree_hash

from dossier import drawings
from dossier.cli import main
from dossier.errors import DETAIL_INDENT, DossierError
from dossier.render import render
from dossier.resolve import load

CORPUS = Path(__file__).parent / "corpus"
BASE = CORPUS / "_base" / "data"
# What no generated page may hold, whatever the data: elements that run or load code, event handlers, script URLs.
# The drawings (dossier.draw, set aside as figures) and the charts of answers (dossier.chart) are the SVG allowed:
# both write every value from data escaped (test_draw.py, test_confronto.py).
UNSAFE = re.compile(
    r"<(?:script|img|iframe|object|embed)\b|<svg\b(?! class=\"dossier-chart-svg\")"  # elements
    r"|<[a-z][^<>]*\son[a-z]+\s*="  # event handlers
    r"|(?:href|src)\s*=\s*[\"']?\s*(?:javascript|data|vbscript):",  # script URLs
    re.IGNORECASE,
)


# The one script a page may hold: its records' JSON-LD (dossier.export.jsonld.script), data only, never run, in which
# no text from data can hold "<", ">" or "&" (they are written as JSON escapes), so nothing can close it early.
JSONLD = re.compile(r'<script type="application/ld\+json">([^<>&]*)</script>')


def unsafe(page: str) -> str | None:
    """The first unsafe markup of a generated page, if any."""
    found = UNSAFE.search(JSONLD.sub("", drawings.FIGURE.sub("", page)))
    return found.group() if found else None


# A bound, not a speed goal: a hostile case (an alias bomb, a deep nesting, a named pipe) must end, not hang or
# crawl. Generous, so a busy machine never fails it; the summary prints what each case took (typically 0.1-0.5 s).
TIME_LIMIT = 15.0
KEYS = {
    "about", "covers", "files", "files_b64", "generate", "outside", "delete", "dirs", "symlinks", "fifos", "chmod",
    "expected", "codes", "render", "requires", "subprocess", "build",
}  # fmt: skip
# The rows of the "bad inputs" reference each case names in `covers`: every one must be covered.
ROWS = {
    # YAML
    "yaml-syntax", "yaml-duplicate-key", "yaml-anchors", "yaml-tags", "yaml-booleans", "yaml-numbers",
    "yaml-dates", "yaml-empty", "yaml-encoding", "yaml-control-characters", "yaml-size-depth",
    # schema
    "schema-unknown-field", "schema-missing-or-wrong-type", "schema-bad-id", "schema-reference", "schema-date",
    "schema-url", "schema-passage", "schema-too-long",
    # content
    "content-html", "content-links", "content-templates", "content-markdown-structure", "content-invisible",
    # file system
    "fs-unknown-entry", "fs-symlink", "fs-unreadable", "fs-duplicate-id",
}  # fmt: skip


REQUIREMENTS = {
    "libyaml": (lambda: bool(yaml.__with_libyaml__), "PyYAML without libyaml words syntax errors differently"),
    "fifo": (lambda: hasattr(os, "mkfifo"), "no named pipes on this system"),
    "symlinks": (lambda: os.name == "posix", "symbolic links need a POSIX system here"),
    "non-root": (lambda: not hasattr(os, "geteuid") or os.geteuid() != 0, "root reads files whatever their mode"),
}


@dataclass(frozen=True)
class Case:
    name: str
    spec: dict[str, Any] = field(repr=False)

    @property
    def expected(self) -> list[str]:
        return list(self.spec["expected"])

    @property
    def accepted(self) -> bool:
        return not self.spec["expected"]


def _read_case(folder: Path) -> Case:
    spec = yaml.safe_load((folder / "case.yml").read_text(encoding="utf-8"))
    unknown = set(spec) - KEYS
    assert not unknown, f"{folder.name}/case.yml: unknown keys {sorted(unknown)}"
    assert spec.get("covers") in ROWS, f"{folder.name}/case.yml: covers {spec.get('covers')!r} is not a row"
    assert isinstance(spec.get("expected"), list), f"{folder.name}/case.yml: expected must be a list"
    assert spec["expected"] or "codes" not in spec, f"{folder.name}: an accepted case has no codes"
    assert not spec["expected"] or spec.get("codes"), f"{folder.name}: a failing case lists its codes"
    assert set(spec.get("requires", [])) <= REQUIREMENTS.keys(), f"{folder.name}: unknown requirement"
    return Case(folder.name, spec)


CASES = [_read_case(folder) for folder in sorted(CORPUS.iterdir()) if (folder / "case.yml").is_file()]
FAILING = [c for c in CASES if not c.accepted]
TIMES: dict[str, float] = {}  # case -> seconds of its in-process check, for the summary
PROCESS_TIMES: dict[str, float] = {}  # case -> seconds of `dossier check` as a process, start included


def _impossible(case: Case) -> str | None:
    """Why the case cannot run here, or None."""
    for need in case.spec.get("requires", []):
        possible, reason = REQUIREMENTS[need]
        if not possible():
            return reason
    return None


def _skip_unless_possible(case: Case) -> None:
    reason = _impossible(case)
    if reason:
        pytest.skip(reason)


def materialise(case: Case, root: Path) -> Path:
    """Write the base dossier with the case's mutation into ``root/data``; return that folder."""
    spec = case.spec
    data = root / "data"
    shutil.copytree(BASE, data)
    for name, text in (spec.get("outside") or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    for name in spec.get("delete") or []:
        target = data / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink()
    contents: dict[str, bytes] = {}
    for name, text in (spec.get("files") or {}).items():
        contents[name] = text.encode("utf-8")
    for name, encoded in (spec.get("files_b64") or {}).items():
        contents[name] = base64.b64decode(encoded)
    for name, parts in (spec.get("generate") or {}).items():
        text = parts.get("head", "") + parts["repeat"] * parts["times"] + parts.get("tail", "")
        contents[name] = text.encode("utf-8")
    for name, raw in contents.items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_bytes(raw)
    for name in spec.get("dirs") or []:
        (data / name).mkdir(parents=True)
    for name, target in (spec.get("symlinks") or {}).items():
        (data / name).symlink_to(target)
    for name in spec.get("fifos") or []:
        os.mkfifo(data / name)
    for name, mode in (spec.get("chmod") or {}).items():
        (data / name).chmod(mode)
    return data


def _problem_lines(stderr: str, count: int) -> list[str]:
    """The problems of a failed check's stderr (each with its indented detail lines), after its final count line."""
    lines = stderr.splitlines()
    assert lines, "nothing on stderr"
    assert lines[-1] == f"{count} problem{'s' if count != 1 else ''} found.", lines[-1]
    return _with_details(lines[:-1])


def _with_details(lines: list[str]) -> list[str]:
    """Lines with each indented detail line joined to the problem above it, as ``str(Problem)`` prints them."""
    problems: list[str] = []
    for line in lines:
        if line.startswith(DETAIL_INDENT) and problems:
            problems[-1] += "\n" + line
        else:
            problems.append(line)
    return problems


@pytest.fixture
def case_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder, made current: problems are reported as ``data/<kind>/<file>``."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_base_is_the_minimal_dossier_and_valid() -> None:
    files = {p.relative_to(BASE).as_posix(): p.read_text(encoding="utf-8") for p in BASE.rglob("*") if p.is_file()}
    assert files == MINIMAL
    assert load(BASE).actors


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_check_reports_exactly_the_expected_problems(case: Case, case_dir: Path, record_property: Any) -> None:
    _skip_unless_possible(case)
    materialise(case, case_dir)
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["check", "--data", "data"], catch_exceptions=True)
    elapsed = time.perf_counter() - started
    TIMES[case.name] = elapsed
    record_property("seconds", round(elapsed, 3))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    if case.accepted:
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
    else:
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        assert _problem_lines(result.stderr, len(case.expected)) == case.expected
    assert elapsed < TIME_LIMIT, f"{case.name}: {elapsed:.2f} s"


@pytest.mark.parametrize("case", FAILING, ids=lambda c: c.name)
def test_problem_codes(case: Case, case_dir: Path) -> None:
    _skip_unless_possible(case)
    materialise(case, case_dir)
    with pytest.raises(DossierError) as caught:
        load(Path("data"))
    assert sorted({p.code for p in caught.value.problems}) == sorted(case.spec["codes"])


@pytest.mark.parametrize("case", [c for c in CASES if c.accepted], ids=lambda c: c.name)
def test_accepted_content_renders_as_text(case: Case, case_dir: Path) -> None:
    _skip_unless_possible(case)
    materialise(case, case_dir)
    pages = render(load(Path("data")))
    checks = case.spec.get("render") or []
    assert checks, f"{case.name}: an accepted case says what its pages show"
    for check in checks:
        page = pages[check["page"]]
        for text in check.get("present", []):
            assert text in page, f"{check['page']} lacks {text!r}"
        markup = JSONLD.sub("", page)  # the records' JSON-LD holds their fields as data: inert strings, never markup
        for text in check.get("absent", []):
            assert text not in markup, f"{check['page']} contains {text!r}"
    for uri, page in pages.items():  # whatever the case, no element, handler or script URL from data on any page
        assert not unsafe(page), f"{uri}: {unsafe(page)}"


@pytest.mark.parametrize("case", [c for c in FAILING if c.spec.get("subprocess")], ids=lambda c: c.name)
def test_check_command_exits_1_without_traceback(case: Case, tmp_path: Path, record_property: Any) -> None:
    _skip_unless_possible(case)
    materialise(case, tmp_path)
    started = time.perf_counter()
    result = run(["dossier", "check", "--data", "data"], tmp_path)
    elapsed = time.perf_counter() - started
    PROCESS_TIMES[case.name] = elapsed
    record_property("seconds", round(elapsed, 3))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert _problem_lines(result.stderr, len(case.expected)) == case.expected
    assert elapsed < TIME_LIMIT, f"{case.name}: {elapsed:.2f} s"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with the base dossier, built by MkDocs (site/) and by `dossier render --out out`."""
    project = copy_project(tmp_path_factory.mktemp("built"))
    shutil.rmtree(project / "data")
    shutil.copytree(BASE, project / "data")
    result = run(["mkdocs", "build", "--strict"], project)
    assert result.returncode == 0, result.stderr
    result = run(["dossier", "render", "--out", "out"], project)
    assert result.returncode == 0, result.stderr
    return project


@pytest.mark.parametrize("case", [c for c in FAILING if c.spec.get("build")], ids=lambda c: c.name)
def test_bad_data_leaves_built_output_untouched(case: Case, built: Path, tmp_path: Path) -> None:
    _skip_unless_possible(case)
    project = tmp_path / "p"
    shutil.copytree(built, project, ignore=lambda folder, names: ["data"] if Path(folder) == built else [])
    materialise(case, project)
    site, out = tree_hash(project / "site"), tree_hash(project / "out")
    assert site and out

    result = run(["mkdocs", "build", "--strict"], project)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    logged = _with_details(result.stderr.splitlines())
    errors = [line.removeprefix("ERROR   -  ") for line in logged if line.startswith("ERROR")]
    assert errors == case.expected
    assert tree_hash(project / "site") == site

    result = run(["dossier", "render", "--out", "out"], project)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert _problem_lines(result.stderr, len(case.expected)) == case.expected
    assert tree_hash(project / "out") == out
    beside = {Path(name).parts[0] for name in case.spec.get("outside") or {}}
    assert {p.name for p in project.iterdir()} == {"data", "docs", "mkdocs.yml", "out", "site", *beside}


def test_corpus_covers_every_row_and_many_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(CASES) >= 60
    assert {c.spec["covers"] for c in CASES} == ROWS
    codes: set[str] = set()
    for case in FAILING:
        if _impossible(case):
            continue
        root = tmp_path / case.name
        root.mkdir()
        monkeypatch.chdir(root)
        materialise(case, root)
        try:
            load(Path("data"))
        except DossierError as exc:
            codes.update(p.code for p in exc.problems)
        else:  # pragma: no cover - only on failure
            pytest.fail(f"{case.name}: no problem found")
    assert len(codes) >= 25, sorted(codes)
    summary = f"\ncorpus: {len(CASES)} cases ({len(FAILING)} failing), {len(codes)} distinct codes"
    for label, times in (("in-process check", TIMES), ("check as a process", PROCESS_TIMES)):
        if times:
            slowest = max(times, key=times.__getitem__)
            summary += f"; slowest {label}: {slowest} {times[slowest]:.3f} s"
    print(summary, file=sys.stderr)
