"""One configuration: the command line reads mkdocs.yml the way MkDocs does, so `dossier render --out` and `mkdocs
build` make the same pages for every option of the plugin; a wrong option value is an error naming the option."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from sitekit import ROOT, copy_project, run

from dossier.plugin import DossierPlugin
from dossier.project import load_project
from dossier.render import ASSETS


def _option(project: Path, text: str) -> None:
    """Add ``text`` (lines at the plugin's indentation) to the dossier plugin's options in mkdocs.yml, in place of the
    option of the same name if mkdocs.yml sets it."""
    config = project / "mkdocs.yml"
    source = config.read_text(encoding="utf-8")
    name = text.strip().split(":")[0]
    source = re.sub(rf"\n      {name}:.*(\n        .*)*", "", source)
    changed = source.replace("  - dossier:\n      data_dir: data\n", f"  - dossier:\n      data_dir: data\n{text}")
    assert changed != source
    config.write_text(changed, encoding="utf-8")


def _plugin_pages(project: Path, tmp_path: Path, **env: str) -> dict[str, str]:
    """The pages the plugin generates in a real `mkdocs build` of ``project``, and the exports it publishes."""
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    build(config)
    plugin = config.plugins["dossier"]
    assert isinstance(plugin, DossierPlugin)
    published = {uri: (tmp_path / "site" / uri).read_bytes().decode("utf-8") for uri in plugin.build.data}
    return {**plugin.build.pages, **published}


def _rendered_pages(project: Path, **env: str) -> dict[str, str]:
    """The generated pages `dossier render --out` writes for ``project`` (hand-written pages and assets left out)."""
    result = run(["dossier", "render", "--out", "out"], project, **env)
    assert result.returncode == 0, result.stderr
    out = project / "out"
    docs = {p.relative_to(project / "docs").as_posix() for p in (project / "docs").rglob("*") if p.is_file()}
    return {
        p.relative_to(out).as_posix(): p.read_bytes().decode("utf-8")  # as they are: the CSV tables end lines in \r\n
        for p in out.rglob("*")
        if p.is_file() and p.name != ".dossier-render" and p.relative_to(out).as_posix() not in (*docs, *ASSETS)
    }


def _page_size(project: Path) -> None:
    _option(project, "      page_size: 7\n")


def _lang(project: Path) -> None:
    _option(project, "      lang: en\n")


def _templates(project: Path) -> None:
    (project / "mine").mkdir()
    (project / "mine/sheet_index.md.j2").write_text("# {{ title | md }} (mine)\n", encoding="utf-8")
    (project / "mine/actor.md.j2").write_text("# {{ actor.name | md }}, mine\n", encoding="utf-8")
    _option(project, "      templates: mine\n      page_size: 5\n")


def _data_dir(project: Path) -> None:
    (project / "data").rename(project / "facts")
    (project / "facts/events/kim-jong-un-viaggio-cina-2019.yml").unlink()
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("data_dir: data", "data_dir: facts"), encoding="utf-8")


def _inherit(project: Path) -> None:
    """`INHERIT:`: the options come from a base file."""
    _option(project, "      page_size: 4\n")
    (project / "mkdocs.yml").rename(project / "base.yml")
    (project / "mkdocs.yml").write_text("INHERIT: base.yml\ntheme:\n  language: en\n", encoding="utf-8")


OPTIONS: dict[str, Callable[[Path], None]] = {
    "page_size": _page_size,
    "lang": _lang,
    "templates": _templates,
    "data_dir": _data_dir,
    "INHERIT": _inherit,
}


@pytest.mark.parametrize("setting", OPTIONS.values(), ids=OPTIONS.keys())
def test_render_out_and_mkdocs_build_make_the_same_pages(tmp_path: Path, setting: Callable[[Path], None]) -> None:
    project = copy_project(tmp_path / "project")
    setting(project)
    built = _plugin_pages(project, tmp_path)
    assert built == _rendered_pages(project)
    default = _plugin_pages(copy_project(tmp_path / "default"), tmp_path / "d")
    assert built != default  # the option did change the pages


def test_env_values_apply_to_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`!ENV [DOSSIER_PAGE_SIZE, 200]`: the value of the environment variable, read by MkDocs' own loader."""
    project = copy_project(tmp_path / "project")
    _option(project, "      page_size: !ENV [DOSSIER_PAGE_SIZE, 200]\n")
    monkeypatch.setenv("DOSSIER_PAGE_SIZE", "3")
    built = _plugin_pages(project, tmp_path)
    assert "timeline/2011.md" in built  # three events a page: the timeline is split by year
    assert built == _rendered_pages(project, DOSSIER_PAGE_SIZE="3")
    assert load_project(project).page_size == 3


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("page_size: 0", "Plugin 'dossier' option 'page_size': must be between 1 and 100,000, got 0"),
        ("page_size: many", "Plugin 'dossier' option 'page_size': expected a whole number, got 'many'"),
        ("lang: xx", "Plugin 'dossier' option 'lang': no interface strings for 'xx': expected one of en, fr, it"),
        ("templates: nowhere", "Plugin 'dossier' option 'templates': The path '{root}/nowhere' isn't an existing"),
        (
            "license: CC-BY-4.0",
            "Plugin 'dossier' option 'license': expected a mapping of name (an identifier such as CC-BY-4.0), path "
            "(the licence's http(s) address) and title, got 'CC-BY-4.0'",
        ),
        (
            "license: {name: CC-BY-4.0, url: 'https://creativecommons.org/licenses/by/4.0/'}",
            "Plugin 'dossier' option 'license': unknown key 'url': expected name (an identifier such as CC-BY-4.0), "
            "path (the licence's http(s) address) and title",
        ),
        (
            "license: {title: Libera}",
            "Plugin 'dossier' option 'license': give 'name' or 'path' (or both): name (an identifier",
        ),
        (
            "license: {name: CC BY 4.0}",
            "Plugin 'dossier' option 'license': 'name' must be a licence identifier of letters, digits, '.', '+' and "
            "'-' (CC-BY-4.0, ODbL-1.0), got 'CC BY 4.0'",
        ),
        (
            "license: {path: creativecommons.org/licenses/by/4.0/}",
            "Plugin 'dossier' option 'license': 'path' must be the licence's http(s) address, got "
            "'creativecommons.org/licenses/by/4.0/'",
        ),
        ("license: {name: ''}", "Plugin 'dossier' option 'license': 'name' must be a single line of text, got ''"),
    ],
)
def test_a_wrong_option_names_itself_in_the_command_and_the_build(tmp_path: Path, option: str, message: str) -> None:
    project = copy_project(tmp_path / "project")
    _option(project, f"      {option}\n")
    expected = message.format(root=project)
    checked = run(["dossier", "check"], project)
    built = run(["mkdocs", "build", "--strict"], project)
    assert expected in checked.stderr and checked.returncode == 2, checked.stderr
    assert expected in built.stderr and built.returncode == 1, built.stderr
    assert checked.stderr.startswith("mkdocs.yml: cannot be loaded:\n")


def test_an_unknown_option_is_a_warning_and_fails_a_strict_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    _option(project, "      colour: blue\n")
    warning = "Plugin 'dossier' option 'colour': Unrecognised configuration name: colour"
    checked = run(["dossier", "check"], project)
    assert checked.returncode == 0
    assert checked.stderr == f"mkdocs.yml: warning: Config value 'plugins': {warning}\n"
    built = run(["mkdocs", "build", "--strict"], project)
    assert warning in built.stderr and built.returncode == 1


def test_no_mkdocs_yml_means_the_defaults(tmp_path: Path) -> None:
    project = load_project(tmp_path)
    assert (project.config_file, project.data_dir, project.page_size, project.lang) == (
        None,
        tmp_path / "data",
        200,
        "en",
    )


def test_the_nearest_mkdocs_yml_is_the_project(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    assert load_project(project / "data" / "actors").root == project
    assert load_project(project).lang == "it"  # theme.language
    assert run(["dossier", "check"], project / "data" / "actors").returncode == 0


def test_the_interface_language_follows_the_theme() -> None:
    assert load_project(ROOT).lang == "it"
