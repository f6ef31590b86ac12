"""Render a :class:`~dossier.model.Dossier` into Markdown pages: ``{src_uri: text}``. Pure: writes no files.

Templates are Jinja2, packaged with ``dossier`` and overridable from a project folder. They are strict
(``StrictUndefined``), and data only ever reaches them as values, passed through the filters of
:mod:`dossier.markup`; no text from data is compiled as a template.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import jinja2.bccache
import jinja2.meta
import yaml

from dossier import i18n, markup, model
from dossier.coverage import Coverage, coverage
from dossier.edtf import Date, Edtf, format_date, format_edtf

Pages = dict[str, str]
_T = TypeVar("_T")

TIMELINE = "timeline/index.md"
ACTORS = "actors/index.md"
QUOTES = "quotes/index.md"
CLAIMS = "claims/index.md"
SOURCES = "sources/index.md"
OVERVIEW = "overview.md"
OVERVIEW_MARKER = "<!-- dossier:overview -->"
PAGE_SIZE = 200  # records on one list page, by default
ASSETS = (
    "assets/dossier/dossier.css", "assets/dossier/dossier.js", "assets/dossier/search.css", "assets/dossier/search.js",
)  # fmt: skip
# Lists of links add nothing to search that the pages they list do not have (Material's front matter switch).
NOT_SEARCHED: dict[str, Any] = {"search": {"exclude": True}}
# What the records of a page are, for the site search's filter by kind (front matter `search: {kind: ...}`).
SEARCH_KINDS = {
    "timeline.md.j2": "event", "actor.md.j2": "actor", "quotes.md.j2": "quote", "claims.md.j2": "claim",
    "source.md.j2": "source",
}  # fmt: skip
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
ACTOR_KIND_ORDER = ("person", "organization", "country", "group")


class RenderError(Exception):
    """A template failed: names the template and line (templates are code, but a project may override them)."""


@dataclass(frozen=True, slots=True)
class Region:
    """A stretch of a source's text cited by one or more facts: highlighted and numbered on the source page."""

    number: int
    start: int
    end: int
    citers: tuple[tuple[model.Record, model.Citation], ...]

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
    """One page of a long list (timeline, quotes, claims, actors, sources), with the groups it holds."""

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


def _sheets(groups: list[tuple[str, list[Any]]], page_size: int, index: str, name: Any) -> list[Sheet]:
    """The sheets of a list: all on ``index`` when it fits, else one page per pack (``name(n, first key)``)."""
    total = sum(len(records) for _, records in groups)
    if total <= page_size:
        return [Sheet(index, tuple((k, tuple(r)) for k, r in groups))]
    sheets = []
    seen: set[str] = set()
    for number, pack in enumerate(_pack(groups, page_size), start=1):
        uri = name(number, pack[0][0])
        if uri in seen:  # one group split over several pages
            uri = uri.removesuffix(".md") + f"-{number}.md"
        seen.add(uri)
        sheets.append(Sheet(uri, tuple(pack)))
    return sheets


def _paged(sheets: list[Sheet]) -> bool:
    """Whether a list was split: then its index page lists the pages instead of the records."""
    return not sheets[0].uri.endswith("/index.md")


@dataclass
class Site:
    """Where every record lives, and what the templates need that is derived from the whole dossier."""

    dossier: model.Dossier
    lang: str
    page_size: int
    regions: dict[str, list[Region]] = field(default_factory=dict)
    region_of: dict[tuple[str, tuple[int, int]], Region] = field(default_factory=dict)  # (source, span) -> region

    quotes_by_event: dict[str, list[model.Quote]] = field(default_factory=dict)
    sheet_of: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) -> page, for paged lists
    timeline: list[Sheet] = field(default_factory=list)
    quotes: list[Sheet] = field(default_factory=list)
    claims: list[Sheet] = field(default_factory=list)
    actor_index: list[Sheet] = field(default_factory=list)
    source_index: list[Sheet] = field(default_factory=list)

    def __post_init__(self) -> None:
        for source in self.dossier.sources:
            self.regions[source.id] = self._regions(source)
        self.quotes_by_event = _group((q for q in self.dossier.quotes if q.event), lambda q: q.event.id)
        self.paginate()

    def quotes_at(self, event: model.Event) -> list[model.Quote]:
        return self.quotes_by_event.get(event.id, [])

    # -- where records live --------------------------------------------------------------------------------------
    def paginate(self) -> None:
        d, size = self.dossier, self.page_size
        by_year = _ordered_groups(d.events, lambda e: _year(e.date))
        self.timeline = _sheets(by_year, size, TIMELINE, lambda n, key: f"timeline/{key}.md")
        by_year = _ordered_groups(d.quotes, lambda q: _year(q.date))
        self.quotes = _sheets(by_year, size, QUOTES, lambda n, key: f"quotes/{key}.md")
        claims = sorted(d.claims, key=lambda c: (c.subject.name.casefold(), c.subject.id))
        by_subject = _ordered_groups(claims, lambda c: c.subject.id)
        self.claims = _sheets(by_subject, size, CLAIMS, lambda n, key: f"claims/{n}.md")
        actors = sorted(d.actors, key=lambda a: (ACTOR_KIND_ORDER.index(a.kind), a.name.casefold(), a.id))
        by_kind = _ordered_groups(actors, lambda a: a.kind)
        self.actor_index = _sheets(by_kind, size, ACTORS, lambda n, key: f"actors/_{n}.md")
        sources = sorted(d.sources, key=lambda s: (s.title.casefold(), s.id))
        self.source_index = _sheets([("", sources)], size, SOURCES, lambda n, key: f"sources/_{n}.md")
        for sheets in (self.timeline, self.quotes, self.claims):
            for sheet in sheets:
                for record in sheet.records:
                    self.sheet_of[(record.record_kind, record.id)] = sheet.uri

    def uri_of(self, record: model.Record) -> str:
        return self.uri_at(record.record_kind, record.id)

    def uri_at(self, kind: str, id: str) -> str:
        """Where the record ``kind``/``id`` is shown: its own page, or its anchor on a list page."""
        if kind == "actor":
            return f"actors/{id}.md"
        if kind == "source":
            return f"sources/{id}.md"
        return f"{self.sheet_of[(kind, id)]}#{id}"

    def layout(self) -> tuple[dict[tuple[str, str], str], dict[tuple[str, tuple[int, int]], str]]:
        """Where every event, quote and claim is listed, and the anchor of every cited stretch: all that links
        depend on besides the ids they point to."""
        return dict(self.sheet_of), {key: region.anchor for key, region in self.region_of.items()}

    def anchor_at(self, source_id: str, span: tuple[int, int] | None) -> str | None:
        """The anchor of the highlighted stretch of a source holding ``span``."""
        region = self.region_of.get((source_id, span)) if span is not None else None
        return region.anchor if region else None

    # -- source regions --------------------------------------------------------------------------------------------
    def _regions(self, source: model.Source) -> list[Region]:
        cited = [(r, c) for r, c in self.dossier.citations_of.get(source.id, ()) if c.span is not None]
        cited.sort(key=lambda rc: (rc[1].span, rc[0].record_kind, rc[0].id))
        regions: list[Region] = []
        group: list[tuple[model.Record, model.Citation]] = []
        start = end = -1
        for record, citation in cited:
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
                self.region_of[(source.id, citation.span)] = region
        return regions


class Bytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory between runs (Jinja checks each against its source)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


def _environment(templates_dir: Path | None, bytecode: Bytecode | None = None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None:
        loaders.append(jinja2.FileSystemLoader(templates_dir))
    loaders.append(jinja2.PackageLoader("dossier", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is Markdown: data is escaped by the named filters instead
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # `{#id}` is Markdown's attribute list, so Jinja comments are `{## ... ##}`.
        comment_start_string="{##",
        comment_end_string="##}",
        bytecode_cache=bytecode,
    )
    env.filters.update(md=markup.md, html=markup.html, rich=markup.rich, md_url=markup.md_url)
    return env


@dataclass(frozen=True, slots=True)
class _Made:
    """A rendered page with what it was made from."""

    template: str
    meta: Mapping[str, Any]
    context: dict[str, Any]
    calls: tuple[tuple[str, tuple[Any, ...], Any], ...]  # (method, arguments, answer) behind href, cite_href, quotes_at
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
    rendered: int = 0
    reused: int = 0

    def begin(self, fingerprint: str, layout: Any) -> None:
        if fingerprint != self.fingerprint:
            self.pages, self.memoizable = {}, {}
        self.previous = self.pages
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
    ) -> None:
        self.dossier = dossier
        self.lang = lang or dossier.lang
        self.t = i18n.strings(self.lang)
        page_size = max(1, page_size)
        self.site = Site(dossier, self.lang, page_size)
        self.env = _environment(templates_dir, memo.bytecode if memo else None)
        self.env.globals.update(
            t=self.t,
            dossier=dossier,
            site=self.site,
            date=self.date,
            date_range=self.date_range,
            month_title=self.month_title,
            record_label=self.record_label,
            count=lambda kind: i18n.plural(self.t, f"n.{kind}", len(getattr(dossier, kind))),
            kind_order=ACTOR_KIND_ORDER,
        )
        self.coverage = {s.id: coverage(dossier, s) for s in dossier.sources}
        self.memo = memo
        if memo is not None:
            memo.begin(self._fingerprint(page_size), self.site.layout())

    def _fingerprint(self, page_size: int) -> str:
        loader = self.env.loader
        assert loader is not None
        sources = [(name, loader.get_source(self.env, name)[0]) for name in sorted(loader.list_templates())]
        return hashlib.sha256(repr((self.lang, page_size, sources)).encode()).hexdigest()

    def date(self, value: Edtf | None) -> str:
        return format_edtf(value, self.lang) if value else ""

    def date_range(self, start: Edtf | None, end: Edtf | None) -> str:
        if start and end:
            return f"{self.date(start)} – {self.date(end)}"
        if start:
            return f"{self.t['from']} {self.date(start)}"
        return f"{self.t['to']} {self.date(end)}"

    def month_title(self, year: int, month: int) -> str:
        return format_date(Date(year=year, month=month), self.lang)

    def record_label(self, record: model.Record) -> str:
        match record:
            case model.Actor():
                return record.name
            case model.Event():
                return record.title
            case model.Quote():
                return f"{record.speaker.name}: «{record.text[:60]}{'…' if len(record.text) > 60 else ''}»"
            case model.Claim():
                return record.statement[:80] + ("…" if len(record.statement) > 80 else "")
        return record.title

    def _page(self, uri: str, template: str, meta: Mapping[str, Any], **context: Any) -> tuple[str, str]:
        if template in SEARCH_KINDS:
            meta = {**meta, "search": {"kind": SEARCH_KINDS[template]}}
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

        def href(target: model.Record | str, anchor: str | None = None) -> str:
            return ask(self._href, target if isinstance(target, str) else (target.record_kind, target.id), anchor)

        def cite_href(citation: model.Citation) -> str:
            return ask(self._cite_href, citation.source.id, citation.span)

        def quotes_at(event: model.Event) -> list[model.Quote]:
            return ask(self._quotes_at, event.id)

        try:
            body = self.env.get_template(template).render(
                page_uri=uri, href=href, cite_href=cite_href, quotes_at=quotes_at, **context
            )
        except jinja2.TemplateError as exc:
            line = getattr(exc, "lineno", None) or _template_line(exc)
            where = f"{template}:{line}" if line else template
            raise RenderError(
                f"template {where}: {type(exc).__name__}: {exc.message or exc} (rendering {uri})"
            ) from None
        body = _BLANK_LINES.sub("\n\n", body).strip()
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

    def _cite_href(self, uri: str, source_id: str, span: tuple[int, int] | None) -> str:
        return self._href(uri, ("source", source_id), self.site.anchor_at(source_id, span))

    def _quotes_at(self, uri: str, event_id: str) -> list[model.Quote]:
        return self.site.quotes_by_event.get(event_id, [])

    def _still(self, made: _Made, uri: str, template: str, meta: Mapping[str, Any], context: dict[str, Any]) -> bool:
        """Whether a page rendered by the previous run would come out the same now: same template, same values
        passed in (compared deeply: records are frozen dataclasses), and the same answers from the rest of the site
        (where each linked record now lives, which quotes an event now has)."""
        if made.template != template or made.meta != meta or made.context != context:
            return False
        links_hold = self.memo is not None and self.memo.same_layout  # then only the quotes need asking again
        try:
            return all(
                getattr(self, question)(uri, *args) == answer
                for question, args, answer in made.calls
                if not (links_hold and question != "_quotes_at")
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
        return not names & {"dossier", "site", "count"}

    def _sheet_index(self, uri: str, title: str, sheets: list[Sheet], label: Any) -> tuple[str, str]:
        entries = [(sheet.uri, label(sheet), len(sheet.records)) for sheet in sheets]
        return self._page(uri, "sheet_index.md.j2", {"title": title, **NOT_SEARCHED}, title=title, entries=entries)

    def pages(self) -> Pages:
        d, t, site = self.dossier, self.t, self.site
        pages: list[tuple[str, str]] = []

        def span(sheet: Sheet) -> str:
            first = t["undated"] if sheet.first == "undated" else sheet.first
            last = t["undated"] if sheet.last == "undated" else sheet.last
            return first if first == last else f"{first}–{last}"

        def names(sheet: Sheet) -> str:
            first, last = _list_label(sheet.records[0]), _list_label(sheet.records[-1])
            return first if first == last else f"{first} – {last}"

        def titled(index: str, name: str, sheets: list[Sheet], label: Any) -> Iterator[tuple[Sheet, str]]:
            """Each page of a list with its title; a split list also gets its index page."""
            if not _paged(sheets):
                yield sheets[0], t[name]
                return
            pages.append(self._sheet_index(index, t[name], sheets, label))
            for sheet in sheets:
                yield sheet, f"{t[name]}: {label(sheet)}"

        for sheet, title in titled(TIMELINE, "timeline", site.timeline, span):
            events = sheet.records
            tags = sorted({tag for e in events for tag in e.tags})
            on_page = {a.id: a for e in events for a in e.participants}
            actors = sorted(on_page.values(), key=lambda a: (a.name.casefold(), a.id))
            pages.append(
                self._page(
                    sheet.uri, "timeline.md.j2", {"title": title, "tags": tags},
                    title=title, calendar=_calendar(events), filter_actors=actors, filter_tags=tags,
                )
            )  # fmt: skip
        for sheet, title in titled(ACTORS, "actors", site.actor_index, names):
            pages.append(
                self._page(
                    sheet.uri, "actors_index.md.j2", {"title": title, **NOT_SEARCHED}, title=title, groups=sheet.groups
                )
            )
        for actor in d.actors:
            meta = {"title": actor.name, "tags": list(actor.tags)}
            pages.append(self._page(f"actors/{actor.id}.md", "actor.md.j2", meta, actor=actor, links=d.links(actor)))
        for sheet, title in titled(QUOTES, "quotes", site.quotes, span):
            quotes = sheet.records
            speakers = _group(quotes, lambda q: q.speaker.id)
            by_speaker = sorted(speakers.values(), key=_speaker_key)
            pages.append(
                self._page(
                    sheet.uri, "quotes.md.j2", {"title": title}, title=title, quotes=quotes, by_speaker=by_speaker
                )
            )
        for sheet, title in titled(CLAIMS, "claims", site.claims, names):
            subjects = self._claims_by_subject(sheet.records)
            pages.append(self._page(sheet.uri, "claims.md.j2", {"title": title}, title=title, subjects=subjects))
        for sheet, title in titled(SOURCES, "sources", site.source_index, names):
            pages.append(
                self._page(
                    sheet.uri, "sources_index.md.j2", {"title": title, **NOT_SEARCHED},
                    title=title, sources=sheet.records, coverage=self.coverage,
                )
            )  # fmt: skip
        for source in d.sources:
            pages.append(
                self._page(
                    f"sources/{source.id}.md",
                    "source.md.j2",
                    {"title": source.title, "tags": list(source.tags)},
                    source=source,
                    text_html=self._source_html(source),
                    regions=self.site.regions[source.id],
                    coverage=self.coverage[source.id],
                )
            )
        pages.append(
            self._page(
                OVERVIEW,
                "overview.md.j2",
                {"title": t["overview"], **NOT_SEARCHED},
                key_actors=self._key_actors(),
                standalone=True,
            )
        )
        for uri, _ in pages:
            _check_uri(uri)
        result = dict(sorted(pages))
        if len(result) != len(pages):  # a dict would keep the last page silently
            twice = sorted({uri for uri, _ in pages if sum(u == uri for u, _ in pages) > 1})
            raise RenderError(f"two generated pages share a path: {', '.join(twice)}")
        return result

    def overview(self, page_uri: str = "index.md") -> str:
        """The overview's Markdown without front matter, for inclusion in the hand-written page ``page_uri``."""
        body = self._page(page_uri, "overview.md.j2", {}, key_actors=self._key_actors(), standalone=False)[1]
        return body.split("---\n", 2)[2].strip() + "\n"

    def _key_actors(self) -> list[model.Actor]:
        d = self.dossier

        def weight(actor: model.Actor) -> tuple[int, str]:
            links = d.links(actor)
            count = len(links.events) + len(links.quotes_by) + len(links.claims_about) + len(links.claims_by)
            return (-count, actor.name.casefold())

        return sorted(d.actors, key=weight)[:8]

    def _claims_by_subject(self, claims: list[model.Claim]) -> list[tuple[model.Actor, list[list[model.Claim]]]]:
        """Claims grouped by subject, and within a subject by topic (a topic's claims are compared side by side)."""
        by_subject = _group(claims, lambda c: c.subject.id)
        result = []
        for claims in sorted(by_subject.values(), key=lambda cs: cs[0].subject.name.casefold()):
            topics = _group(claims, lambda c: c.topic or f"\0{c.id}")
            groups = sorted(topics.values(), key=lambda cs: (cs[0].topic or "\uffff", cs[0].id))
            result.append((claims[0].subject, groups))
        return result

    def _source_html(self, source: model.Source) -> str:
        """The stored text as HTML paragraphs, every cited region highlighted, numbered and linkable."""
        if source.text is None:
            return ""
        text = source.text.original
        regions = self.site.regions[source.id]
        out: list[str] = []
        position = 0
        for region in regions:
            out.append(markup.html(text[position : region.start]))
            link = f'<mark class="dossier-passage"><a href="#{region.anchor}-cited">'
            inner = markup.html(text[region.start : region.end]).replace("\n", f"</a></mark>\n{link}")
            out.append(link.replace("<mark ", f'<mark id="{region.anchor}" ', 1) + inner + "</a></mark>")
            position = region.end
        out.append(markup.html(text[position:]))
        paragraphs = "".join(out).split("\n")
        return "\n".join(f'<p dir="auto">{p}</p>' for p in paragraphs if p.strip())


def _template_line(exc: BaseException) -> int | None:
    """The template line an error was raised at (Jinja rewrites tracebacks to point into templates)."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _list_label(record: model.Record) -> str:
    """What a record is listed by on a list page: a claim by its subject, the rest by name or title."""
    if isinstance(record, model.Claim):
        return record.subject.name
    if isinstance(record, model.Actor):
        return record.name
    if isinstance(record, model.Source | model.Event):
        return record.title
    return record.id


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


def _year(date: Edtf | None) -> str:
    return f"{date.year:04d}" if date and date.year else "undated"


def _ordered_groups(records: Iterable[Any], key: Any) -> list[tuple[str, list[Any]]]:
    """Records (already in order) grouped by ``key``, groups in order of first appearance."""
    return list(_group(records, key).items())


def _group(records: Iterable[Any], key: Any) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = defaultdict(list)
    for record in records:
        groups[key(record)].append(record)
    return dict(groups)


def _calendar(events: list[model.Event]) -> list[tuple[int, list[tuple[int, list[model.Event]]]]]:
    """Events (already in date order) grouped by year, then by month (0: known only to the year)."""
    years: dict[int, dict[int, list[model.Event]]] = defaultdict(lambda: defaultdict(list))
    for event in events:
        first = event.date.start or event.date.end
        assert first is not None
        years[first.year][first.month or 0].append(event)
    return [(year, sorted(months.items())) for year, months in sorted(years.items())]


def _speaker_key(quotes: list[model.Quote]) -> tuple[str, str]:
    return (quotes[0].speaker.name.casefold(), quotes[0].speaker.id)


def _check_uri(uri: str) -> None:
    """Every generated path stays inside the output folder (ids are checked already; this is the last guard)."""
    normal = posixpath.normpath(uri)
    if normal != uri or normal.startswith(("/", "..")) or "\\" in uri:
        raise ValueError(f"unsafe generated path: {uri!r}")


def render(
    dossier: model.Dossier, *, lang: str | None = None, templates_dir: Path | None = None, page_size: int = PAGE_SIZE
) -> Pages:
    """Every generated page, as ``{src_uri: Markdown}``, in a deterministic order."""
    return Renderer(dossier, lang=lang, templates_dir=templates_dir, page_size=page_size).pages()


__all__ = [
    "ASSETS", "OVERVIEW_MARKER", "PAGE_SIZE", "Coverage", "Memo", "Pages", "RenderError", "Renderer", "render",
]  # fmt: skip
