"""The MkDocs adapter: the only module that imports MkDocs.

It loads and validates the data in ``on_config`` (before MkDocs cleans ``site/``, so invalid data leaves the last
good site untouched), adds the rendered pages as ``File.generated`` in ``on_files`` (refusing any that would
shadow a hand-written page), and under ``mkdocs serve`` watches the data folder.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from dossier.errors import DossierError
from dossier.render import ASSETS, OVERVIEW_MARKER, PAGE_SIZE, Renderer, RenderError
from dossier.resolve import Cache, load

log = logging.getLogger("mkdocs.plugins.dossier")
REQUIRED_EXTENSIONS = ("admonition", "attr_list", "md_in_html", "tables", "toc")


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


class _Serving:
    """State that outlives one build under `mkdocs serve`: MkDocs reloads the plugin for every rebuild, not this
    module. Records are re-read only when their file changed, and a generated page whose Markdown did not change
    is not converted again (Python-Markdown is most of a large build)."""

    active: ClassVar[bool] = False
    records: ClassVar[Cache] = {}
    rendered: ClassVar[dict[str, _Rendered]] = {}


class DossierPlugin(BasePlugin[DossierConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.renderer: Renderer | None = None
        self.pages: dict[str, str] = {}
        self.fingerprint = ""
        self.reused: dict[str, _Rendered] = {}
        self.keys: dict[str, str] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        _Serving.active = command == "serve"

    def _root(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or ".").resolve().parent

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = self._root(config)
        theme_lang = config.theme.get("language") if config.theme else None
        lang = self.config.lang or theme_lang or "it"
        try:
            cache = _Serving.records if _Serving.active else None
            dossier = load(root / self.config.data_dir, lang=lang, base=root, cache=cache)
        except DossierError as exc:
            for problem in exc.problems:
                log.error(str(problem))
            raise Abort(f"dossier: {exc.summary()}; the site was not built") from None
        templates = root / self.config.templates if self.config.templates else None
        if templates is not None and not templates.is_dir():
            raise Abort(f"dossier: templates folder not found: {templates}")
        self.renderer = Renderer(dossier, lang=lang, templates_dir=templates, page_size=self.config.page_size)
        try:
            self.pages = self.renderer.pages()
        except RenderError as exc:
            log.error(str(exc))
            raise Abort("dossier: a template failed; the site was not built") from None
        for extension in REQUIRED_EXTENSIONS:  # the generated Markdown is written for these
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
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
        if _Serving.active:  # what a page's HTML depends on besides its Markdown: the other pages, the extensions
            context = [config.markdown_extensions, config.mdx_configs, config.use_directory_urls]
            context.extend(f.src_uri for f in files.documentation_pages())
            self.fingerprint = hashlib.sha256(repr(context).encode()).hexdigest()
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        uri = page.file.src_uri
        if uri in self.pages:
            if _Serving.active:
                key = hashlib.sha256((self.fingerprint + markdown).encode()).hexdigest()
                kept = _Serving.rendered.get(uri)
                if kept is not None and kept.key == key:
                    self.reused[uri] = kept
                    return ""  # nothing to convert: on_page_content puts the kept HTML back
                self.keys[uri] = key
            return markdown
        if OVERVIEW_MARKER in markdown and self.renderer is not None:
            return markdown.replace(OVERVIEW_MARKER, self.renderer.overview(uri))
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        uri = page.file.src_uri
        kept = self.reused.pop(uri, None)
        if kept is not None:
            page.toc = kept.toc
            page.present_anchor_ids = set(kept.anchors)
            page.links_to_anchors = {
                target: dict(links) for src, links in kept.links if (target := files.get_file_from_path(src))
            }
            return kept.content
        key = self.keys.pop(uri, None)
        if key is not None:
            links = tuple((target.src_uri, dict(a)) for target, a in (page.links_to_anchors or {}).items())
            anchors = frozenset(page.present_anchor_ids or ())
            _Serving.rendered[uri] = _Rendered(key=key, content=html, toc=page.toc, anchors=anchors, links=links)
        return html

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        server.watch(str(self._root(config) / self.config.data_dir))
        if self.config.templates:
            server.watch(str(self._root(config) / self.config.templates))
        return server


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
