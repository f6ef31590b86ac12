"""The editor set-up: the `yaml.schemas` mapping the README documents, `.vscode/settings.json` and `--vscode`."""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import BUNDLED, ROOT

from dossier.editor import SettingsError, merged_settings, yaml_schemas
from dossier.kinds import DEFAULT

RunCli = Callable[..., Result]


def documented() -> dict[str, str]:
    """The mapping in the README's editor set-up."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Editor set-up") :]
    (block,) = re.findall(r"```json\n(.*?)```", section[: section.index("\n### ")], flags=re.S)
    mapping: dict[str, str] = json.loads(block)["yaml.schemas"]
    return mapping


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of this project's mkdocs.yml and data, made current."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(BUNDLED, tmp_path / "data")
    (tmp_path / "docs").mkdir()  # mkdocs.yml names it: MkDocs refuses a configuration without it
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_documented_mapping_names_the_schema_files_and_the_record_folders(run_cli: RunCli, project: Path) -> None:
    result = run_cli("schema", "--out", "schemas")
    assert result.exit_code == 0, result.output
    written = {line.removeprefix("wrote ") for line in result.stdout.splitlines()}
    mapping = documented()
    assert set(mapping) == written  # every schema file the command writes, and no other
    for schema_file, pattern in mapping.items():
        assert (project / schema_file).is_file()
        kind = json.loads((project / schema_file).read_text(encoding="utf-8"))["title"].split()[1]
        folder = DEFAULT[kind].folder
        assert pattern == f"data/{folder}/*.yml"  # the folder records of that kind live in
        records = [p.relative_to(project).as_posix() for p in (project / "data" / folder).glob("*.yml")]
        assert records and all(fnmatch.fnmatch(r, pattern) for r in records)


def test_the_shipped_settings_and_vscode_option_agree_with_the_readme(run_cli: RunCli, project: Path) -> None:
    shipped = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert shipped == {"yaml.schemas": documented()}
    result = run_cli("schema", "--out", "schemas", "--vscode")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "wrote .vscode/settings.json (yaml.schemas)"
    assert json.loads((project / ".vscode" / "settings.json").read_text(encoding="utf-8")) == shipped
    again = run_cli("schema", "--out", "schemas", "--vscode")
    assert again.stdout.splitlines()[-1] == ".vscode/settings.json: unchanged"


def test_vscode_keeps_other_settings(run_cli: RunCli, project: Path) -> None:
    settings = project / ".vscode" / "settings.json"
    settings.parent.mkdir()
    settings.write_text('{"editor.tabSize": 2, "yaml.schemas": {"other.json": "other/*.yml"}}', encoding="utf-8")
    assert run_cli("schema", "--vscode").exit_code == 0
    found = json.loads(settings.read_text(encoding="utf-8"))
    assert found["editor.tabSize"] == 2
    assert found["yaml.schemas"] == {"other.json": "other/*.yml", **documented()}


def test_vscode_leaves_a_settings_file_with_comments_alone(run_cli: RunCli, project: Path) -> None:
    settings = project / ".vscode" / "settings.json"
    settings.parent.mkdir()
    original = '{\n  // mine\n  "editor.tabSize": 2\n}\n'
    settings.write_text(original, encoding="utf-8")
    result = run_cli("schema", "--vscode")
    assert result.exit_code == 1
    assert settings.read_text(encoding="utf-8") == original
    head, _, pasted = result.stderr.partition("add this to it by hand:\n")
    assert head == (
        "error: cannot update .vscode/settings.json: not plain JSON (comments?): "
        "Expecting property name enclosed in double quotes at line 2; "
    )
    assert json.loads(pasted) == {"yaml.schemas": documented()}


def test_vscode_reports_a_settings_file_it_cannot_read(run_cli: RunCli, project: Path) -> None:
    (project / ".vscode" / "settings.json").mkdir(parents=True)
    result = run_cli("schema", "--vscode")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot update .vscode/settings.json: [Errno 21] Is a directory")
    assert "add this to it by hand:\n{" in result.stderr


def test_the_mapping_follows_the_configured_data_folder(run_cli: RunCli, project: Path) -> None:
    (project / "data").rename(project / "content")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(config.replace("data_dir: data", "data_dir: content"), encoding="utf-8")
    assert "data_dir: content" in (project / "mkdocs.yml").read_text(encoding="utf-8")
    result = run_cli("schema", "--out", "editor/schemas", "--vscode")
    assert result.exit_code == 0, result.output
    mapping = json.loads((project / ".vscode" / "settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    assert mapping["editor/schemas/actor.schema.json"] == "content/actors/*.yml"


def test_paths_outside_the_project_become_file_uris(tmp_path: Path) -> None:
    root = tmp_path / "project"
    mapping = yaml_schemas([("actors", "actor")], tmp_path / "elsewhere", root / "data", root)
    assert mapping == {f"{(tmp_path / 'elsewhere').as_uri()}/actor.schema.json": "data/actors/*.yml"}


@pytest.mark.parametrize(
    ("existing", "error"),
    [("[1, 2]", "not a JSON object"), ('{"yaml.schemas": "x"}', "'yaml.schemas' is not an object")],
)
def test_settings_that_cannot_be_merged(existing: str, error: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(error)):
        merged_settings(existing, {"a": "b"})


def test_an_empty_settings_file_is_filled() -> None:
    assert json.loads(merged_settings("  \n", {"a": "b"})) == {"yaml.schemas": {"a": "b"}}
