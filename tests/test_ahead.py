"""Pages converted ahead on every core (dossier/ahead.py): the very site MkDocs makes converting every page itself,
with the same warnings; a page whose conversion warns, or whose Markdown another plugin changes, is converted by
MkDocs itself."""

from __future__ import annotations

import logging
import shutil
from importlib import resources
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from sitekit import copy_project, tree_hash, unstable

from dossier import shares
from dossier.ahead import Ahead
from dossier.plugin import DossierPlugin

HOOK = """
def on_page_markdown(markdown, page, **kwargs):
    if page.file.src_uri == "quotes/index.md":
        return markdown + "\\n\\nAggiunto da un hook.\\n"
    return markdown
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled project, with a hook that changes one generated page after the plugin, and a project template
    that puts a link to a missing page into another."""
    project = copy_project(tmp_path_factory.mktemp("ahead"))
    (project / "hook.py").write_text(HOOK, encoding="utf-8")
    templates = project / "templates"
    templates.mkdir()
    template = (resources.files("dossier") / "templates" / "tags_index.md.j2").read_text(encoding="utf-8")
    (templates / "tags_index.md.j2").write_text(template + "\n[Altrove](nowhere.md)\n", encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("      data_dir: data\n", "      data_dir: data\n      templates: templates\n")
    (project / "mkdocs.yml").write_text(config + "\nhooks:\n  - hook.py\n", encoding="utf-8")
    return project


def _build(
    project: Path, site: str, monkeypatch: pytest.MonkeyPatch, *, ahead: bool
) -> tuple[DossierPlugin, list[str]]:
    """Build ``project`` into ``site`` in this process, in two processes; converting ahead or not. Returns the
    plugin and the warnings MkDocs logged."""
    monkeypatch.setattr(Ahead, "FROM", 1 if ahead else 10**9)  # the bundled dossier's 31 pages are too few otherwise
    monkeypatch.setattr(shares, "cores", lambda: 2)
    warnings: list[str] = []

    class Count(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                warnings.append(record.getMessage())

    count = Count()
    logging.getLogger("mkdocs").addHandler(count)
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / site))
    try:
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        config.plugins.on_shutdown()
    finally:
        logging.getLogger("mkdocs").removeHandler(count)
    plugin = config.plugins["dossier"]
    assert isinstance(plugin, DossierPlugin)
    return plugin, warnings


def test_pages_converted_ahead_make_the_same_site(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plugin, ahead_warnings = _build(project, "site-ahead", monkeypatch, ahead=True)
    ahead = plugin.build.ahead
    assert ahead is not None
    generated = len(plugin.build.pages)
    # every generated page but two: the one whose conversion warns and the one the hook changes
    assert ahead.used == generated - 2, (ahead.used, generated)
    assert not ahead.ready and not ahead.taken

    plugin, alone_warnings = _build(project, "site-alone", monkeypatch, ahead=False)
    assert plugin.build.ahead is None
    # the same warning, once, as MkDocs logs it when it converts the page itself
    assert [w for w in ahead_warnings if "nowhere.md" in w] == [
        "Doc file 'tags/index.md' contains a link 'nowhere.md', but the target 'tags/nowhere.md' is not found among "
        "documentation files."
    ]
    assert ahead_warnings == alone_warnings
    assert "Aggiunto da un hook." in (project / "site-ahead" / "quotes" / "index.html").read_text(encoding="utf-8")

    sites = []
    for site in ("site-ahead", "site-alone"):
        hashes = tree_hash(project / site, skip=("sitemap.xml.gz",))  # gzip stores a timestamp
        sites.append({path: digest for path, digest in hashes.items() if not unstable(path)})
    assert sites[0] == sites[1]
    assert len(sites[0]) > generated
    shutil.rmtree(project / "site-ahead")
    shutil.rmtree(project / "site-alone")


def test_a_preview_converts_nothing_ahead(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Ahead, "FROM", 1)
    monkeypatch.setattr(shares, "cores", lambda: 2)
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site-preview"))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        config = config.plugins.on_config(config)
        plugin = config.plugins["dossier"]
        assert isinstance(plugin, DossierPlugin)
        assert plugin.build.ahead is None
        assert not any(isinstance(extension, Ahead) for extension in config.markdown_extensions)
    finally:
        config.plugins.on_shutdown()
