"""A large build's pages converted ahead, on every core.

MkDocs converts the pages from Markdown to HTML one after another, in one process: on the synthetic M dossier
(1,663 pages, 87 MB of Markdown) that is 49 s of a 65 s build. So before MkDocs starts converting (``on_nav``, once
every page exists), forked children of the build's process convert the generated pages, each by MkDocs' own
``Page.render`` with the site's extensions (:func:`dossier.shares.shared`; the build's process only waits, so nothing
it holds, logs or warns of once is touched). When MkDocs then converts a page, the :class:`Ahead` extension, first
among the preprocessors and last among the postprocessors, hands it the HTML made ahead instead of converting the
page again; and :meth:`Ahead.finish` (the plugin's first ``on_page_content``) puts back on the page its table of
contents, the anchors it holds and the links it makes to other pages' anchors, which MkDocs checks once every page is
converted (:mod:`dossier.conversions`, as the preview puts back a page it kept).

A page is taken from what was converted ahead only when nothing can differ from MkDocs converting it:

- the conversion is MkDocs' own (``Page.render``'s, not a plugin's conversion of the same text for a summary), of
  the page converted ahead, and of the very same text (compared by digest: another plugin may change a page's
  Markdown after this one);
- the settings it was converted with are the same: the page's address, the extensions and their options, the link
  checks (another plugin may change them after ``on_nav``);
- converting it ahead logged nothing at INFO or above, and raised nothing: a warning (a link to a missing page) must
  reach MkDocs' own handlers, which ``--strict`` counts, so such a page is converted again by MkDocs, which logs it;
- its title is its front matter's, when MkDocs takes it (a title taken from the first heading is MkDocs' private
  state).

And the build converts ahead at all only when every Markdown extension is one of Python-Markdown's own, named in
``mkdocs.yml``: an extension of another package, or one a plugin put in as an object (such as mkdocs-autorefs'), may
keep state across pages or report what it sees to its plugin, which converting elsewhere would not reproduce. When a
child fails (killed, say), MkDocs converts every page itself. Any other page is converted by MkDocs as usual, and so
is every page of a preview (which converts only what changed, in its own process). ``tests/test_ahead.py`` builds
sites both ways and compares their files and warnings.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from dossier import conversions, shares
from dossier.conversions import Converted

if TYPE_CHECKING:
    from markdown import Markdown
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

# Python-Markdown's own extensions (markdown.extensions): each keeps its state on the Markdown instance that MkDocs
# makes for every page.
OWN_EXTENSIONS = frozenset({
    "abbr", "admonition", "attr_list", "codehilite", "def_list", "extra", "fenced_code", "footnotes", "legacy_attrs",
    "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists", "smarty", "tables", "toc", "wikilinks",
})  # fmt: skip
_log = logging.getLogger("mkdocs.plugins.dossier")
_MKDOCS_PAGES = "mkdocs.structure.pages"  # the module of the tree processors Page.render adds to its conversion


def foreign_extension(extensions: Sequence[Any]) -> str | None:
    """The first of ``extensions`` (``config.markdown_extensions``) that is not one of Python-Markdown's own, named;
    None when they all are (the pages may be converted ahead)."""
    for extension in extensions:
        if not isinstance(extension, str):
            return type(extension).__name__
        name = extension.removeprefix("markdown.extensions.")
        if name not in OWN_EXTENSIONS:
            return extension
    return None


class Ahead(Extension):
    """The Python-Markdown extension that gives MkDocs the pages converted ahead (see the module's description)."""

    # Generated pages from which converting ahead is worth its processes. Measured on 2 cores: the synthetic S
    # dossier's 112 pages build in 2.67 s instead of 3.25 s; the bundled dossier's 32 in 0.93 s instead of 0.96 s.
    FROM = 50

    def __init__(self, config: MkDocsConfig) -> None:
        super().__init__()
        self.site = config  # (an Extension's `config` is its options)
        self.ready: dict[str, Converted] = {}  # by src_uri, until MkDocs converts the page
        self.pages: dict[str, Page] = {}  # the pages converted ahead, by src_uri
        self.expected: str | None = None  # the page MkDocs converts next (set by the plugin's on_page_markdown)
        self.taken: dict[str, Converted] = {}  # converted by MkDocs from what was ready, until finish()
        self.used = 0  # pages MkDocs took from what was converted ahead

    def extendMarkdown(self, md: Markdown) -> None:  # (Python-Markdown's name)
        conversion = _Conversion(self, md)
        md.preprocessors.register(_Take(conversion), "dossier_ahead", 10_000)  # before any other sees the lines
        md.postprocessors.register(_Give(conversion), "dossier_ahead", -10_000)  # after every other

    def expect(self, src_uri: str) -> None:
        self.expected = src_uri

    def convert(self, pages: Sequence[Page], files: Files, *, workers: int, prepare: Callable[[str, Page], str]) -> int:
        """Convert ``pages`` ahead in ``workers`` forked children, ``prepare`` giving the Markdown MkDocs will convert
        (the plugin's own on_page_markdown, without its side effects). Returns how many are ready."""
        if not shares.FORKS or workers < 2:
            return 0
        config = self.site
        extensions: list[Any] = list(config.markdown_extensions)  # (names, and this extension)
        foreign = foreign_extension([e for e in extensions if e is not self])
        if foreign is not None:
            _log.info(
                f"dossier: MkDocs converts the pages one by one: the Markdown extension '{foreign}' is not one of "
                "Python-Markdown's own, which alone may convert pages ahead, on every core"
            )
            return 0

        def work(share: Sequence[Page]) -> list[Converted | None]:  # in a child
            with _kept() as records:
                return [self._one(page, config, files, prepare, records) for page in share]

        self.pages = {page.file.src_uri: page for page in pages}
        try:
            converted = shares.shared(pages, work, workers, here=False)
        except Exception as exc:  # (a child killed, say) what is only a shortcut must not cost the build
            _log.info(f"dossier: converting the pages ahead failed ({type(exc).__name__}: {exc}); MkDocs converts them")
            return 0
        for page, result in zip(pages, converted, strict=True):
            if result is not None:
                self.ready[page.file.src_uri] = result
        return len(self.ready)

    def _one(
        self, page: Page, config: MkDocsConfig, files: Files, prepare: Callable[[str, Page], str],
        records: list[logging.LogRecord],
    ) -> Converted | None:  # fmt: skip
        logged = len(records)
        try:
            page.read_source(config)
            if page.markdown is None or "title" not in page.meta:
                return None
            markdown = page.markdown = prepare(page.markdown, page)
            page.render(config, files)
        except Exception:  # MkDocs converting it will say what is wrong, as it would without this
            return None
        if len(records) > logged or page.content is None:
            return None
        return conversions.kept(page, _key(config, page, markdown), page.content)

    def finish(self, page: Page, files: Files) -> None:
        """After MkDocs converted ``page`` (first of every ``on_page_content``): if it took it from what was
        converted ahead, the page gets the table of contents, anchors and links MkDocs would have found in it."""
        converted = self.taken.pop(page.file.src_uri, None)
        if converted is not None:
            conversions.put_back(page, converted, files)

    def unused(self) -> int:
        """Pages converted ahead that MkDocs converted again (their text or settings changed after on_nav), once
        every page is converted; what was kept for them is let go."""
        count = len(self.ready)
        self.ready.clear()
        self.pages.clear()
        return count

    def _take(self, md: Markdown, lines: list[str]) -> Converted | None:
        if not self.ready:  # (nothing converted ahead, or all of it taken)
            return None
        if not any(type(p).__module__ == _MKDOCS_PAGES for p in md.treeprocessors):
            return None  # not MkDocs converting a page: a plugin converting some text (`expected` is left as it is)
        src_uri, self.expected = self.expected, None
        if src_uri is None or src_uri not in self.ready:
            return None
        converted, page = self.ready[src_uri], self.pages[src_uri]
        if "title" not in page.meta or converted.key != _key(self.site, page, "\n".join(lines)):  # (split on \n)
            return None
        del self.ready[src_uri]
        self.taken[src_uri] = converted
        self.used += 1
        return converted


class _Conversion:
    """One conversion by Python-Markdown (MkDocs makes a Markdown instance per page)."""

    def __init__(self, ahead: Ahead, md: Markdown) -> None:
        self.ahead = ahead
        self.md = md
        self.taken: Converted | None = None


class _Take(Preprocessor):
    """If MkDocs converts a page that is ready, with its text and settings: nothing to convert."""

    def __init__(self, conversion: _Conversion) -> None:
        super().__init__()
        self.conversion = conversion

    def run(self, lines: list[str]) -> list[str]:
        self.conversion.taken = self.conversion.ahead._take(self.conversion.md, lines)
        return lines if self.conversion.taken is None else []


class _Give(Postprocessor):
    """The HTML converted ahead as the conversion's result (its table of contents is put back by Ahead.finish)."""

    def __init__(self, conversion: _Conversion) -> None:
        super().__init__()
        self.conversion = conversion

    def run(self, text: str) -> str:
        taken = self.conversion.taken
        return text if taken is None else taken.content


def _key(config: MkDocsConfig, page: Page, markdown: str) -> str:
    """A page's Markdown and what else its conversion depends on: its address, the extensions and their options, the
    link checks (compared when MkDocs takes the page: another plugin may change any of them after on_nav)."""
    extensions = tuple(e if isinstance(e, str) else id(e) for e in config.markdown_extensions)
    settings = (
        page.file.src_uri, page.file.url, page.file.dest_uri, config.use_directory_urls, extensions,
        repr(config.mdx_configs), repr(config.validation),
    )  # fmt: skip
    digest = hashlib.blake2b(repr(settings).encode(), digest_size=16)
    digest.update(markdown.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@contextlib.contextmanager
def _kept() -> Iterator[list[logging.LogRecord]]:
    """In a child converting ahead: every log record at INFO or above made meanwhile, kept in the list given instead
    of handled (shown, or counted by MkDocs' ``--strict``); every handler is back in place afterwards."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep(logging.INFO)  # (MkDocs logs DEBUG lines about its hooks under --verbose: not the conversion's)
    loggers = [logging.getLogger()]
    loggers += [
        logger
        for logger in list(logging.Logger.manager.loggerDict.values())
        if isinstance(logger, logging.Logger) and (logger.handlers or not logger.propagate)
    ]
    saved = [(logger, logger.handlers) for logger in loggers]
    try:
        for logger in loggers:
            logger.handlers = [keep]
        yield records
    finally:
        for logger, handlers in saved:
            logger.handlers = handlers
