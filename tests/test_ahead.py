"""Pages converted ahead on every core (dossier/ahead.py): the very site MkDocs makes converting every page itself,
with the same warnings, whatever other plugins do meanwhile; when converting ahead cannot be trusted or fails, MkDocs
converts the pages itself."""

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
from dossier.ahead import Ahead, foreign_extension
from dossier.plugin import DossierPlugin

# Other plugins at work around the pages converted ahead (a hook runs after the plugins of the same priority):
HOOK = """
import hashlib, logging, threading, time
import markdown as python_markdown
from mkdocs.plugins import CombinedEvent, event_priority

log = logging.getLogger("mkdocs.hooks.others")
SEEN = {}
SUMMARIES = {}

@event_priority(50)  # before the dossier plugin's: a thread of another plugin that warns while pages are converted
def _before_nav(nav, config, files):
    threading.Thread(target=lambda: (time.sleep(0.05), log.warning("a download failed"))).start()
    return nav

@event_priority(-200)  # after the dossier plugin's: the build's own pages are as MkDocs left them
def _after_nav(nav, config, files):
    SEEN["converted in this process"] = [f.src_uri for f in files.documentation_pages() if f.page.content]
    return nav

on_nav = CombinedEvent(_before_nav, _after_nav)

def _html(markdown, config):
    md = python_markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
    return md.convert(markdown)

def on_page_markdown(markdown, page, config, **kwargs):
    uri = page.file.src_uri
    if uri == "quotes/index.md":  # a text changed after the dossier plugin's
        return markdown + "\\n\\nAggiunto da un hook.\\n"
    if uri == "actors/cina.md":  # converted for a summary, then changed: MkDocs converts the new text
        _html(markdown, config)
        return markdown + "\\n\\nVedi [sotto](#nessuna-ancora).\\n"
    if uri == "actors/russia.md":  # converted for a summary: the summary is the text's, not the page's HTML
        SUMMARIES[uri] = hashlib.sha256(_html(markdown, config).encode()).hexdigest()
    if uri == "actors/corea-del-nord.md":  # its title becomes its first heading's
        page.meta.pop("title")
    return markdown

def on_page_content(html, page, **kwargs):
    summary = SUMMARIES.get(page.file.src_uri)
    return html + f"<!-- summary {summary} -->" if summary else html
"""


def _project(target: Path, *, hook: str = HOOK, extensions: str = "") -> Path:
    """The bundled project with ``hook``, and a project template that puts a link to a missing page into the tags'
    index."""
    project = copy_project(target)
    (project / "hook.py").write_text(hook, encoding="utf-8")
    templates = project / "templates"
    templates.mkdir()
    template = (resources.files("dossier") / "templates" / "tags_index.md.j2").read_text(encoding="utf-8")
    (templates / "tags_index.md.j2").write_text(template + "\n[Altrove](nowhere.md)\n", encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("      data_dir: data\n", "      data_dir: data\n      templates: templates\n")
    config = config.replace("markdown_extensions:\n", f"markdown_extensions:\n{extensions}")
    (project / "mkdocs.yml").write_text(config + "\nhooks:\n  - hook.py\n", encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory.mktemp("ahead"))


def _build(
    project: Path, site: str, monkeypatch: pytest.MonkeyPatch, *, ahead: bool
) -> tuple[DossierPlugin, list[str], list[str]]:
    """Build ``project`` into ``site`` in this process, with two processes; converting ahead or not. Returns the
    plugin, the warnings MkDocs logged and the plugin's INFO lines."""
    monkeypatch.setattr(Ahead, "FROM", 1 if ahead else 10**9)  # the bundled dossier's 32 pages are too few otherwise
    monkeypatch.setattr(shares, "cores", lambda: 2)
    warnings: list[str] = []
    said: list[str] = []

    class Count(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                warnings.append(record.getMessage())
            elif record.name == "mkdocs.plugins.dossier" and record.levelno == logging.INFO:
                said.append(record.getMessage())

    count = Count()
    mkdocs_log = logging.getLogger("mkdocs")
    level = mkdocs_log.level
    mkdocs_log.setLevel(min(mkdocs_log.getEffectiveLevel(), logging.INFO))  # as `mkdocs build` has it
    mkdocs_log.addHandler(count)
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / site))
    try:
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        config.plugins.on_shutdown()
    finally:
        mkdocs_log.removeHandler(count)
        mkdocs_log.setLevel(level)
    plugin = config.plugins["dossier"]
    assert isinstance(plugin, DossierPlugin)
    return plugin, warnings, said


def _same_sites(project: Path, *sites: str) -> int:
    """Every file of the sites is the same (but for Pagefind's files named differently from run to run); returns how
    many files there are."""
    hashes = []
    for site in sites:
        found = tree_hash(project / site, skip=("sitemap.xml.gz",))  # gzip stores a timestamp
        hashes.append({path: digest for path, digest in found.items() if not unstable(path)})
    assert all(h == hashes[0] for h in hashes[1:])
    for site in sites:
        shutil.rmtree(project / site)
    return len(hashes[0])


def _hook_module() -> dict[str, list[str]]:
    import sys

    seen = [m.SEEN for name, m in sys.modules.items() if name.startswith("hook") and hasattr(m, "SEEN")]
    return seen[-1]


def test_pages_converted_ahead_make_the_same_site(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plugin, ahead_warnings, _ = _build(project, "site-ahead", monkeypatch, ahead=True)
    ahead = plugin.build.ahead
    assert ahead is not None
    generated = len(plugin.build.pages)
    # every generated page but those converted by MkDocs itself: the one whose conversion warns, those whose text
    # another plugin changed, the one whose title is no longer its front matter's
    assert ahead.used == generated - 4, (ahead.used, generated)
    assert not ahead.ready and not ahead.taken
    assert _hook_module()["converted in this process"] == []  # the build's process converted nothing ahead

    plugin, alone_warnings, _ = _build(project, "site-alone", monkeypatch, ahead=False)
    assert plugin.build.ahead is None
    # the same warnings, once each, as MkDocs logs them when it converts the pages itself (and a thread's)
    assert sorted(ahead_warnings) == sorted(alone_warnings)
    assert sorted(w for w in ahead_warnings if "nowhere.md" in w or "nessuna-ancora" in w or "download" in w) == [
        "Doc file 'actors/cina.md' contains a link '#nessuna-ancora', but there is no such anchor on this page.",
        "Doc file 'tags/index.md' contains a link 'nowhere.md', but the target 'tags/nowhere.md' is not found among "
        "documentation files.",
        "a download failed",
    ]
    site = project / "site-ahead"
    assert "Aggiunto da un hook." in (site / "quotes" / "index.html").read_text(encoding="utf-8")
    assert "<title>Corea del Nord - " in (site / "actors" / "corea-del-nord" / "index.html").read_text("utf-8")
    assert _same_sites(project, "site-ahead", "site-alone") > generated


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


DYING = """
import os
PARENT = os.getpid()

def on_page_read_source(page, config):
    if os.getpid() != PARENT:  # a child converting ahead dies (as by the out-of-memory killer)
        os._exit(137)
    return None
"""


def test_a_child_that_dies_costs_only_the_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path, hook=DYING)
    plugin, ahead_warnings, said = _build(project, "site-ahead", monkeypatch, ahead=True)
    assert plugin.build.ahead is not None and plugin.build.ahead.used == 0
    assert [s for s in said if "converting the pages ahead failed" in s] == [
        "dossier: converting the pages ahead failed (BrokenProcessPool: A process in the process pool was "
        "terminated abruptly while the future was running or pending.); MkDocs converts them"
    ]
    _, alone_warnings, _ = _build(project, "site-alone", monkeypatch, ahead=False)
    assert ahead_warnings == alone_warnings
    _same_sites(project, "site-ahead", "site-alone")


def test_other_extensions_are_converted_by_mkdocs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An extension that is not Python-Markdown's own may keep state across pages: nothing is converted ahead."""
    project = _project(tmp_path, hook="", extensions="  - pymdownx.caret\n")
    plugin, _, said = _build(project, "site", monkeypatch, ahead=True)
    assert plugin.build.ahead is not None and plugin.build.ahead.used == 0
    assert said[-1:] == [
        "dossier: MkDocs converts the pages one by one: the Markdown extension 'pymdownx.caret' is not one of "
        "Python-Markdown's own, which alone may convert pages ahead, on every core"
    ]
    assert foreign_extension(["toc", "markdown.extensions.tables", "md_in_html"]) is None
    assert foreign_extension(["toc", Ahead.__new__(Ahead)]) == "Ahead"


SETTINGS = """
def on_pre_page(page, config, files):
    config.mdx_configs["toc"]["permalink"] = "¶"  # after on_nav: every page converts otherwise
    return page
"""


def test_settings_changed_after_converting_ahead_are_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path, hook=SETTINGS)
    plugin, _, said = _build(project, "site-ahead", monkeypatch, ahead=True)
    assert plugin.build.ahead is not None and plugin.build.ahead.used == 0
    assert said[-1].startswith("dossier: 31 pages converted ahead were converted again by MkDocs (0 were not)")
    _build(project, "site-alone", monkeypatch, ahead=False)
    assert "¶</a>" in (project / "site-ahead" / "actors" / "cina" / "index.html").read_text(encoding="utf-8")
    _same_sites(project, "site-ahead", "site-alone")


VERBOSE = """
def on_page_read_source(page, config):
    return None  # (MkDocs logs a DEBUG line for it under --verbose: not a reason to convert the page again)
"""


def test_verbose_builds_still_convert_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path, hook=VERBOSE)
    mkdocs_log = logging.getLogger("mkdocs")
    level = mkdocs_log.level
    mkdocs_log.setLevel(logging.DEBUG)
    try:
        plugin, _, _ = _build(project, "site", monkeypatch, ahead=True)
    finally:
        mkdocs_log.setLevel(level)
    assert plugin.build.ahead is not None
    assert plugin.build.ahead.used == len(plugin.build.pages) - 1  # all but the page with a warning
