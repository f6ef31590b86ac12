"""Render a :class:`~dossier.model.Dossier` into Markdown pages: ``{src_uri: text}``. Pure: writes no files.

Which pages exist comes from the registry: each kind with a :class:`~dossier.registry.Listing` is listed (split
into pages of at most ``page_size`` records), each kind with :class:`~dossier.registry.Pages` gets a page per
record. Templates are Jinja2, packaged with ``dossier`` and overridable from a project folder. They are strict
(``StrictUndefined``), and data only ever reaches them as values, passed through the filters of
:mod:`dossier.markup`; no text from data is compiled as a template.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import posixpath
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import jinja2.bccache
import jinja2.meta
import yaml

from dossier import chart, figures, links, markup, model
from dossier.coverage import Coverage, coverage_of
from dossier.export import adapter, jsonld
from dossier.export import neutral as exported
from dossier.i18n import Words
from dossier.registry import PAGE_SIZE, Kind, Registry, plan
from dossier.shares import shared

Pages = dict[str, str]
_T = TypeVar("_T")

OVERVIEW = "overview.md"
OVERVIEW_MARKER = "<!-- dossier:overview -->"
TITLE_LANG = "dossier_title_lang"  # front matter: the language of a page's title, when not the page's
SEARCH_WORDS = "assets/dossier/search-words.js"  # written for each site: dossier.search.words_script
ASSETS = (
    "assets/dossier/dossier.css", "assets/dossier/dossier.js", "assets/dossier/search.css", SEARCH_WORDS,
    "assets/dossier/search.js",
)  # fmt: skip
"""The site's stylesheets and scripts, in the order pages load them; all but :data:`SEARCH_WORDS` are files of the
package's ``assets/`` folder."""
# Lists of links add nothing to search that the pages they list do not have (Material's front matter switch).
NOT_SEARCHED: dict[str, Any] = {"search": {"exclude": True}}
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
PARALLEL_PAGES = 400  # pages to render before a second process pays for itself (the bundled dossier has 31)


class RenderError(Exception):
    """A template failed: names the template and line (templates are code, but a project may override them)."""


@dataclass(frozen=True, slots=True)
class Region:
    """A stretch of a source's text cited by one or more facts: highlighted and numbered on the source page."""

    number: int
    start: int
    end: int
    citers: tuple[tuple[model.Record, model.Cited], ...]

    @property
    def anchor(self) -> str:
        return f"p-{self.number}"

    @property
    def records(self) -> list[model.Record]:
        """The records citing this stretch, each once, in order."""
        unique = {(r.record_kind, r.id): r for r, _ in self.citers}
        return list(unique.values())


@dataclass(frozen=True, slots=True)
class Sheet:
    """One page of a list, with the groups of records it holds."""

    uri: str
    groups: tuple[tuple[str, tuple[Any, ...]], ...]  # (group key, records), in order

    @property
    def records(self) -> list[Any]:
        return [record for _, records in self.groups for record in records]

    @property
    def first(self) -> str:
        return self.groups[0][0] if self.groups else ""

    @property
    def last(self) -> str:
        return self.groups[-1][0] if self.groups else ""


def _pack(groups: list[tuple[str, list[Any]]], page_size: int) -> list[list[tuple[str, tuple[Any, ...]]]]:
    """Consecutive groups packed into pages of at most ``page_size`` records; a larger group gets pages of its own.

    Pages stay bounded however the dossier grows, and a group (a year, a subject) is split only when it alone
    exceeds a page.
    """
    pages: list[list[tuple[str, tuple[Any, ...]]]] = []
    current: list[tuple[str, tuple[Any, ...]]] = []
    count = 0
    for key, records in groups:
        if current and count + len(records) > page_size:
            pages.append(current)
            current, count = [], 0
        for start in range(0, len(records), page_size):
            chunk = tuple(records[start : start + page_size])
            if len(chunk) == page_size and current:
                pages.append(current)
                current, count = [], 0
            current.append((key, chunk))
            count += len(chunk)
            if count >= page_size:
                pages.append(current)
                current, count = [], 0
    if current:
        pages.append(current)
    return pages


def _sheets(groups: list[tuple[str, list[Any]]], page_size: int, folder: str, sheet: str) -> list[Sheet]:
    """The sheets of a list: all on ``<folder>/index.md`` when it fits, else one page per pack."""
    total = sum(len(records) for _, records in groups)
    if total <= page_size:
        return [Sheet(f"{folder}/index.md", tuple((k, tuple(r)) for k, r in groups))]
    sheets = []
    seen: set[str] = set()
    for number, pack in enumerate(_pack(groups, page_size), start=1):
        uri = f"{folder}/{sheet.format(n=number, key=pack[0][0])}.md"
        if uri in seen:  # one group split over several pages
            uri = uri.removesuffix(".md") + f"-{number}.md"
        seen.add(uri)
        sheets.append(Sheet(uri, tuple(pack)))
    return sheets


def _paged(sheets: list[Sheet]) -> bool:
    """Whether a list was split: then its index page lists the pages instead of the records."""
    return not sheets[0].uri.endswith("/index.md")


def site_address(uri: str, directory_urls: bool = True) -> str:
    """The address of a page (with its anchor) relative to the site's root, given by its source path, for links made
    absolute by prefixing the site's URL: ``actors/x.md`` is ``actors/x/`` (``actors/x.html`` without
    ``use_directory_urls``), ``timeline/index.md#e`` is ``timeline/#e``, the home page is empty."""
    path, _, fragment = uri.partition("#")
    return page_url(path, directory_urls).removeprefix("./") + (f"#{fragment}" if fragment else "")


class Site:
    """Where every record lives, and what the templates need that is derived from the whole dossier."""

    def __init__(
        self,
        dossier: model.Dossier,
        page_size: int,
        words: Words | None = None,
        directory_urls: bool = True,
        memo: Memo | None = None,
    ) -> None:
        self.dossier = dossier
        self.registry: Registry = dossier.registry
        self.page_size = page_size
        self.words = words or Words(dossier.lang)  # the interface language
        self.directory_urls = directory_urls  # MkDocs' use_directory_urls: 'actors/kim/' or 'actors/kim.html'
        self._derived: dict[str, Any] = {}
        self._memo = memo
        self.sheets: dict[str, list[Sheet]] = {}
        self.sheet_of: dict[tuple[str, str], str] = {}  # (kind, id) -> page, for records shown on a list
        self._regions: dict[tuple[str, str], list[Region]] = {}
        self.region_of: dict[tuple[str, str, tuple[int, int]], Region] = {}  # (kind, id, span) -> region
        self._coverage: dict[tuple[str, str], Coverage | None] = {}
        for kind in self.registry:
            if kind.listing is not None:
                self.sheets[kind.name] = self._list(kind)
        for key, cited in dossier.citations_of.items():
            self._regions[key] = self._stretches(key, cited)

    # -- where records live --------------------------------------------------------------------------------------
    def _list(self, kind: Kind) -> list[Sheet]:
        listing = kind.listing
        assert listing is not None
        records = list(self.dossier.records[kind.name])
        if listing.order is not None:
            records.sort(key=listing.order)
        groups: dict[str, list[Any]] = {}
        for record in records:
            groups.setdefault(listing.group(record), []).append(record)
        sheets = _sheets(list(groups.items()), self.page_size, listing.folder, listing.sheet)
        if kind.pages is None:
            for sheet in sheets:
                for record in sheet.records:
                    self.sheet_of[(kind.name, record.id)] = sheet.uri
        return sheets

    def uri_at(self, kind: str, record_id: str) -> str:
        """Where the record ``kind``/``id`` is shown: its own page, or its anchor on a list page."""
        declared = self.registry[kind]
        if declared.pages is not None:
            return declared.page_uri(record_id)
        return f"{self.sheet_of[(kind, record_id)]}#{record_id}"

    def uri_of(self, record: model.Record | model.Handle) -> str:
        return self.uri_at(record.record_kind, record.id)

    def url(self, target: str, page: str) -> str:
        """The link from the page ``page`` to ``target`` (site paths of pages, ``target`` maybe with an anchor) as
        the browser follows it: relative to the page's final URL, as MkDocs places pages. Markdown links are
        rewritten by MkDocs; links in raw HTML (the drawings) must be written final."""
        path, _, fragment = target.partition("#")
        here = page_url(page, self.directory_urls)
        there = page_url(path, self.directory_urls) if path else here
        return relative_url(there, here) + (f"#{fragment}" if fragment else "")

    def derived(self, name: str, compute: Callable[[], _T]) -> _T:
        """A value derived from the whole dossier, computed once per run and shared by the pages that need it."""
        if name not in self._derived:
            self._derived[name] = compute()
        value: _T = self._derived[name]
        return value

    def drawn(self, key: Hashable, make: Callable[[], str]) -> str:
        """A drawing: ``make()``, or under `mkdocs serve` the same drawing from the previous run when ``key`` (what
        it is made from) is the same."""
        memo = self._memo
        if memo is None:
            return make()
        found = memo.drawings.get(key)
        if found is None:
            found = memo.previous_drawings.get(key)
            if found is None:
                found = make()
            memo.drawings[key] = found
        return found

    def urls(self, directory_urls: bool = True) -> dict[tuple[str, str], str]:
        """The site-relative URL of every record shown on the site, by (kind, id)."""
        return {
            (kind.name, record.id): site_address(self.uri_at(kind.name, record.id), directory_urls)
            for kind in self.registry
            if kind.pages is not None or kind.listing is not None
            for record in self.dossier.records[kind.name]
        }

    def layout(self) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str, tuple[int, int]], str]]:
        """Where every listed record is, and the anchor of every cited stretch: all that links depend on besides
        the ids they point to."""
        return dict(self.sheet_of), {key: region.anchor for key, region in self.region_of.items()}

    def anchor_at(self, kind: str, record_id: str, span: tuple[int, int] | None) -> str | None:
        """The anchor of the highlighted stretch of a stored text holding ``span``."""
        region = self.region_of.get((kind, record_id, span)) if span is not None else None
        return region.anchor if region else None

    # -- stored texts ----------------------------------------------------------------------------------------------
    def regions(self, record: model.Record) -> list[Region]:
        return self._regions.get((record.record_kind, record.id), [])

    def coverage(self, record: model.Record) -> Coverage | None:
        key = (record.record_kind, record.id)
        if key not in self._coverage:
            self._coverage[key] = coverage_of(self.dossier, record)
        return self._coverage[key]

    def _stretches(self, key: tuple[str, str], cited: Iterable[tuple[model.Record, model.Cited]]) -> list[Region]:
        verified = [(r, c) for r, c in cited if c.span is not None]
        verified.sort(key=lambda rc: (rc[1].span, rc[0].record_kind, rc[0].id))
        regions: list[Region] = []
        group: list[tuple[model.Record, model.Cited]] = []
        start = end = -1
        for record, citation in verified:
            assert citation.span is not None
            s, e = citation.span
            if group and s < end:
                group.append((record, citation))
                end = max(end, e)
                continue
            if group:
                regions.append(Region(len(regions) + 1, start, end, tuple(group)))
            group, start, end = [(record, citation)], s, e
        if group:
            regions.append(Region(len(regions) + 1, start, end, tuple(group)))
        for region in regions:
            for _, citation in region.citers:
                assert citation.span is not None
                self.region_of[(key[0], key[1], citation.span)] = region
        return regions

    def text_html(self, record: model.Record) -> str:
        """The stored text as HTML paragraphs, every cited region highlighted, numbered and linkable."""
        stored = model.stored_text(record)
        if stored is None:
            return ""
        return self._highlighted(record, stored.original, 0, len(stored.original))

    def excerpts_html(self, record: model.Record) -> list[str]:
        """For a record that keeps excerpts of its text: each excerpt as :meth:`text_html` shows a full text."""
        stored = model.stored_text(record)
        if stored is None or not stored.pieces:
            return []
        return [self._highlighted(record, stored.original, start, end) for start, end in stored.pieces]

    def _highlighted(self, record: model.Record, text: str, start: int, end: int) -> str:
        """The stretch [start, end) of a stored text as HTML paragraphs, its cited regions highlighted."""
        out: list[str] = []
        position = start
        for region in self.regions(record):
            if region.start < start or region.end > end:
                continue  # in another excerpt (a region never crosses two)
            out.append(markup.html(text[position : region.start]))
            link = f'<mark class="dossier-passage"><a href="#{region.anchor}-cited">'
            inner = markup.html(text[region.start : region.end]).replace("\n", f"</a></mark>\n{link}")
            out.append(link.replace("<mark ", f'<mark id="{region.anchor}" ', 1) + inner + "</a></mark>")
            position = region.end
        out.append(markup.html(text[position:end]))
        paragraphs = "".join(out).split("\n")
        return "\n".join(f'<p dir="auto">{p}</p>' for p in paragraphs if p.strip())


class Bytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory between runs (Jinja checks each against its source)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


JINJA_OPTIONS: dict[str, Any] = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
    # `{#id}` is Markdown's attribute list, so Jinja comments are `{## ... ##}`.
    "comment_start_string": "{##",
    "comment_end_string": "##}",
}


def _environment(templates_dir: Path | None, bytecode: Bytecode | None = None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None:
        loaders.append(jinja2.FileSystemLoader(templates_dir))
    loaders.append(jinja2.PackageLoader("dossier", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is Markdown: data is escaped by the named filters instead
        bytecode_cache=bytecode,
        extensions=["jinja2.ext.i18n"],
        **JINJA_OPTIONS,
    )
    env.filters.update(md=markup.md, html=markup.html, rich=_rich, md_url=markup.md_url, plain=markup.plain)
    return env


@jinja2.pass_context
def _rich(context: jinja2.runtime.Context, text: str) -> str:
    """:func:`markup.rich`, with the links to records (``claim:an-id``) made links to where the page shows them."""
    kinds = context["dossier"].registry.by_name
    url = context["url"]
    return markup.rich(links.rewrite(text, kinds, lambda kind, record_id: url((kind, record_id))))


@dataclass(frozen=True, slots=True)
class _Made:
    """A rendered page with what it was made from."""

    template: str
    meta: Mapping[str, Any]
    context: dict[str, Any]
    calls: tuple[tuple[str, tuple[Any, ...], Any], ...]  # (method, arguments, answer) behind href, cite_href, links
    text: str


@dataclass
class Memo:
    """The pages of the previous run, for `mkdocs serve`: a page is rendered again only if something it was made
    from changed. Pass the same Memo to each run's Renderer."""

    fingerprint: str = ""  # the templates, the language and the page size the pages were rendered with
    layout: Any = None  # where every record was shown (see Site.layout)
    same_layout: bool = False  # ... and whether it is still there: then no link needs checking
    pages: dict[str, _Made] = field(default_factory=dict)
    previous: dict[str, _Made] = field(default_factory=dict)
    bytecode: Bytecode = field(default_factory=Bytecode)
    memoizable: dict[str, bool] = field(default_factory=dict)  # by template: see Renderer._memoizable
    drawings: dict[Any, str] = field(default_factory=dict)  # this run's drawings by what they are made from
    previous_drawings: dict[Any, str] = field(default_factory=dict)
    # Records in the exports' neutral form, with the record each was made from: the same record (the very object:
    # see dossier.load's `previous`) is not converted again (M: the feed took 0.4 s of each rebuild doing so).
    neutral: dict[tuple[str, str], tuple[model.Record, exported.Record]] = field(default_factory=dict)
    rendered: int = 0
    reused: int = 0

    def begin(self, fingerprint: str, layout: Any) -> None:
        if fingerprint != self.fingerprint:
            self.pages, self.memoizable, self.neutral = {}, {}, {}
        self.previous = self.pages
        self.previous_drawings, self.drawings = self.drawings, {}
        self.same_layout = bool(self.previous) and layout == self.layout
        self.pages, self.fingerprint, self.layout, self.rendered, self.reused = {}, fingerprint, layout, 0, 0


class Renderer:
    """Renders every page of a dossier; one instance per run."""

    def __init__(
        self,
        dossier: model.Dossier,
        *,
        lang: str | None = None,
        templates_dir: Path | None = None,
        page_size: int = PAGE_SIZE,
        memo: Memo | None = None,
        site_url: str | None = None,
        directory_urls: bool = True,
        workers: int = 1,
    ) -> None:
        self.dossier = dossier
        self.workers = workers  # processes that render the pages of a large dossier (see pages)
        self.site_url = (site_url if site_url.endswith("/") else site_url + "/") if site_url else None
        self.directory_urls = directory_urls  # how the engine turns pages into URLs (MkDocs' use_directory_urls)
        self.registry = dossier.registry
        self.lang = lang or dossier.lang
        self.words = Words(self.lang)
        self.site = Site(dossier, page_size, self.words, directory_urls, memo)
        self.env = _environment(templates_dir, memo.bytecode if memo else None)
        self.env.install_gettext_callables(  # type: ignore[attr-defined]
            self.words.gettext, self.words.ngettext, newstyle=True, pgettext=self.words.pgettext
        )
        words = self.words
        self.env.globals.update(
            dossier=dossier,
            site=self.site,
            lang=self.lang,
            date=words.date,
            span=words.span,
            month=words.month,
            number=words.number,
            join=words.join,
            label=self.label,
            choice=self.choice,
            title_of=self.title_of,
            count=self.count,
            counts=self.counts,
            most_linked=self.most_linked,
            most_cited=self.most_cited,
            period=self.period,
            back_label=self.back_label,
            foreign=self.foreign,
            language=words.language,
            figure=self.figure,
            chart=self.chart,
        )
        self.memo = memo
        self._frame: exported.Dossier | None = None  # the neutral dossier's site facts, for the pages' JSON-LD
        self.neutral: dict[tuple[str, str], exported.Record] = {}  # the records converted for it, by (kind, id)
        if memo is not None:
            memo.begin(self._fingerprint(page_size), self.site.layout())
            index = dossier._index
            self.neutral = {key: made for key, (core, made) in memo.neutral.items() if index.get(key) is core}

    def _fingerprint(self, page_size: int) -> str:
        loader = self.env.loader
        assert loader is not None
        sources = [(name, loader.get_source(self.env, name)[0]) for name in sorted(loader.list_templates())]
        settings = (self.lang, page_size, self.site_url, self.directory_urls)
        return hashlib.sha256(repr((settings, sources)).encode()).hexdigest()

    # -- helpers the templates call ----------------------------------------------------------------------------------
    def label(self, record: model.Record | model.Handle) -> str:
        """The name readers know a record by (an actor's name, an event's title)."""
        if isinstance(record, model.Handle):
            return record.label
        value: str = getattr(record, self.registry[record.record_kind].label)
        return value

    def title_of(self, record: model.Record) -> str:
        """A record as a link text in lists: its name or title, its speaker and words, its statement (shortened)."""
        kind = self.registry[record.record_kind]
        if kind.title is not None:
            return kind.title(record)
        return self.label(record)

    def choice(self, node: model.Node, name: str) -> str:
        """The reader's words for a field that takes one of a set of values (a status, a kind)."""
        value = getattr(node, name)
        part = next(p for p in plan(type(node).__model__) if p.name == name)
        if part.choices is None or value is None:
            return str(value)
        return self.words.gettext(part.choices.labels[value])

    def foreign(self, code: str | None) -> bool:
        """Whether a text in language ``code`` is in another language than the page's (so it carries its own)."""
        return bool(code) and str(code).split("-")[0].lower() != self.lang.split("-")[0].lower()

    def figure(self, value: model.Node) -> dict[str, str]:
        """A claim's value for readers (``text``: 'circa 15.000 soldati') and for search (``digits``: '15000')."""
        return {"text": figures.words(value, self.words), "digits": figures.digits(value)}

    def chart(self, claims: Iterable[model.Record], uid: str) -> str:
        """The chart of the figures of ``claims`` (answers to one question), one per unit when units differ, where at
        least two answers give a figure in it."""
        gettext = self.words.gettext
        words = chart.ChartWords(
            title=gettext("The answers compared"),
            axis=gettext("One axis for every answer, starting at zero."),
            exact=gettext("dot: the figure given"),
            approximate=gettext("ring: an approximate figure"),
            bar=gettext("bar: a range"),
            vague=gettext("dashed: approximate, or read from vague words"),
            open=gettext("fading bar: an open bound (more than, less than)"),
        )
        by_unit: dict[str, list[chart.Answer]] = {}
        for claim in claims:
            if claim.value is None:
                continue
            who = claim.according_to.name if claim.according_to else gettext("the source itself")
            by_unit.setdefault(claim.value.unit or "", []).append(
                chart.Answer(
                    label=who, words=figures.words(claim.value, self.words), bounds=figures.bounds(claim.value)
                )
            )
        drawn = [  # a figure alone has nothing to be compared with: the table says it
            chart.answers(rows, words, self.words.number, caption=unit, uid=f"{uid}-{n}" if n else uid)
            for n, (unit, rows) in enumerate(by_unit.items())
            if len(rows) > 1
        ]
        return "\n".join(d for d in drawn if d)

    def count(self, kind: str) -> str:
        """'16 attori': how many records of a kind the dossier holds."""
        singular, plural = self.registry[kind].plural
        return self.words.ngettext(singular, plural, len(self.dossier.records[kind]))

    def back_label(self, record: model.Record, name: str) -> str:
        """The msgid naming a back-link of ``record``'s kind (as its link declares it)."""
        return self.registry.reverse_labels[(record.record_kind, name)]

    def counts(self) -> list[str]:
        """How many records of each kind, in the registry's order: ['16 attori', '13 eventi', ...]."""
        return [self.count(kind.name) for kind in self.registry]

    def most_linked(self, kind: str, size: int) -> list[model.Record]:
        """The records of ``kind`` that most others point at (the key actors of an overview), at most ``size``."""
        back = self.dossier.back_links

        def weight(record: model.Record) -> tuple[int, str, str]:
            links = back[(record.record_kind, record.id)]
            return (-sum(len(v) for v in links.values()), self.label(record).casefold(), record.id)

        return sorted(self.dossier.records[kind], key=weight)[:size]

    def most_cited(self, kind: str, size: int) -> list[model.Record]:
        """The records of ``kind`` whose stored texts the facts cite most (the main sources), at most ``size``."""
        cited = self.dossier.citations_of

        def weight(record: model.Record) -> tuple[int, str, str]:
            return (-len(cited.get((record.record_kind, record.id), ())), self.label(record).casefold(), record.id)

        return sorted(self.dossier.records[kind], key=weight)[:size]

    def period(self, kind: str) -> tuple[int, int] | None:
        """The first and last years the records of ``kind`` are placed at in time (its ``when``), if any."""
        when = self.registry[kind].when
        if when is None:
            return None
        years = [
            date.year
            for record in self.dossier.records[kind]
            if (value := when(record)) is not None
            for date in (value.start, value.end)
            if date is not None
        ]
        return (min(years), max(years)) if years else None

    # -- pages -------------------------------------------------------------------------------------------------------
    def _page(
        self, uri: str, template: str, meta: Mapping[str, Any], shows: Sequence[Any] = (), **context: Any
    ) -> tuple[str, str]:
        """The page ``uri`` rendered by ``template``; ``shows``, the records it shows, are embedded as JSON-LD."""
        memo = self.memo
        if memo is not None:
            made = memo.previous.get(uri)
            if made is not None and self._still(made, uri, template, meta, context):
                memo.pages[uri] = _Made(template, meta, context, made.calls, made.text)
                memo.reused += 1
                return uri, made.text
        calls: list[tuple[str, tuple[Any, ...], Any]] = []  # what the page asked of the rest of the site, answered

        def ask(question: Callable[..., _T], *args: Any) -> _T:
            answer = question(uri, *args)
            calls.append((question.__name__, args, answer))
            return answer

        def href(target: Any, anchor: str | None = None) -> str:
            return ask(self._href, target if isinstance(target, str) else (target.record_kind, target.id), anchor)

        def cite_href(citation: model.Cited) -> str:
            return ask(self._cite_href, citation.source.record_kind, citation.source.id, citation.span)

        def links(record: model.Record | model.Handle) -> model.Links:
            return ask(self._links, record.record_kind, record.id)

        def url(target: Any) -> str:
            """The final URL of a record, relative to the page: for links in HTML, which no engine rewrites."""
            return ask(self._url, target if isinstance(target, tuple) else (target.record_kind, target.id))

        def answers(question: model.Record | model.Handle) -> tuple[model.Record, ...]:
            return ask(self._answers, question.record_kind, question.id)

        try:
            body = self.env.get_template(template).render(
                page_uri=uri, href=href, cite_href=cite_href, links=links, url=url, answers=answers, **context
            )
        except jinja2.TemplateError as exc:
            line = getattr(exc, "lineno", None) or _template_line(exc)
            where = f"{template}:{line}" if line else template
            raise RenderError(
                f"template {where}: {type(exc).__name__}: {exc.message or exc} (rendering {uri})"
            ) from None
        body = _BLANK_LINES.sub("\n\n", body).strip()
        if shows:  # a raw HTML block of its own, after the text: Markdown passes it through, search skips it
            body += "\n\n" + ask(self._jsonld, tuple((r.record_kind, r.id) for r in shows))
        shown = meta
        if "title" in meta:  # themes print the title as HTML (page titles from headings are escaped already)
            shown = {**meta, "title": markup.html(meta["title"])}
        front = yaml.safe_dump(dict(shown), allow_unicode=True, sort_keys=True, width=1000)
        text = f"---\n{front}---\n\n{body}\n"
        if memo is not None:
            memo.rendered += 1
            if template not in memo.memoizable:
                memo.memoizable[template] = self._memoizable(template)
            if memo.memoizable[template]:
                memo.pages[uri] = _Made(template, meta, context, tuple(calls), text)
        return uri, text

    def _href(self, uri: str, target: str | tuple[str, str], anchor: str | None) -> str:
        target_uri = target if isinstance(target, str) else self.site.uri_at(*target)
        path, _, fragment = target_uri.partition("#")
        fragment = anchor or fragment
        relative = _relative(path, posixpath.dirname(uri))
        return markup.md_url(relative + (f"#{fragment}" if fragment else ""))

    def _url(self, uri: str, target: tuple[str, str]) -> str:
        """Site.url, but a record on the page itself is linked by its anchor alone."""
        where = self.site.uri_at(*target)
        path, _, fragment = where.partition("#")
        if page_url(path, self.directory_urls) == page_url(uri, self.directory_urls):
            return f"#{fragment}" if fragment else ""
        return self.site.url(where, uri)

    def _cite_href(self, uri: str, kind: str, record_id: str, span: tuple[int, int] | None) -> str:
        return self._href(uri, (kind, record_id), self.site.anchor_at(kind, record_id, span))

    def _links(self, uri: str, kind: str, record_id: str) -> model.Links:
        return self.dossier.back_links[(kind, record_id)]

    def _answers(self, uri: str, kind: str, record_id: str) -> tuple[model.Record, ...]:
        """The claims answering a question, as its table lists them: figures from the smallest, then the rest by
        date."""
        claims = self.dossier.back_links[(kind, record_id)].get("answers", ())

        def key(claim: Any) -> tuple[Any, ...]:
            if claim.value is not None:
                return (0, figures.bounds(claim.value).sort_key, claim.id)
            return (1, claim.date.sort_key if claim.date else ("9999",), claim.id)

        return tuple(sorted(claims, key=key))

    def every_record(self) -> dict[tuple[str, str], exported.Record]:
        """Every record of the dossier in the exports' neutral form, by (kind, id): those the pages' JSON-LD
        converted already, and the others."""
        dossier, neutral = self.dossier, self.neutral
        for kind in self.registry:
            for record in dossier.records[kind.name]:
                key = (kind.name, record.id)
                if key not in neutral:
                    neutral[key] = adapter.record(record, self.registry, dossier.lang)
        if self.memo is not None:
            self.memo.neutral = {key: (dossier.get(*key), made) for key, made in neutral.items()}
        return neutral

    def _jsonld(self, uri: str, keys: tuple[tuple[str, str], ...]) -> str:
        """The ``<script type="application/ld+json">`` of page ``uri``: the records ``keys`` in schema.org terms
        (:mod:`dossier.export.jsonld`), each record's address taken from the site's layout: absolute under
        ``site_url`` when it is set, else relative to the page (a reader of the page resolves it against the
        page's own address)."""
        if self._frame is None:
            self._frame = adapter.frame(self.dossier, title="", links=self.site.urls(self.directory_urls))
        here = site_address(uri, self.directory_urls)
        base = self.site_url or "../" * here.count("/") or "./"
        records = []
        for key in keys:
            if key not in self.neutral:
                self.neutral[key] = adapter.record(self.dossier.get(*key), self.registry, self.dossier.lang)
            records.append(self.neutral[key])
        return jsonld.script(jsonld.page_document(dataclasses.replace(self._frame, base_url=base), records))

    def _still(self, made: _Made, uri: str, template: str, meta: Mapping[str, Any], context: dict[str, Any]) -> bool:
        """Whether a page rendered by the previous run would come out the same now: same template, same values
        passed in (compared deeply: records are frozen dataclasses), and the same answers from the rest of the site
        (where each linked record now lives, what now points at a record)."""
        if made.template != template or made.meta != meta or made.context != context:
            return False
        links_hold = self.memo is not None and self.memo.same_layout  # then only the back-links need asking again
        try:
            return all(
                getattr(self, question)(uri, *args) == answer
                for question, args, answer in made.calls
                if not (links_hold and question not in ("_links", "_answers"))
            )
        except KeyError:  # a linked record is gone
            return False

    def _memoizable(self, template: str) -> bool:
        """A page may be reused only if its templates see no more than what `_still` compares: not the whole
        dossier or site (project templates may use them; their pages are rendered every time)."""
        bare = _environment(None)  # no globals: find_undeclared_variables does not count names that are globals
        names: set[str] = set()
        seen: set[str] = set()
        todo = [template]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            try:
                source = self.env.loader.get_source(self.env, name)[0] if self.env.loader else ""
            except jinja2.TemplateNotFound:  # `include ... ignore missing`: decided at run time
                return False
            tree = bare.parse(source)
            names |= jinja2.meta.find_undeclared_variables(tree)
            referenced = list(jinja2.meta.find_referenced_templates(tree))
            if None in referenced:  # a template chosen at run time: what it sees is unknown
                return False
            todo.extend(n for n in referenced if n)
        return not names & {"dossier", "site", "count", "counts", "most_linked", "most_cited", "period"}

    def _titled(self, kind: Kind, todo: list[Callable[[], tuple[str, str]]]) -> Iterator[tuple[Sheet, str]]:
        """Each page of a kind's list with its title; a split list also gets its index page, listing the pages."""
        listing = kind.listing
        assert listing is not None
        sheets = self.site.sheets[kind.name]
        title = self.words.gettext(listing.title)
        if not _paged(sheets):
            yield sheets[0], title
            return

        def name(sheet: Sheet) -> str:
            if listing.name is not None:
                first, last = listing.name(sheet.records[0]), listing.name(sheet.records[-1])
            else:
                undated = self.words.gettext("Undated")
                first, last = (undated if k == "undated" else k for k in (sheet.first, sheet.last))
            return first if first == last else f"{first} – {last}"

        entries = [(sheet.uri, name(sheet), len(sheet.records)) for sheet in sheets]
        todo.append(functools.partial(self._sheet_index, kind, title, entries))
        for sheet in sheets:
            yield sheet, f"{title}: {name(sheet)}"

    def _sheet_index(self, kind: Kind, title: str, entries: list[tuple[str, str, int]]) -> tuple[str, str]:
        """The index page of a list split into pages."""
        assert kind.listing is not None
        meta = {"title": title, **NOT_SEARCHED}
        values = self._index_values(kind)
        uri = f"{kind.listing.folder}/index.md"
        return self._page(uri, "sheet_index.md.j2", meta, title=title, entries=entries, **values)

    def _index_values(self, kind: Kind) -> Mapping[str, Any]:
        """What the listing adds to its index page, from every record of the kind."""
        listing = kind.listing
        if listing is None or listing.index is None:
            return {}
        return listing.index(list(self.dossier.records[kind.name]), self.site)

    def _plan(self) -> list[Callable[[], tuple[str, str]]]:
        """Every generated page as a call that renders it, in a deterministic order."""
        todo: list[Callable[[], tuple[str, str]]] = []
        for kind in self.registry:
            if kind.listing is not None:
                for sheet, title in self._titled(kind, todo):
                    todo.append(functools.partial(self._sheet_page, kind, sheet, title))
            if kind.pages is not None:
                titled_in = next((p.name for p in plan(kind.model) if p.format == "lang" and not p.many), None)
                todo.extend(
                    functools.partial(self._record_page, kind, r, titled_in) for r in self.dossier.records[kind.name]
                )
        title = self.words.gettext("Overview")
        todo.append(
            functools.partial(self._page, OVERVIEW, "overview.md.j2", {"title": title, **NOT_SEARCHED}, standalone=True)
        )
        return todo

    def _sheet_page(self, kind: Kind, sheet: Sheet, title: str) -> tuple[str, str]:
        """A page of a kind's list."""
        listing = kind.listing
        assert listing is not None
        meta: dict[str, Any] = {"title": title, "search": {"kind": kind.name}}  # the search's filter
        if not listing.searchable:
            meta.update(NOT_SEARCHED)
        values = dict(listing.context(sheet.records, self.site)) if listing.context else {}
        if sheet.uri == f"{listing.folder}/index.md":
            values.update(self._index_values(kind))
        return self._page(sheet.uri, listing.template, meta, shows=sheet.records, title=title, sheet=sheet, **values)

    def _record_page(self, kind: Kind, record: model.Record, titled_in: str | None) -> tuple[str, str]:
        """The page of one record."""
        assert kind.pages is not None
        meta: dict[str, Any] = {"title": self.label(record), "search": {"kind": kind.name}}
        title_lang = getattr(record, titled_in) if titled_in else None
        if self.foreign(title_lang):  # the theme's header shows the title: it carries its language
            meta[TITLE_LANG] = title_lang
        values = kind.pages.context(record, self.site) if kind.pages.context else {}
        return self._page(
            kind.page_uri(record.id), kind.pages.template, meta, shows=(record,), record=record,
            **{kind.name: record}, **values,
        )  # fmt: skip

    def pages(self) -> Pages:
        """Every generated page, as ``{src_uri: Markdown}``, in a deterministic order. With ``workers`` > 1 and no
        memo (a build, not a preview), a large dossier's pages are rendered by that many processes."""
        plan = self._plan()
        workers = self.workers if self.memo is None and len(plan) >= PARALLEL_PAGES else 1
        pages = shared(plan, _made, workers)
        for uri, _ in pages:
            _check_uri(uri)
        result = dict(sorted(pages))
        if len(result) != len(pages):  # a dict would keep the last page silently
            twice = sorted({uri for uri, _ in pages if sum(u == uri for u, _ in pages) > 1})
            raise RenderError(f"two generated pages share a path: {', '.join(twice)}")
        return result

    def data_page(
        self,
        uri: str,
        downloads: Sequence[Mapping[str, Any]],
        license: Mapping[str, str] | None = None,
        *,
        preview: bool = False,
    ) -> str:
        """The page listing the exported files (``data.md.j2``) at ``uri``; see :func:`dossier.publish.downloads`.
        ``preview``: the files are not made (``mkdocs serve``), the page says so."""
        title = self.words.gettext("Data")
        context: dict[str, Any] = {"downloads": list(downloads), "license": license, "preview": preview}
        return self._page(uri, "data.md.j2", {"title": title, **NOT_SEARCHED}, title=title, **context)[1]

    def overview(self, page_uri: str = "index.md") -> str:
        """The overview's Markdown without front matter, for inclusion in the hand-written page ``page_uri``."""
        body = self._page(page_uri, "overview.md.j2", {}, standalone=False)[1]
        return body.split("---\n", 2)[2].strip() + "\n"


def _made(plan: Sequence[Callable[[], tuple[str, str]]]) -> list[tuple[str, str]]:
    """The pages of ``plan`` (a share of it, in a process of :func:`dossier.shares.shared`). Rendering logs nothing."""
    return [make() for make in plan]


def _template_line(exc: BaseException) -> int | None:
    """The template line an error was raised at (Jinja rewrites tracebacks to point into templates)."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


@functools.lru_cache(maxsize=65536)
def _relative(path: str, start: str) -> str:
    """``path`` relative to the folder ``start`` (both '/'-separated site paths); no file-system call."""
    if not start:
        return path
    target, here = path.split("/"), start.split("/")
    common = 0
    while common < min(len(target) - 1, len(here)) and target[common] == here[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + target[common:])


@functools.lru_cache(maxsize=65536)
def page_url(uri: str, directory_urls: bool) -> str:
    """The URL MkDocs gives the page ``uri`` (a site path), relative to the site's root: ``actors/kim.md`` is
    ``actors/kim/`` (``actors/kim.html`` without directory URLs), ``actors/index.md`` is ``actors/``, the home
    page ``./``."""
    stem = posixpath.splitext(uri)[0]
    head, name = posixpath.split(stem)
    if name in ("index", "README"):
        dest = posixpath.join(head, "index.html")
    else:
        dest = f"{stem}/index.html" if directory_urls else f"{stem}.html"
    if directory_urls and dest.endswith("index.html"):
        return (posixpath.dirname(dest) or ".") + "/"
    return dest


@functools.lru_cache(maxsize=65536)
def relative_url(target: str, base: str) -> str:
    """The URL ``target`` as a link from the page at URL ``base`` (both relative to the site's root)."""
    folder = base if base.endswith("/") else posixpath.dirname(base) + "/"
    here = [part for part in folder.split("/") if part and part != "."]
    there = target.split("/")
    if there[0] == ".":
        there = there[1:]
    common = 0
    while common < min(len(there) - 1, len(here)) and there[common] == here[common]:
        common += 1
    relative = "../" * (len(here) - common) + "/".join(there[common:])
    return relative or "./"


def _check_uri(uri: str) -> None:
    """Every generated path stays inside the output folder (ids are checked already; this is the last guard)."""
    normal = posixpath.normpath(uri)
    if normal != uri or normal.startswith(("/", "..")) or "\\" in uri:
        raise ValueError(f"unsafe generated path: {uri!r}")


def render(
    dossier: model.Dossier,
    *,
    lang: str | None = None,
    templates_dir: Path | None = None,
    page_size: int = PAGE_SIZE,
    directory_urls: bool = True,
    workers: int = 1,
) -> Pages:
    """Every generated page, as ``{src_uri: Markdown}``, in a deterministic order (see :meth:`Renderer.pages`)."""
    renderer = Renderer(
        dossier, lang=lang, templates_dir=templates_dir, page_size=page_size, directory_urls=directory_urls,
        workers=workers,
    )  # fmt: skip
    return renderer.pages()


__all__ = [
    "ASSETS", "OVERVIEW_MARKER", "PAGE_SIZE", "SEARCH_WORDS", "Coverage", "Memo", "Pages", "RenderError", "Renderer",
    "render",
]  # fmt: skip
