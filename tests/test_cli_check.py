"""`dossier check` (formats, exit codes, no tracebacks) and `dossier schema --out DIR`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import BUNDLED, ROOT, SOURCE

from dossier import schema
from dossier.kinds import ACTOR_KINDS, DEFAULT

RunCli = Callable[..., Result]
MakeData = Callable[..., Path]

BROKEN = {
    "actors/x.yml": "name: X\nkind: persn\n",
    "actors/y.yml": "name: Y\nkind: person\nsumary: hi\n",
    "events/e.yml": "title: [\n",
    "quotes/q.yml": "speaker: vladimir-putn\ntext: T\nform: direct\nsources:\n"
    f"  - source: {SOURCE}\n    passage: Kim\n",
}
BROKEN_LINES = [
    "data/actors/x.yml:2:7: actor 'x': kind: 'persn' is not allowed (did you mean 'person'?); "
    "expected one of: person, organization, country, group",
    "data/actors/y.yml:3:1: actor 'y': sumary: unknown field (did you mean 'summary'?); "
    "expected one of: name, kind, summary, aliases, roles, relations, tags, sources, notes",
    "data/events/e.yml:2:1: event 'e': YAML syntax error: did not find expected node content "
    "(while parsing a flow node)",
    "data/quotes/q.yml:1:10: quote 'q': speaker: unknown actor 'vladimir-putn' (did you mean 'vladimir-putin'?)",
]


def assert_clean_exit(result: Result, code: int) -> None:
    """The expected exit status, through SystemExit only: no exception, no traceback."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


# check: valid data --------------------------------------------------------------------------------------------------


def test_check_bundled_data(run_cli: RunCli) -> None:
    result = run_cli("check", "--data", str(BUNDLED))
    assert_clean_exit(result, 0)
    assert re.fullmatch(
        r"\S*data: \d+ actors, \d+ events, \d+ quotes, \d+ claims, \d+ questions, \d+ sources, \d+ tags: no "
        r"problems \(\d+\.\d\d s\)",
        result.stdout.splitlines()[0],
    )
    assert result.stderr == ""


def test_check_minimal_data(run_cli: RunCli, make_data: MakeData) -> None:
    make_data()
    result = run_cli("check", "--data", "data")
    assert_clean_exit(result, 0)
    assert re.fullmatch(
        r"data: 5 actors, 1 events, 1 quotes, 1 claims, 1 questions, 1 sources, 1 tags: no problems \(\d+\.\d\d s\)",
        result.stdout.splitlines()[0],
    )


def test_check_finds_data_in_the_current_folder(run_cli: RunCli, make_data: MakeData) -> None:
    make_data()
    result = run_cli("check")
    assert_clean_exit(result, 0)
    assert result.stdout.startswith("data: 5 actors")


def test_check_json_on_valid_data(run_cli: RunCli, make_data: MakeData) -> None:
    make_data()
    result = run_cli("check", "--data", "data", "--format", "json")
    assert_clean_exit(result, 0)
    assert json.loads(result.stdout) == []


def test_check_github_on_valid_data(run_cli: RunCli, make_data: MakeData) -> None:
    make_data()
    result = run_cli("check", "--data", "data", "--format", "github")
    assert_clean_exit(result, 0)
    assert "::error" not in result.stdout
    assert "no problems" in result.stderr


# check: problems --------------------------------------------------------------------------------------------------


def test_check_text_lists_every_problem_on_stderr(run_cli: RunCli, make_data: MakeData) -> None:
    make_data(BROKEN)
    result = run_cli("check", "--data", "data")
    assert_clean_exit(result, 1)
    assert result.stdout == ""
    assert result.stderr == "\n".join([*BROKEN_LINES, "4 problems found."]) + "\n"


def test_check_json(run_cli: RunCli, make_data: MakeData) -> None:
    make_data(BROKEN)
    result = run_cli("check", "--data", "data", "--format", "json")
    assert_clean_exit(result, 1)
    found: list[dict[str, Any]] = json.loads(result.stdout)
    assert [p["code"] for p in found] == ["choice", "unknown-field", "yaml-syntax", "unknown-reference"]
    assert found[0] == {
        "path": "data/actors/x.yml",
        "line": 2,
        "column": 7,
        "kind": "actor",
        "id": "x",
        "field": "kind",
        "message": "'persn' is not allowed (did you mean 'person'?); expected one of: person, organization, "
        "country, group",
        "code": "choice",
        "detail": "",
    }
    assert [f"{p['path']}:{p['line']}:{p['column']}" for p in found] == [line.split(": ")[0] for line in BROKEN_LINES]


def test_check_github(run_cli: RunCli, make_data: MakeData) -> None:
    make_data(BROKEN)
    result = run_cli("check", "--data", "data", "--format", "github")
    assert_clean_exit(result, 1)
    assert result.stdout.splitlines() == [
        "::error file=data/actors/x.yml,line=2,col=7,title=dossier choice::actor 'x': kind: 'persn' is not allowed "
        "(did you mean 'person'?); expected one of: person, organization, country, group",
        "::error file=data/actors/y.yml,line=3,col=1,title=dossier unknown-field::actor 'y': sumary: unknown field "
        "(did you mean 'summary'?); expected one of: name, kind, summary, aliases, roles, relations, tags, sources, "
        "notes",
        "::error file=data/events/e.yml,line=2,col=1,title=dossier yaml-syntax::event 'e': YAML syntax error: "
        "did not find expected node content (while parsing a flow node)",
        "::error file=data/quotes/q.yml,line=1,col=10,title=dossier unknown-reference::quote 'q': speaker: "
        "unknown actor 'vladimir-putn' (did you mean 'vladimir-putin'?)",
    ]
    assert "4 problems found." in result.stderr  # the log keeps the readable lines too


def test_check_github_escapes_workflow_command_syntax(run_cli: RunCli, make_data: MakeData) -> None:
    make_data({"actors/x%,y.yml": "name: X\nkind: person\n", "actors/z.yml": "name: 100%\nkind: person\nx: |\n a\n"})
    result = run_cli("check", "--data", "data", "--format", "github")
    assert_clean_exit(result, 1)
    assert result.stdout.splitlines() == [
        "::error file=data/actors/x%25%2Cy.yml,title=dossier bad-id::actor 'x%25,y': 'x%25,y' is not a valid id: "
        "name the file with lowercase letters a-z, digits and single hyphens (the file name is the id)",
        "::error file=data/actors/z.yml,line=3,col=1,title=dossier unknown-field::actor 'z': x: unknown field; "
        "expected one of: name, kind, summary, aliases, roles, relations, tags, sources, notes",
    ]


def test_check_missing_data_folder(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "--data", "nope")
    assert_clean_exit(result, 1)
    assert result.stderr == "nope: data folder not found\n1 problem found.\n"


@pytest.mark.parametrize(
    "files",
    [
        {"actors/x.yml": b"name: caff\xe8\nkind: person\n"},
        {"actors/x.yml": "name: X\n".encode("utf-16")},
        {"actors/x.yml": b"name: !!python/object/apply:os.system [echo hi]\nkind: person\n"},
        {"actors/x.yml": b"a: &a [x]\nb: [*a, *a]\n"},
        {"actors/x.yml": b"a: " + b"[" * 10_000},
        {"actors/x.yml": b'name: "\\ud800"\nkind: person\n'},
        {"actors/x.yml": b"name: x\x00\nkind: person\n"},
        {"actors/x.yml": b"\xef\xbb\xbf- a\n"},
        {"actors/x.yml": b""},
        {"actors/x.yml": b"name: X\nkind: person\n", "actors/x.yaml": b"name: X\nkind: person\n"},
        {f"sources/{SOURCE}.txt": b"\xff\xfe"},
        {"events/x.yml": b"title: T\ndate: 2025-02-30\nsources: []\n"},
    ],
)
def test_check_bad_input_exits_1_without_a_traceback(run_cli: RunCli, make_data: MakeData, files: dict) -> None:
    make_data(files)
    result = run_cli("check", "--data", "data")
    assert_clean_exit(result, 1)
    assert re.search(r"^\d+ problems? found\.$", result.stderr, re.MULTILINE)
    assert all(line.startswith("data/") for line in result.stderr.splitlines()[:-1])


def test_check_usage_errors_exit_2(run_cli: RunCli, make_data: MakeData) -> None:
    data = make_data()
    for args in (
        ["check", "--format", "xml"],
        ["check", "--no-such-option"],
        ["check", "--data", str(data / "actors" / "russia.yml")],
        ["check", "unexpected-argument"],
        ["no-such-command"],
    ):
        result = run_cli(*args)
        assert_clean_exit(result, 2)
        assert "Usage:" in result.stderr or "Error:" in result.stderr


def test_check_imports_nothing_only_a_build_uses() -> None:
    """Every command reads mkdocs.yml through MkDocs, which imports the plugin module to check its options: the
    modules only a build uses (pages, drawings, exports, search, the preview's watcher) are imported by the hooks
    that use them, and a check does without them (about 50 ms of its start)."""
    script = (
        "import sys\n"
        "from dossier.cli import main\n"
        "try:\n    main(['check'])\n"
        "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    imported = set(result.stdout.split())
    assert "dossier.plugin" in imported and "dossier.resolve" in imported
    build_only = {"dossier.render", "dossier.output", "dossier.draw", "dossier.drawings", "dossier.search",
                  "dossier.markup", "dossier.export", "dossier.publish", "dossier.livereload", "watchdog"}  # fmt: skip
    assert imported & build_only == set()


def test_check_as_a_process_with_a_hostile_file(tmp_path: Path) -> None:
    # Through the real entry point: exit status 1, problems on stderr, no traceback even for dangerous tags.
    from conftest import write_data

    write_data(tmp_path, {"actors/x.yml": "name: !!python/object/apply:os.system [echo pwned]\nkind: person\n"})
    result = subprocess.run(
        [sys.executable, "-m", "dossier", "check", "--data", "data"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "pwned" not in result.stdout
    assert result.stderr.splitlines() == [
        "data/actors/x.yml:1:7: actor 'x': explicit tags (tag:yaml.org,2002:python/object/apply:os.system) "
        "are not allowed",
        "1 problem found.",
    ]


# schema --out -------------------------------------------------------------------------------------------------------

SCHEMA_KEYWORDS = {
    "$schema", "$defs", "$ref", "title", "description", "type", "properties", "required", "additionalProperties",
    "items", "anyOf", "enum", "const", "default", "pattern", "minLength", "maxLength", "minItems", "maxItems",
    "prefixItems", "examples",
}  # fmt: skip
JSON_TYPES = {"object", "array", "string", "null", "boolean", "number", "integer"}


def check_schema_node(node: Any, root: dict[str, Any], where: str) -> None:
    """A structural check of a JSON Schema (draft 2020-12) with the stdlib: keywords, types, refs, patterns."""
    if isinstance(node, bool):
        return
    assert isinstance(node, dict), where
    unknown = set(node) - SCHEMA_KEYWORDS
    assert not unknown, f"{where}: unknown keywords {unknown}"
    if "type" in node:
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        assert set(types) <= JSON_TYPES, where
    if "$ref" in node:
        prefix = "#/$defs/"
        assert node["$ref"].startswith(prefix) and node["$ref"][len(prefix) :] in root["$defs"], where
    if "pattern" in node:
        re.compile(node["pattern"])
    if "required" in node:
        assert set(node["required"]) <= set(node.get("properties", {})), where
    for name, child in node.get("properties", {}).items():
        check_schema_node(child, root, f"{where}.{name}")
    for name, child in node.get("$defs", {}).items():
        check_schema_node(child, root, f"{where}.$defs.{name}")
    for i, child in enumerate(node.get("anyOf", [])):
        check_schema_node(child, root, f"{where}.anyOf[{i}]")
    if "items" in node:
        check_schema_node(node["items"], root, f"{where}.items")
    if isinstance(node.get("additionalProperties"), dict):
        check_schema_node(node["additionalProperties"], root, f"{where}.additionalProperties")


def test_schema_writes_one_valid_json_schema_per_kind(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("schema", "--out", "schemas")
    assert_clean_exit(result, 0)
    kinds = [kind.name for kind in DEFAULT]
    assert result.stdout.splitlines() == [f"wrote schemas/{kind}.schema.json" for kind in kinds]
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(f"{k}.schema.json" for k in kinds)
    for declared in DEFAULT:
        kind, folder, model_type = declared.name, declared.folder, declared.model
        text = (tmp_path / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
        assert text.endswith("}\n")
        document = json.loads(text)
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert document["title"] == f"Dossier {kind} (data/{folder}/*.yml)"
        assert document["type"] == "object"
        assert document["additionalProperties"] is False
        assert set(document["properties"]) == set(model_type.model_fields)
        check_schema_node(document, document, kind)


def test_schema_describes_what_the_loader_checks(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "deep" / "schemas"
    assert_clean_exit(run_cli("schema", "--out", str(out)), 0)
    actor = json.loads((out / "actor.schema.json").read_text(encoding="utf-8"))
    assert sorted(actor["required"]) == ["kind", "name"]
    assert actor["properties"]["kind"]["enum"] == list(ACTOR_KINDS.values)
    assert actor["properties"]["name"]["maxLength"] == 300
    event = json.loads((out / "event.schema.json").read_text(encoding="utf-8"))
    assert sorted(event["required"]) == ["date", "sources", "title"]
    assert event["properties"]["sources"]["minItems"] == 1
    assert event["$defs"]["Citation"]["properties"]["source"]["pattern"] == schema.ID_PATTERN
    assert event["$defs"]["Citation"]["additionalProperties"] is False


def test_schema_out_must_be_a_folder(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    assert_clean_exit(run_cli("schema", "--out", str(target)), 2)
