"""The MkDocs adapter: the hooks that feed the pipeline's pages to MkDocs.

It loads and validates the data in ``on_config`` (before MkDocs cleans ``site/``, so invalid data leaves the last
good site untouched), adds the rendered pages as ``File.generated`` in ``on_files`` (refusing any that would
shadow a hand-written page), and under ``mkdocs serve`` watches the data folder, redoes only what an edit changed
(see :mod:`dossier.preview`) and shows problems in the pages instead of stopping.
"""

from __future__ import annotations

import gc
import logging
import posixpath
import shutil
import tempfile
import weakref
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from dossier import shares
from dossier.config import DossierConfig, interface_language
from dossier.errors import DossierError
from dossier.i18n import Words
from dossier.kinds import DEFAULT
from dossier.resolve import load

# Every `dossier` command loads this module, as MkDocs reads mkdocs.yml and checks the plugin's options: the modules
# only a build uses are imported by the hooks that use them (`dossier check` of M: 41 ms of its start). Those above
# every command has loaded already.
if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs.utils.templates import TemplateContext

    from dossier.ahead import Ahead
    from dossier.preview import Preview
    from dossier.render import Renderer
    from dossier.search import Indexer

log = logging.getLogger("mkdocs.plugins.dossier")
REQUIRED_EXTENSIONS = ("admonition", "attr_list", "md_in_html", "tables", "toc")
THEME_DIR = Path(str(resources.files("dossier") / "theme"))  # template overrides for Material, below custom_dir


@dataclass
class Build:
    """What one build knows: reset where MkDocs starts a build (``on_config``)."""

    renderer: Renderer | None = None
    pages: dict[str, str] = field(default_factory=dict)  # generated Markdown by src_uri
    drawings: dict[str, dict[str, str]] = field(default_factory=dict)  # by src_uri: drawings set aside (see below)
    data: dict[str, Path] = field(default_factory=dict)  # the published exports: their files, by site path
    broken: str | None = None  # under serve: the problems (HTML) every page shows instead of the site
    error_page: str = ""  # ... and the Markdown page around them
    error_html: str = ""  # ... and the HTML of the 404 page
    lang: str = "en"  # the interface language
    ahead: Ahead | None = None  # a large build's pages, converted ahead on every core (dossier/ahead.py)
    workers: int = 1


class DossierPlugin(BasePlugin[DossierConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        # MkDocs keeps this instance for the whole of `mkdocs serve` because the plugin defines on_startup.
        self.preview: Preview | None = None
        self.build = Build()
        self._search: Indexer | None = None
        self.scratch: Path | None = None  # where the exports wait to be copied into the site (not held in memory)

    @property
    def search(self) -> Indexer:
        """The site's search index, built as the pages are converted."""
        if self._search is None:
            from dossier.search import Indexer

            self._search = Indexer()
        return self._search

    def on_startup(self, *, command: str, dirty: bool) -> None:
        if command == "serve":
            from dossier.preview import Preview

            self.preview = Preview()
        else:
            self.preview = None

    def on_shutdown(self) -> None:
        if self._search is not None:
            self._search.shutdown()
        if self.preview is not None:
            self.preview.close()
        self.preview = None
        self._drop_scratch()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        from dossier import publish, report
        from dossier.ahead import Ahead
        from dossier.export import history
        from dossier.render import ASSETS, Renderer, RenderError

        self.build = Build()
        preview = self.preview
        if preview is not None:
            preview.start()
        self.search.before_build(config, serving=preview is not None)  # the index is made as the pages are converted
        root = Path(config.config_file_path or ".").resolve().parent
        lang = interface_language(self.config.lang, config.theme.get("language") if config.theme else None)
        self.build.lang = lang
        gc.disable()  # loading makes no cyclic garbage: collected once, after (see on_post_build)
        try:
            workers = 1 if preview else shares.cores()  # a preview redoes only what changed, in-process
            self.build.workers = workers
            dossier = load(
                self.config.data_dir, lang=lang, base=root, registry=DEFAULT,
                cache=preview.records if preview else None, previous=preview.dossier if preview else None,
                workers=workers,
            )  # fmt: skip
            templates = Path(self.config.templates) if self.config.templates else None
            renderer = Renderer(
                dossier, lang=lang, templates_dir=templates, page_size=self.config.page_size,
                memo=preview.memo if preview else None, site_url=config.site_url,
                directory_urls=config.use_directory_urls, workers=workers,
            )  # fmt: skip
            self.build.pages = renderer.pages()
            self.build.renderer = renderer
            publication = publish.Publication(
                title=config.site_name, site_url=config.site_url, directory_urls=config.use_directory_urls,
                license=self.config.license, data_dir=Path(self.config.data_dir),
            )  # fmt: skip
            scratch = self._scratch()

            def store(path: str, content: bytes) -> None:
                (scratch / path).parent.mkdir(parents=True, exist_ok=True)
                (scratch / path).write_bytes(content)

            # The preview publishes the feed only: the other formats are made by `mkdocs build` (its Dati page says so)
            make = publish.previewed if preview is not None else publish.published
            data = make(dossier, renderer, publication, store)
            self.build.pages[publish.PAGE] = data.page
            self.build.data = {uri: scratch / path for uri, path in data.paths.items()}
            if data.undated == history.SHALLOW:  # (else: no git, or not a repository; the feed says so by its dates)
                log.info(f"dossier: the feed is dated by the data's own dates only: {data.undated}")
        except DossierError as exc:
            for problem in exc.problems:
                log.error(str(problem))
            if preview is None:
                raise Abort(f"dossier: {exc.summary()}; the site was not built") from None
            self._broken(report.problems_html(exc.problems, root, Words(lang)), lang)
        except RenderError as exc:
            log.error(str(exc))
            if preview is None:
                raise Abort("dossier: a template failed; the site was not built") from None
            self._broken(report.failure_html(str(exc), Words(lang)), lang)
        else:
            if preview is not None:
                preview.dossier = dossier
                log.debug(f"dossier: {preview.memo.rendered} pages rendered, {preview.memo.reused} unchanged")
            elif not self.build.broken:
                gc.freeze()  # the dossier lives as long as the build: out of the collector's sight
        finally:
            if preview is None:
                gc.enable()
        for extension in REQUIRED_EXTENSIONS:  # the generated Markdown is written for these
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        if self.build.workers > 1 and self.build.broken is None and len(self.build.pages) >= Ahead.FROM:
            self.build.ahead = Ahead(config)
            config.markdown_extensions.append(self.build.ahead)  # type: ignore[arg-type]  # (Markdown takes either)
        for asset in ASSETS:
            target = config.extra_css if asset.endswith(".css") else config.extra_javascript
            if asset not in target:
                target.append(asset)
        if THEME_DIR.is_dir() and str(THEME_DIR) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
        if preview is not None:
            preview.begin(config, self.config.data_dir)
        return config

    def _scratch(self) -> Path:
        """A folder of our own for the exports, from which MkDocs copies them into the site: removed after a build,
        and under serve when it stops (the exports of one rebuild may be published again by the next)."""
        if self.scratch is None or not self.scratch.is_dir():
            self.scratch = Path(tempfile.mkdtemp(prefix="dossier-exports-"))
            weakref.finalize(self, shutil.rmtree, self.scratch, True)
        return self.scratch

    def _drop_scratch(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def _broken(self, problems: str, lang: str) -> None:
        """Under serve: the site shows ``problems`` (HTML) instead of the dossier until the next good build."""
        from dossier import report

        words = Words(lang)
        self.build.broken = problems
        self.build.error_page = report.error_page(problems, words)
        self.build.error_html = report.error_html(problems, words)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        from dossier import output, publish
        from dossier.render import ASSETS

        pages = self.build.pages
        if self.build.broken is not None:  # under serve: the lists in the nav say what is wrong; the rest is 404
            error = self.build.error_page
            pages = {f"{k.listing.folder}/index.md": error for k in DEFAULT if k.listing is not None}
            pages[publish.PAGE] = error
        taken = {_url_key(f.src_uri): f.src_uri for f in files.documentation_pages()}
        clashes = []
        added = []
        for src_uri, content in pages.items():
            other = taken.get(_url_key(src_uri))
            if other is not None:
                clashes.append(f"generated page '{src_uri}' would replace the hand-written page 'docs/{other}'")
                continue
            # Entity pages are reached from index pages, never all listed in the nav (Material repeats the whole
            # nav in every page: build time and size would grow with the square of the page count).
            file = File.generated(config, src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV)
            files.append(file)
            added.append(file)
        for asset in ASSETS:
            if files.get_file_from_path(asset) is not None:
                clashes.append(f"generated file '{asset}' would replace 'docs/{asset}'")
                continue
            files.append(File.generated(config, asset, content=output.asset(asset, Words(self.build.lang), DEFAULT)))
        for path, source in self.build.data.items():
            if files.get_file_from_path(path) is not None:
                clashes.append(f"generated file '{path}' would replace 'docs/{path}'")
                continue
            files.append(File.generated(config, path, abs_src_path=str(source)))
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
        if self.preview is not None:
            self.preview.files(config, files, added)
        return files

    @event_priority(-100)  # the nav as the other plugins leave it
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        if self.preview is not None:
            self.preview.nav = nav
        ahead = self.build.ahead
        if ahead is not None:  # every page exists now, and MkDocs converts them next
            pages = [file.page for uri in self.build.pages if (file := files.get_file_from_path(uri)) and file.page]
            ready = ahead.convert(pages, files, workers=self.build.workers, prepare=self._markdown)
            log.debug(f"dossier: {ready} of {len(pages)} pages converted ahead in {self.build.workers} processes")
        return nav

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.build.broken is not None:
            return self.build.error_page.split("---\n", 2)[2]
        markdown, kept = self._prepared(markdown, page)
        if kept:
            self.build.drawings[page.file.src_uri] = kept
        if self.build.ahead is not None:
            self.build.ahead.expect(page.file.src_uri)
        return markdown

    def _markdown(self, markdown: str, page: Page) -> str:
        return self._prepared(markdown, page)[0]

    def _prepared(self, markdown: str, page: Page) -> tuple[str, dict[str, str]]:
        """The page's Markdown as MkDocs is to convert it, and the drawings set aside from it."""
        from dossier import drawings
        from dossier.render import OVERVIEW_MARKER

        if OVERVIEW_MARKER in markdown and self.build.renderer is not None:
            markdown = markdown.replace(OVERVIEW_MARKER, self.build.renderer.overview(page.file.src_uri))
        # Drawings are large raw HTML that Python-Markdown leaves as it is, but is slow to read. Each is set aside for
        # a comment naming it by its hash (so the page's Markdown, and what the preview keeps of it, change when a
        # drawing does), and put back into the page the theme made (on_post_page); the search is given the page without
        # (it indexes no drawing).
        return drawings.set_aside(markdown)

    @event_priority(10_000)  # before any other plugin sees the page
    def _restore_page(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.build.ahead is not None:  # the anchors MkDocs would have found in a page converted ahead
            self.build.ahead.finish(page, files)
        return html

    def _on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        from dossier import markup

        if ' lang="' in html and page.toc:
            _toc_languages(page.toc, markup.heading_languages(html))
        if self.preview is not None:
            self.preview.converted(page, html)
        return html

    @event_priority(-100)  # the content as the other plugins leave it
    def _index_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Hand the page to the search index as soon as it is converted: MkDocs converts every page before it themes
        and writes any, so Pagefind indexes them on the other core meanwhile (dossier/search.py)."""
        self.search.add_content(page.url, html, meta=page.meta, title=str(page.title or config.site_name))
        return html

    on_page_content = CombinedEvent(_restore_page, _on_page_content, _index_content)

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        self.search.pages_done()  # every page is converted: the index is written while MkDocs writes them
        if self.build.ahead is not None:
            ahead, unused = self.build.ahead, self.build.ahead.unused()
            if unused:  # another plugin changed their text or settings after on_nav
                say = log.info if unused > ahead.used else log.debug
                say(f"dossier: {unused} pages converted ahead were converted again by MkDocs ({ahead.used} were not)")
        if self.preview is not None:
            return self.preview.env(env, config, files)
        return env

    @event_priority(100)  # before other plugins see the page
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        if self.preview is not None:
            self.preview.context(context, page)
        return context

    def on_template_context(
        self, context: TemplateContext, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext:
        if template_name == "404.html" and self.build.broken is not None:
            context["dossier_problems"] = self.build.error_html  # type: ignore[typeddict-unknown-key]
        return context

    @event_priority(1000)  # the theme's output, before any other plugin changes it
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        from dossier import drawings, markup
        from dossier.render import TITLE_LANG

        title_lang = page.meta.get(TITLE_LANG) if page.meta else None
        if title_lang:  # the title in the theme's header is in another language than the page's
            output = markup.header_title_language(output, str(title_lang))
        if self.preview is not None:
            self.preview.themed(page, output)
        kept = self.build.drawings.pop(page.file.src_uri, None)
        return drawings.put_back(output, kept) if kept else output

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        from dossier import livereload

        folders = [Path(self.config.data_dir)]
        if self.config.templates:
            folders.append(Path(self.config.templates))
        for folder in folders:
            observer = livereload.watch(server, folder)
            if observer is None:
                server.watch(str(folder))
            elif self.preview is not None:
                self.preview.observers.append(observer)
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.search.after_build(config, serving=self.preview is not None)  # in the background under serve
        if self.preview is not None:
            self.build = Build(lang=self.build.lang)  # what the build kept (its renderer, its pages) is garbage now
            self.preview.built()
        else:
            self._drop_scratch()

    def on_build_error(self, *, error: Exception) -> None:
        if self._search is not None:
            self._search.abort()
        if self.preview is not None:
            self.preview.failed()
        else:
            self._drop_scratch()


def _toc_languages(items: Any, languages: dict[str, str]) -> None:
    """A heading in another language than its page's (a quote's words) carries ``lang``; so does its entry in the
    table of contents (its title is HTML: see MkDocs' AnchorLink). Marked once, however often a page is restored."""
    from dossier import markup

    for item in items:
        lang = languages.get(item.id)
        if lang and not item.title.startswith("<span lang="):
            item.title = f'<span lang="{markup.html(lang)}">{item.title}</span>'
        _toc_languages(item.children, languages)


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
