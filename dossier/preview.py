"""The live preview's memory: what `mkdocs serve` keeps from one rebuild to the next, so an edit redoes only what it
changed. Used by the plugin only under `mkdocs serve`, through MkDocs' public surfaces.

- Records are re-read only when their file changed (the loader's cache), checked again only when their file or the
  folder's ids and stored texts changed, resolved again only when they or the records they refer to changed, and
  pages rendered again only when what they were made from changed (:class:`~dossier.render.Memo`).
- A generated page whose Markdown and conversion context are unchanged is not converted again: it is a
  :class:`KeptPage`, the :class:`~mkdocs.structure.pages.Page` subclass MkDocs lets plugins put on ``File.page``,
  whose ``render`` puts back what the last conversion gave.
- A generated page whose HTML cannot have changed is not templated by the theme again: it names a one-line template
  that prints the HTML kept from the last build (theme templates are MkDocs' ``page.meta['template']``), unless a
  plugin indexes every page's content as the theme renders it (Material's built-in search), which must see them all.
- A page that logged a warning is never kept, so ``--strict`` fails on every rebuild where a clean build would.

Every build starts afresh (:meth:`Preview.begin`); what pages the build did not make is forgotten when it ends, and
its garbage is collected a moment later (:meth:`Preview._over`).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import ChoiceLoader, DictLoader, Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from dossier.conversions import Converted, kept, put_back
from dossier.model import Dossier
from dossier.render import Memo
from dossier.resolve import Cache

REUSE_TEMPLATE = "dossier-reused.html"
IDLE_COLLECTION = 15.0  # seconds without a build before the whole heap is collected
log = logging.getLogger("mkdocs.plugins.dossier")


@dataclass(slots=True)
class Themed:
    """A generated page as the theme rendered it."""

    key: str  # the page's conversion key and everything else in the theme's output: nav, config, other pages
    html: str = ""  # the theme's output, before any plugin's on_post_page


class _Warnings(logging.Handler):
    """Counts MkDocs' warnings: a page that warned is not kept."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class KeptPage(Page):
    """A generated page that is converted only when its Markdown or its conversion context changed."""

    def __init__(self, file: File, config: MkDocsConfig, preview: Preview) -> None:
        super().__init__(None, file, config)
        self.preview = preview

    def render(self, config: MkDocsConfig, files: Files) -> None:
        preview, uri = self.preview, self.file.src_uri
        assert self.markdown is not None
        # The front matter too: the theme shows it (tags, title), though conversion never sees it.
        meta = repr(_plain(self.meta))
        key = hashlib.sha256(f"{preview.fingerprint}\0{meta}\0{self.markdown}".encode()).hexdigest()
        preview.keys[uri] = key
        kept = preview.conversions.get(uri)
        if kept is not None and kept.key == key:
            put_back(self, kept, files)
            return
        preview.fresh[uri] = preview.warnings.count
        super().render(config, files)


class Preview:
    """State kept for the whole of one `mkdocs serve`."""

    def __init__(self) -> None:
        self.records: Cache = {}  # the loader's cache of parsed files
        self.dossier: Dossier | None = None  # the last good dossier (records equal to its are reused)
        self.memo = Memo()
        self.conversions: dict[str, Converted] = {}
        self.themes: dict[str, Themed] = {}
        self.observers: list[Any] = []
        self.warnings = _Warnings()
        self._collector = threading.Lock()  # held by a build, and by the collections between builds
        self._building = False
        self._young = False  # the last build's garbage is still to be collected
        self._builds = 0  # builds started: a collection of everything waits for a pause in them
        self._build_state()

    def _build_state(self) -> None:
        """What one build knows."""
        self.fingerprint = ""  # what converting a generated page depends on besides its Markdown
        self.generated: set[str] = set()
        self.keys: dict[str, str] = {}  # conversion key of every generated page of this build
        self.fresh: dict[str, int] = {}  # pages converted in this build: warnings counted before
        self.templating: dict[str, int] = {}  # pages templated in this build: warnings counted before
        self.nav: Navigation | None = None
        self.reuse_themes = False

    def start(self) -> None:
        """A build starts (first thing in ``on_config``)."""
        with self._collector:  # (waits for a collection under way: it holds the interpreter anyway)
            self._building = True
            self._builds += 1
            gc.disable()  # see _over()
            if self._young:  # the edits came too fast for the collection after the last build: done now
                self._collect_young()

    def begin(self, config: MkDocsConfig, data_dir: str) -> None:
        """The build's configuration is complete (end of ``on_config``)."""
        self._build_state()
        self.data_dir = os.path.realpath(data_dir)
        logger = logging.getLogger("mkdocs")
        if self.warnings not in logger.handlers:
            logger.addHandler(self.warnings)

    def files(self, config: MkDocsConfig, files: Files, generated: list[File]) -> None:
        """The build's files are known (``on_files``): generated pages off the nav become kept pages."""
        self.generated = {f.src_uri for f in generated}
        for file in generated:
            if file.inclusion.is_not_in_nav() and file.src_uri.endswith(".md"):  # type: ignore[no-untyped-call]
                KeptPage(file, config, self)
        # What converting a page depends on besides its Markdown: the extensions and their settings, every other
        # file (a link is rewritten only if its target exists), and the files the extensions may read (`watch:`,
        # e.g. the glossary that pymdownx.snippets appends to every page).
        context: list[Any] = [_plain(config.markdown_extensions), _plain(config.mdx_configs)]
        context.extend([config.use_directory_urls, sorted(files.src_uris)])
        for watched in config.watch:
            if os.path.realpath(watched) != self.data_dir:
                context.extend(_stats(watched))
        self.fingerprint = hashlib.sha256(repr(context).encode()).hexdigest()

    def converted(self, page: Page, html: str) -> None:
        """A page was converted, or restored (``on_page_content``): keep what a generated page gave."""
        uri = page.file.src_uri
        started = self.fresh.pop(uri, None)
        if started is None:
            return
        if started != self.warnings.count:  # it warned: converted again every time, so that it warns again
            self.conversions.pop(uri, None)
            return
        self.conversions[uri] = kept(page, self.keys[uri], html)

    def env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        """The theme's environment (``on_env``): pages whose HTML cannot have changed are not templated again."""
        env.bytecode_cache = self.memo.bytecode  # the theme's templates are compiled once, not every rebuild
        self.reuse_themes = env.loader is not None and not _indexes_every_page(config)
        if not self.reuse_themes or env.loader is None:
            return env
        env.loader = ChoiceLoader([DictLoader({REUSE_TEMPLATE: "{{ dossier_reused }}"}), env.loader])
        site_key = self._site_key(config, files)
        for uri, key in self.keys.items():
            themed_key = hashlib.sha256((site_key + key).encode()).hexdigest()
            kept = self.themes.get(uri)
            file = files.get_file_from_path(uri)
            if file is None or file.page is None:
                continue
            if kept is not None and kept.key == themed_key and kept.html and "template" not in file.page.meta:
                file.page.meta["template"] = REUSE_TEMPLATE
            else:
                self.themes[uri] = Themed(themed_key)  # (no HTML yet: filled in when the theme has rendered it)
        return env

    def context(self, context: TemplateContext, page: Page) -> None:
        """A page is about to be templated (``on_page_context``)."""
        uri = page.file.src_uri
        kept = self.themes.get(uri)
        if kept is None or uri not in self.keys:
            return
        if page.meta.get("template") == REUSE_TEMPLATE:
            context["dossier_reused"] = kept.html  # type: ignore[typeddict-unknown-key]
        else:
            self.templating[uri] = self.warnings.count

    def themed(self, page: Page, output: str) -> None:
        """The theme rendered a page (``on_post_page``): keep its HTML unless it warned."""
        uri = page.file.src_uri
        started = self.templating.pop(uri, None)
        if started is not None and started == self.warnings.count and uri in self.themes:
            self.themes[uri].html = output

    def built(self) -> None:
        """The build is over (``on_post_build``): forget the pages it did not make."""
        for gone in self.conversions.keys() - self.generated:
            del self.conversions[gone]
        for gone in self.themes.keys() - self.generated:
            del self.themes[gone]
        self._over()

    def _over(self) -> None:
        """A build is over. The collector stays off under serve: a rebuild of M makes about 140,000 objects but the
        heap holds a million, which one full collection takes 1.7 s to walk; CPython would run one every few
        rebuilds, as the editor waits. Instead each build's objects, all still in the youngest generation (no
        collection ran during it), are collected a moment after it is served, while the editor reads (or when the
        next build starts, if the next edit came first): that walks only them. Their survivors join the oldest
        generation, whose rare cyclic garbage (a finished background search, a replaced MkDocs configuration that
        survived a collection) is collected in full once the edits pause, and the collector is back on until the next
        build. Nothing is frozen (gc.freeze): what a frozen build held and a later rebuild dropped could never be
        collected (M: +104 MB at the second rebuild)."""
        self._build_state()  # the build's navigation and pages: garbage now, not survivors of the next collection
        with self._collector:
            self._building = False
            self._young = True
            builds = self._builds
        soon = threading.Timer(1.0, self._collect, args=(builds, False))
        later = threading.Timer(IDLE_COLLECTION, self._collect, args=(builds, True))
        for timer in (soon, later):
            timer.daemon = True
            timer.start()

    def _collect(self, builds: int, everything: bool) -> None:
        with self._collector:
            if self._building or builds != self._builds:
                return  # a build began meanwhile: its own end schedules the next collections
            if everything:  # the edits paused: the whole heap, and the collector back on until the next build
                gc.collect()
                gc.enable()
            elif self._young:
                self._collect_young()

    def _collect_young(self) -> None:
        """The objects made since the last collection (under the lock)."""
        started = time.perf_counter()
        found = gc.collect(1)
        self._young = False
        log.debug(f"dossier: {found} objects collected in {time.perf_counter() - started:.2f} s")

    def failed(self) -> None:
        """The build failed (``on_build_error``)."""
        self._over()

    def close(self) -> None:
        """`mkdocs serve` stops."""
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        with self._collector:
            self._builds += 1  # no collection is to run any more
            self._building = False
        gc.enable()
        for observer in self.observers:
            observer.stop()
        self.observers.clear()

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


def _indexes_every_page(config: MkDocsConfig) -> bool:
    """Whether a plugin builds an index from every page's templated content (MkDocs' or Material's search): then
    every page must be templated in every build."""
    return any(name == "search" or name.endswith("/search") for name in config.plugins)


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
