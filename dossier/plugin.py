"""The MkDocs adapter: the only module that imports MkDocs.

It loads and validates the data in ``on_config`` (before MkDocs cleans ``site/``, so invalid data leaves the last
good site untouched), adds the rendered pages as ``File.generated`` in ``on_files`` (refusing any that would
shadow a hand-written page), and under ``mkdocs serve`` watches the data folder.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import logging
import os
import posixpath
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from jinja2 import ChoiceLoader, DictLoader, Environment
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents
from mkdocs.utils.templates import TemplateContext
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from dossier import search
from dossier.errors import DossierError
from dossier.model import Dossier
from dossier.render import ASSETS, OVERVIEW_MARKER, PAGE_SIZE, Memo, Renderer, RenderError
from dossier.resolve import Cache, load

log = logging.getLogger("mkdocs.plugins.dossier")
REQUIRED_EXTENSIONS = ("admonition", "attr_list", "md_in_html", "tables", "toc")
THEME_DIR = Path(str(resources.files("dossier") / "theme"))  # template overrides for Material, below custom_dir
REUSE_TEMPLATE = "dossier-reused.html"  # under serve: a page whose HTML is known already is "rendered" by this


class DossierConfig(Config):  # type: ignore[no-untyped-call]
    data_dir = c.Type(str, default="data")
    """The data folder, relative to mkdocs.yml."""
    lang = c.Optional(c.Type(str))
    """Language of the interface strings; default: `theme.language`, else 'it'."""
    templates = c.Optional(c.Type(str))
    """A folder of templates overriding the packaged ones, relative to mkdocs.yml."""
    page_size = c.Type(int, default=PAGE_SIZE)
    """At most this many records on one list page (timeline, quotes, claims, actor and source indexes)."""


@dataclass(frozen=True, slots=True)
class _Rendered:
    """A generated page as MkDocs rendered it, kept between the rebuilds of `mkdocs serve`."""

    key: str  # hash of the page's Markdown and of everything else its HTML depends on
    content: str
    toc: TableOfContents
    anchors: frozenset[str]
    links: tuple[tuple[str, dict[str, str]], ...]  # links to anchors of other pages, by their src_uri
    title: str | None  # the title MkDocs took from the first heading


@dataclass(slots=True)
class _Built:
    """A generated page's HTML as the theme rendered it, and its search entries, kept under `mkdocs serve`."""

    key: str  # the page's Markdown key and everything else in the theme's output: nav, config, hand-written pages
    html: str = ""  # the theme's output, before any plugin's on_post_page
    entries: list[dict[str, Any]] = field(default_factory=list)  # what Material's search indexed for it


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class _Serving:
    """State that outlives one build under `mkdocs serve`: MkDocs reloads the plugin for every rebuild, not this
    module. Records are re-read only when their file changed, and a generated page whose Markdown did not change
    is not converted again (Python-Markdown is most of a large build)."""

    active: ClassVar[bool] = False
    records: ClassVar[Cache] = {}
    rendered: ClassVar[dict[str, _Rendered]] = {}
    built: ClassVar[dict[str, _Built]] = {}
    memo: ClassVar[Memo] = Memo()
    dossier: ClassVar[Dossier | None] = None
    observers: ClassVar[list[Any]] = []  # watching the data folder
    settled: ClassVar[bool] = False  # the first build is over (and frozen)
    warnings: ClassVar[_Counter] = _Counter()  # MkDocs' warnings: a page that warned is not kept (so --strict holds)


class DossierPlugin(BasePlugin[DossierConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.renderer: Renderer | None = None
        self.pages: dict[str, str] = {}
        self.fingerprint = ""
        self.keys: dict[str, str] = {}
        self.markdown_keys: dict[str, str] = {}  # src_uri -> key of its Markdown, for every generated page
        self.nav: Navigation | None = None
        self.building: dict[str, tuple[_Built, int]] = {}  # pages being rendered: their entry, first search entry
        self.search: Any = None  # Material's search plugin, whose index the kept entries go back into
        self.warnings: dict[str, int] = {}  # warnings logged before a page's conversion or templating began

    def on_startup(self, *, command: str, dirty: bool) -> None:
        _Serving.active = command == "serve"

    def _root(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or ".").resolve().parent

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        serving = _Serving.active
        search.before_build(config, serving=serving)  # the search index is built as pages are written
        if serving:
            logging.getLogger("mkdocs").addHandler(_Serving.warnings)  # once: a logger keeps a handler only once
            if _Serving.dossier is not None:
                # A rebuild makes little garbage but walks a large heap: collected once, after it is served (see
                # on_post_build), rather than by several full collections during it.
                gc.disable()
        cache, previous, memo = (_Serving.records, _Serving.dossier, _Serving.memo) if serving else (None, None, None)
        root = self._root(config)
        theme_lang = config.theme.get("language") if config.theme else None
        lang = self.config.lang or theme_lang or "it"
        try:
            dossier = load(root / self.config.data_dir, lang=lang, base=root, cache=cache, previous=previous)
        except DossierError as exc:
            for problem in exc.problems:
                log.error(str(problem))
            raise Abort(f"dossier: {exc.summary()}; the site was not built") from None
        templates = root / self.config.templates if self.config.templates else None
        if templates is not None and not templates.is_dir():
            raise Abort(f"dossier: templates folder not found: {templates}")
        if serving:
            _Serving.dossier = dossier
        try:
            self.renderer = Renderer(
                dossier, lang=lang, templates_dir=templates, page_size=self.config.page_size, memo=memo
            )
            self.pages = self.renderer.pages()
        except RenderError as exc:
            log.error(str(exc))
            raise Abort("dossier: a template failed; the site was not built") from None
        if memo is not None:
            log.debug(f"dossier: {memo.rendered} pages rendered, {memo.reused} unchanged")
        for extension in REQUIRED_EXTENSIONS:  # the generated Markdown is written for these
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        if THEME_DIR.is_dir() and str(THEME_DIR) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
        for asset in ASSETS:
            target = config.extra_css if asset.endswith(".css") else config.extra_javascript
            if asset not in target:
                target.append(asset)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        taken = {_url_key(f.src_uri): f.src_uri for f in files.documentation_pages()}
        clashes = []
        for src_uri, content in self.pages.items():
            other = taken.get(_url_key(src_uri))
            if other is not None:
                clashes.append(f"generated page '{src_uri}' would replace the hand-written page 'docs/{other}'")
                continue
            # Entity pages are reached from index pages, never all listed in the nav (Material repeats the whole
            # nav in every page: build time and size would grow with the square of the page count).
            files.append(File.generated(config, src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
        for asset in ASSETS:
            if files.get_file_from_path(asset) is not None:
                clashes.append(f"generated file '{asset}' would replace 'docs/{asset}'")
                continue
            data = resources.files("dossier").joinpath("assets", posixpath.basename(asset)).read_bytes()
            files.append(File.generated(config, asset, content=data))
        if clashes:
            for clash in clashes:
                log.error(clash)
            raise PluginError("dossier: rename or move the hand-written pages listed above")
        # Put generated files where MkDocs' own walk of docs/ would have put them, so the search index and the
        # sitemap come out exactly as for the same pages written by `dossier render --out`.
        docs_dir = str(config.docs_dir)
        ours = [f for f in files if f.generated_by or f.src_dir == docs_dir]
        theirs = [f for f in files if not (f.generated_by or f.src_dir == docs_dir)]
        files = Files(sorted(ours, key=_walk_order) + theirs)
        if _Serving.active:
            # What converting a page depends on besides its Markdown: the extensions and their settings, every
            # other file (a link is rewritten only if its target exists), and the files the extensions may read
            # (`watch:`, e.g. the glossary that pymdownx.snippets appends to every page).
            context: list[Any] = [_plain(config.markdown_extensions), _plain(config.mdx_configs)]
            context.extend([config.use_directory_urls, sorted(files.src_uris)])
            data_dir = (self._root(config) / self.config.data_dir).resolve()
            for watched in config.watch:
                if Path(watched).resolve() != data_dir:
                    context.extend(_stats(watched))
            self.fingerprint = hashlib.sha256(repr(context).encode()).hexdigest()
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        uri = page.file.src_uri
        if uri in self.pages:
            if _Serving.active:
                # The generated text has the front matter (tags, title); `markdown` is what the plugins before
                # this one made of its body.
                text = f"{self.fingerprint}\0{self.pages[uri]}\0{markdown}"
                key = hashlib.sha256(text.encode()).hexdigest()
                self.warnings[uri] = _Serving.warnings.count
                self.markdown_keys[uri] = key
                kept = _Serving.rendered.get(uri)
                if kept is not None and kept.key == key:  # nothing to convert: the kept HTML goes back instead
                    setattr(page, "render", functools.partial(_restore, page, kept))  # noqa: B010 (a method)
                else:
                    self.keys[uri] = key
            return markdown
        if OVERVIEW_MARKER in markdown and self.renderer is not None:
            return markdown.replace(OVERVIEW_MARKER, self.renderer.overview(uri))
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        uri = page.file.src_uri
        key = self.keys.pop(uri, None)
        if key is not None and self.warnings.pop(uri, None) != _Serving.warnings.count:
            _Serving.rendered.pop(uri, None)  # it warned: converted again every time, so that it warns again
        elif key is not None:
            links = tuple((target.src_uri, dict(a)) for target, a in (page.links_to_anchors or {}).items())
            anchors = frozenset(page.present_anchor_ids or ())
            _Serving.rendered[uri] = _Rendered(
                key=key, content=html, toc=page.toc, anchors=anchors, links=links, title=page._title_from_render
            )
        return html

    # -- under serve: a generated page whose HTML cannot have changed is neither templated nor indexed again ------
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        if not _Serving.active or not self.markdown_keys:
            return env
        env.bytecode_cache = _Serving.memo.bytecode  # the theme's templates are compiled once, not every rebuild
        self.search = _material_search(config)
        if self.search is False:  # another search plugin: it must see every page, so every page is templated
            return env
        if env.loader is None:
            return env
        env.loader = ChoiceLoader([DictLoader({REUSE_TEMPLATE: "{{ dossier_reused }}"}), env.loader])
        site_key = self._site_key(config, files)
        for gone in _Serving.built.keys() - self.markdown_keys.keys():
            del _Serving.built[gone]
        for uri, markdown_key in self.markdown_keys.items():
            key = hashlib.sha256((site_key + markdown_key).encode()).hexdigest()
            built = _Serving.built.get(uri)
            file = files.get_file_from_path(uri)
            if file is None or file.page is None:
                continue
            # (no HTML yet: that build stopped before this page was written)
            if built is not None and built.key == key and built.html and "template" not in file.page.meta:
                file.page.meta["template"] = REUSE_TEMPLATE
            else:
                _Serving.built[uri] = _Built(key)
        return env

    @event_priority(100)  # before search indexes the page
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        uri = page.file.src_uri
        built = _Serving.built.get(uri)
        if built is None or uri not in self.markdown_keys:  # (both only under serve)
            return context
        if page.meta.get("template") == REUSE_TEMPLATE:
            context["dossier_reused"] = built.html  # type: ignore[typeddict-unknown-key]
            page.content = ""  # in the HTML above already: nothing for other plugins to scan (put back after)
            if self.search is not None:
                self.search.search_index.entries.extend(built.entries)
                page.meta["search"] = {"exclude": True}  # indexed already, just above
        else:
            self.building[uri] = (built, len(self.search.search_index.entries) if self.search else 0)
            self.warnings[uri] = _Serving.warnings.count
        return context

    @event_priority(1000)  # the theme's output, before any other plugin changes it
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        search.add_page(page.url, output)  # indexed while the next pages are built
        uri = page.file.src_uri
        if page.meta.get("template") == REUSE_TEMPLATE and uri in _Serving.rendered:
            page.content = _Serving.rendered[uri].content
        started = self.building.pop(uri, None)
        if started is not None and self.warnings.pop(uri, None) == _Serving.warnings.count:
            built, first = started
            built.html = output
            built.entries = self.search.search_index.entries[first:] if self.search else []
        return output

    def _site_key(self, config: MkDocsConfig, files: Files) -> str:
        """What a generated page's HTML depends on besides its own Markdown: the configuration, the navigation
        (titles included), every hand-written file and the theme overrides."""
        parts: list[Any] = [self.fingerprint, _plain(dict(config))]  # as loaded: `INHERIT:` files included
        if self.nav is not None:
            parts.append([(item.title, getattr(item, "url", None)) for item in _walk(self.nav.items)])
        for file in files:
            if not file.generated_by and file.abs_src_path:
                parts.append((file.src_uri, _stat(file.abs_src_path)))
        if config.theme.custom_dir:
            parts.extend(_stats(config.theme.custom_dir))
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        folders = [self._root(config) / self.config.data_dir]
        if self.config.templates:
            folders.append(self._root(config) / self.config.templates)
        for folder in folders:
            if not _watch_natively(server, folder):
                server.watch(str(folder))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        search.after_build(config, serving=_Serving.active)  # the search index (in the background under serve)
        if _Serving.active and not _Serving.settled:
            # The first build's configuration and pages live as long as `mkdocs serve` (it keeps that
            # configuration): out of the collector's sight, so that each rebuild's collection walks only what
            # the rebuilds made.
            gc.collect()
            gc.freeze()
            _Serving.settled = True
        elif _Serving.active:
            # This rebuild's garbage (MkDocs' pages, files and navigation are full of reference cycles) is
            # collected a moment after the page is served, while the editor reads it, not as the next edit waits.
            timer = threading.Timer(1.0, gc.collect)
            timer.daemon = True
            timer.start()
        gc.enable()

    def on_build_error(self, *, error: Exception) -> None:
        search.abort()
        gc.enable()

    def on_shutdown(self) -> None:
        search.shutdown()
        logging.getLogger("mkdocs").removeHandler(_Serving.warnings)
        for observer in _Serving.observers:
            observer.stop()
        _Serving.observers.clear()


def _watch_natively(server: LiveReloadServer, folder: Path) -> bool:
    """Watch ``folder`` through the system's file notifications (inotify, FSEvents, ...) instead of MkDocs' polling,
    which re-reads the status of every file twice a second: on a dossier of 18,500 files that is 0.2 s of Python
    each time, holding the interpreter while a rebuild runs, and up to half a second before an edit is even seen.
    Falls back to MkDocs' own watching when the server is not the one expected or the system refuses."""
    condition = getattr(server, "_rebuild_cond", None)
    if condition is None or not hasattr(server, "_want_rebuild") or not folder.is_dir():
        return False

    def changed(event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in _CHANGES:  # reading a file is not changing it
            return
        with condition:  # what MkDocs' own watch does: the server rebuilds once the changes stop for a moment
            server._want_rebuild = True
            condition.notify_all()

    handler = FileSystemEventHandler()
    handler.on_any_event = changed  # type: ignore[method-assign]
    observer = Observer()
    try:
        observer.schedule(handler, str(folder), recursive=True)
        observer.start()
    except OSError as exc:  # e.g. out of inotify watches
        log.debug(f"dossier: polling {folder}: {exc}")
        return False
    _Serving.observers.append(observer)
    log.debug(f"dossier: watching {folder} for changes")
    return True


_CHANGES = frozenset({"created", "deleted", "modified", "moved", "attrib"})


def _restore(page: Page, kept: _Rendered, config: MkDocsConfig, files: Files) -> None:
    """Stands in for `Page.render` when the page's Markdown is unchanged: sets what converting it would set."""
    page.content = kept.content
    page.toc = kept.toc
    page._title_from_render = kept.title
    page.present_anchor_ids = set(kept.anchors)
    uris = files.src_uris
    page.links_to_anchors = {target: dict(links) for src, links in kept.links if (target := uris.get(src))}


def _material_search(config: MkDocsConfig) -> Any:
    """Material's search plugin, if it is the one in use (None: no search at all; False: another one)."""
    found: Any = None
    for plugin in config.plugins.values():
        if type(plugin).__module__.startswith("material.plugins.search"):
            index = getattr(plugin, "search_index", None)
            found = plugin if isinstance(getattr(index, "entries", None), list) else False
        elif "search" in type(plugin).__module__:
            return False
    if found and not found.config.enabled:
        return None
    return found


def _walk(items: list[Any]) -> Iterator[Any]:
    for item in items:
        yield item
        yield from _walk(getattr(item, "children", None) or [])


def _plain(value: Any) -> Any:
    """A configuration value as plain data, to be hashed: mappings, lists and scalars as they are, a plugin by its
    settings, any other object by its text unless that is only its address."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return sorted((str(k), _plain(v)) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    settings = getattr(value, "config", None)
    if isinstance(settings, Mapping):
        return [type(value).__name__, _plain(settings)]
    text = str(value)
    return type(value).__name__ if " at 0x" in text else text


def _stats(path: str | os.PathLike[str]) -> list[tuple[str, tuple[int, int] | None]]:
    """(path, modification time and size) of a file, or of every file under a folder."""
    if not os.path.isdir(path):
        return [(os.fspath(path), _stat(os.fspath(path)))]
    found: list[tuple[str, tuple[int, int] | None]] = []
    for folder, _, names in sorted(os.walk(path)):
        found.extend((os.path.join(folder, n), _stat(os.path.join(folder, n))) for n in sorted(names))
    return found


def _stat(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def _walk_order(file: File) -> tuple[tuple[str, ...], bool, str]:
    """MkDocs' order: folder by folder (sorted, parents first), `index`/`README` first within a folder."""
    head, name = posixpath.split(file.src_uri)
    return (tuple(head.split("/")) if head else (), posixpath.splitext(name)[0] not in ("index", "README"), name)


def _url_key(src_uri: str) -> str:
    """`x.md`, `x/index.md` and `x/README.md` all become the URL `x/`: compare pages by that."""
    stem = posixpath.splitext(src_uri)[0]
    head, name = posixpath.split(stem)
    if name in ("index", "README"):
        return head.lower()
    return stem.lower()
