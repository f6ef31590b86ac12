"""A large build's pages converted ahead, on every core.

MkDocs converts the pages from Markdown to HTML one after another, in one process: on the synthetic M dossier
(1,663 pages, 150 MB of Markdown) that is 49 s of a 65 s build. So before MkDocs starts converting (``on_nav``,
once every page exists), the generated pages are converted in the processes of :func:`dossier.shares.shared`, each
by MkDocs' own ``Page.render`` with the site's extensions. When MkDocs then converts a page, the :class:`Ahead`
extension, first among the preprocessors and last among the postprocessors, hands it the HTML and the table of
contents made ahead instead of converting the page again; and :meth:`Ahead.finish` (``on_page_content``) gives the
page the anchors it holds and the links it makes to other pages' anchors, which MkDocs checks once every page is
converted.

A page is taken from what was converted ahead only when nothing can differ from MkDocs converting it:

- the text MkDocs converts is the text converted ahead (compared by digest: another plugin may change a page's
  Markdown after this one), and it is the page converted ahead (the same text elsewhere links differently);
- converting it ahead logged nothing: a warning (a link to a missing page) must reach MkDocs' own handlers, which
  ``--strict`` counts, so such a page is converted again by MkDocs, which logs it;
- converting it raised nothing, and its title is its front matter's (a title taken from the first heading is
  MkDocs' private state).

Any other page is converted by MkDocs as usual, and so is every page of a preview (which converts only what
changed, in its own process). ``tests/test_ahead.py`` builds the same site both ways and compares every file.

What this cannot see: a Markdown extension of the project's that carries state from one page's conversion to the
next (a counter across pages, say) would count differently in several processes. The extensions the generated pages
need (Python-Markdown's own) keep none: each conversion has a Markdown instance of its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from dossier import shares

if TYPE_CHECKING:
    from markdown import Markdown
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page


@dataclass
class Converted:
    """One page converted ahead: what MkDocs' ``Page.render`` made of it."""

    digest: bytes  # of the Markdown converted
    html: str
    toc_tokens: list[dict[str, Any]]  # the toc extension's, from which MkDocs makes the page's table of contents
    anchors: set[str]  # Page.present_anchor_ids
    links: dict[str, dict[str, str]] | None  # Page.links_to_anchors, by the linked file's src_uri


class Ahead(Extension):
    """The Python-Markdown extension that gives MkDocs the pages converted ahead (see the module's description)."""

    # Generated pages from which converting ahead is worth its processes. Measured on 2 cores: the synthetic S
    # dossier's 112 pages build in 2.67 s instead of 3.25 s; the bundled dossier's 31 in 0.93 s instead of 0.96 s.
    FROM = 50

    def __init__(self) -> None:
        super().__init__()
        self.ready: dict[str, Converted] = {}  # by src_uri, until MkDocs converts the page
        self.expected: str | None = None  # the page MkDocs converts next (set by the plugin's on_page_markdown)
        self.taken: dict[str, Converted] = {}  # converted by MkDocs from what was ready, until finish()
        self.used = 0  # pages MkDocs took from what was converted ahead
        self.recording = False  # converting ahead: keep each conversion's table of contents tokens
        self.recorded: list[dict[str, Any]] = []

    def extendMarkdown(self, md: Markdown) -> None:  # (Python-Markdown's name)
        conversion = _Conversion(self, md)
        md.preprocessors.register(_Take(conversion), "dossier_ahead", 10_000)  # before any other sees the lines
        md.postprocessors.register(_Give(conversion), "dossier_ahead", -10_000)  # after every other

    def expect(self, src_uri: str) -> None:
        self.expected = src_uri

    def convert(
        self, pages: Sequence[Page], config: MkDocsConfig, files: Files, *, workers: int,
        prepare: Callable[[str, Page], str],
    ) -> int:  # fmt: skip
        """Convert ``pages`` ahead in ``workers`` processes, ``prepare`` giving the Markdown MkDocs will convert
        (the plugin's own on_page_markdown, without its side effects). Returns how many are ready."""

        def work(share: Sequence[Page]) -> list[Converted | None]:
            with _kept() as records:
                self.recording = True
                try:
                    return [self._one(page, config, files, prepare, records) for page in share]
                finally:
                    self.recording = False

        for page, converted in zip(pages, shares.shared(pages, work, workers), strict=True):
            if converted is not None:
                self.ready[page.file.src_uri] = converted
        return len(self.ready)

    def _one(
        self, page: Page, config: MkDocsConfig, files: Files, prepare: Callable[[str, Page], str],
        records: list[logging.LogRecord],
    ) -> Converted | None:  # fmt: skip
        logged = len(records)
        self.recorded = []
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
        links = page.links_to_anchors
        return Converted(
            digest=_digest(markdown),
            html=page.content,
            toc_tokens=self.recorded,
            anchors=set(page.present_anchor_ids or ()),
            links=None if links is None else {file.src_uri: dict(anchors) for file, anchors in links.items()},
        )

    def finish(self, page: Page, files: Files) -> None:
        """After MkDocs converted ``page`` (``on_page_content``): if it was taken from what was converted ahead,
        the page gets the anchors and links MkDocs would have found in it."""
        converted = self.taken.pop(page.file.src_uri, None)
        if converted is None:
            return
        page.present_anchor_ids = converted.anchors
        if converted.links is not None:
            linked = {}
            for src_uri, anchors in converted.links.items():
                file = files.get_file_from_path(src_uri)
                if file is not None:
                    linked[file] = anchors
            page.links_to_anchors = linked


class _Conversion:
    """One conversion by Python-Markdown (MkDocs makes a Markdown instance per page)."""

    def __init__(self, ahead: Ahead, md: Markdown) -> None:
        self.ahead = ahead
        self.md = md
        self.taken: Converted | None = None


class _Take(Preprocessor):
    """If the page being converted is ready, and its text is the one converted ahead: nothing to convert."""

    def __init__(self, conversion: _Conversion) -> None:
        super().__init__()
        self.conversion = conversion

    def run(self, lines: list[str]) -> list[str]:
        ahead = self.conversion.ahead
        src_uri, ahead.expected = ahead.expected, None
        converted = ahead.ready.get(src_uri) if src_uri is not None else None
        if converted is None or converted.digest != _digest("\n".join(lines)):  # (Markdown split the text on \n)
            return lines
        assert src_uri is not None
        del ahead.ready[src_uri]
        ahead.used += 1
        ahead.taken[src_uri] = self.conversion.taken = converted
        return []


class _Give(Postprocessor):
    """The HTML converted ahead, and its table of contents, as the conversion's result; or, converting ahead, the
    table of contents recorded."""

    def __init__(self, conversion: _Conversion) -> None:
        super().__init__()
        self.conversion = conversion

    def run(self, text: str) -> str:
        md, taken = self.conversion.md, self.conversion.taken
        if taken is None:
            if self.conversion.ahead.recording:
                self.conversion.ahead.recorded = list(getattr(md, "toc_tokens", []))
            return text
        md.toc_tokens = taken.toc_tokens  # type: ignore[attr-defined]  # (the toc extension's, read by MkDocs)
        return taken.html


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@contextlib.contextmanager
def _kept() -> Iterator[list[logging.LogRecord]]:
    """Every log record made meanwhile, kept in the list given instead of handled (shown, or counted by MkDocs'
    ``--strict``); every handler is back in place afterwards."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep()
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
