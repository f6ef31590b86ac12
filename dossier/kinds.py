"""The record kinds of a dossier, each declared once: its fields (what editors write), links, order and pages.

To add a kind, declare its model and its :class:`~dossier.registry.Kind` here (or in a registry of a project's
own), write its templates and its interface strings; the pipeline reads the rest from the declaration.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from dossier.registry import Kind, Listing, Pages, Registry
from dossier.schema import (
    CITES,
    N_,
    NN_,
    Affix,
    Choices,
    EdtfText,
    Excerpted,
    Excerpts,
    Flag,
    Id,
    Lang,
    Line,
    Markdown,
    Notes,
    Number,
    Strict,
    TextFile,
    Url,
    Words,
    choice,
    ends_after_start,
    link,
)  # fmt: skip

ACTOR_KINDS = Choices(
    {"person": N_("person"), "organization": N_("organisation"), "country": N_("country"), "group": N_("group")}
)
ACTOR_GROUPS = {"person": N_("People"), "organization": N_("Organisations"), "country": N_("Countries"),
                "group": N_("Groups")}  # fmt: skip
QUOTE_FORMS = Choices({"direct": N_("direct quote"), "partial": N_("partial quote"), "paraphrase": N_("paraphrase")})
CLAIM_STATUSES = Choices(
    {"reported": N_("reported"), "confirmed": N_("confirmed"), "disputed": N_("disputed"), "denied": N_("denied"),
     "retracted": N_("retracted")}
)  # fmt: skip
CONFIDENCES = Choices({"high": N_("high confidence"), "medium": N_("medium confidence"), "low": N_("low confidence")})
SOURCE_KINDS = Choices(
    {"article": N_("article"), "social-post": N_("social media post"), "official-statement": N_("official statement"),
     "report": N_("report"), "broadcast": N_("broadcast"), "book": N_("book"), "interview": N_("interview"),
     "dataset": N_("dataset"), "other": N_("other")}
)  # fmt: skip


# The links between kinds: the kinds a field names, and the back-link (with its readers' label) on the records named.
MENTIONED_IN = link("actor", reverse="mentioned_in", label=N_("Mentioned in"))
PARTICIPANT = link("actor", reverse="events", label=N_("Events"))
SPEAKER = link("actor", reverse="quotes_by", label=N_("Quotes"))
ADDRESSEE = link("actor", reverse="quotes_to", label=N_("Quotes addressed to this actor"))
QUOTED_AT = link("event", reverse="quotes", label=N_("Quotes"))
SUBJECT = link("actor", "event", reverse="claims_about", label=N_("Claims about it"))
ANSWERS = link("question", reverse="answers", label=N_("Answers"))
QUESTION_ABOUT = link("actor", "event", reverse="questions", label=N_("Questions"))
CLAIMED_AT = link("event", reverse="claims", label=N_("Claims"))
ASSERTED_BY = link("actor", reverse="claims_by", label=N_("Claims made by this actor"))
# `tags:` name topics (records of the tag kind); a topic's page lists what is tagged with it, kind by kind.
TAGGED_ACTOR = link("tag", reverse="actors", label=N_("Actors"))
TAGGED_EVENT = link("tag", reverse="events", label=N_("Events"))
TAGGED_QUOTE = link("tag", reverse="quotes", label=N_("Quotes"))
TAGGED_CLAIM = link("tag", reverse="claims", label=N_("Claims"))
TAGGED_SOURCE = link("tag", reverse="sources", label=N_("Sources"))


class Citation(Strict):
    """A source and the exact words in it that support the fact (W3C TextQuoteSelector)."""

    source: Annotated[Id, link("source")] = Field(description="Id of a record in data/sources/")
    passage: Words = Field(description="The exact words of the source that support the fact")
    prefix: Affix | None = Field(None, description="Words just before the passage, to tell repeats apart")
    suffix: Affix | None = Field(None, description="Words just after the passage, to tell repeats apart")
    locator: Line | None = Field(None, description="Where in the source: a page, a paragraph, a timestamp")
    notes: Notes = ()


Citations = Annotated[tuple[Citation, ...], CITES]
Cited = Annotated[tuple[Citation, ...], CITES, Field(min_length=1, description="Every fact cites at least one source")]


class Role(Strict):
    title: Line
    of: Annotated[Id, MENTIONED_IN] | None = Field(
        None, description="Id of the actor (organisation, country) the role is held in"
    )
    start: EdtfText | None = None
    end: EdtfText | None = None
    sources: Citations = ()
    notes: Notes = ()

    _end = field_validator("end")(ends_after_start)


class Relation(Strict):
    actor: Annotated[Id, MENTIONED_IN] = Field(description="Id of the related actor")
    label: Line = Field(description="The relation in words, in the dossier's language: 'alleato di'")
    start: EdtfText | None = None
    end: EdtfText | None = None
    sources: Citations = ()
    notes: Notes = ()

    _end = field_validator("end")(ends_after_start)


class Actor(Strict):
    """A person, organisation, country or group."""

    name: Line
    kind: choice(ACTOR_KINDS)  # type: ignore[valid-type]
    summary: Markdown | None = None
    aliases: tuple[Line, ...] = ()
    roles: tuple[Role, ...] = ()
    relations: tuple[Relation, ...] = ()
    tags: tuple[Annotated[Id, TAGGED_ACTOR], ...] = ()
    sources: Citations = ()
    notes: Notes = ()


class Event(Strict):
    """Something that happened, at a date of known precision."""

    title: Line
    date: EdtfText = Field(description="EDTF: 2025, 2025-09, 2025-09-03, 2025-06~, 2024-08/2025-04, ../2025")
    date_text: Line | None = Field(None, description="The source's own words for the date: 'lo scorso giugno'")
    place: Line | None = None
    participants: tuple[Annotated[Id, PARTICIPANT], ...] = ()
    summary: Markdown | None = None
    tags: tuple[Annotated[Id, TAGGED_EVENT], ...] = ()
    sources: Cited
    notes: Notes = ()


class Original(Strict):
    """The words as originally spoken, beside the published translation."""

    lang: Lang
    text: Words
    notes: Notes = ()


class Quote(Strict):
    """Words someone said or wrote, as published."""

    speaker: Annotated[Id, SPEAKER]
    text: Words
    form: choice(QUOTE_FORMS)  # type: ignore[valid-type]
    lang: Lang | None = Field(None, description="Language of text; the dossier's language when omitted")
    addressed_to: tuple[Annotated[Id, ADDRESSEE], ...] = ()
    event: Annotated[Id, QUOTED_AT] | None = None
    date: EdtfText | None = Field(None, description="When it was said, if not at its event")
    date_text: Line | None = None
    original: Original | None = None
    tags: tuple[Annotated[Id, TAGGED_QUOTE], ...] = ()
    sources: Cited
    notes: Notes = ()


class Value(Strict):
    """A figure a claim puts forward, always as the source gives it: exact or approximate (``amount``), a range
    (``min`` and ``max``), an open bound (``min`` alone: more than; ``max`` alone: less than), or the source's words
    for a quantity it gives no figure for (``vague``: 'migliaia'), with the range the dossier reads them as, so
    that every answer sorts and is charted on one axis."""

    amount: Number | None = Field(None, description="The figure: 15000, 2.5")
    min: Number | None = Field(None, description="The least the figure can be: a range's start, or 'more than'")
    max: Number | None = Field(None, description="The most the figure can be: a range's end, or 'less than'")
    approximate: Flag = "false"
    vague: Line | None = Field(
        None, description="The source's words for a quantity it gives no figure for ('migliaia'); min/max read them"
    )
    unit: Line | None = Field(None, description="What is counted, in the dossier's language: 'soldati'")

    @model_validator(mode="after")
    def _one_form(self) -> Value:
        if self.amount is not None and (self.min is not None or self.max is not None):
            raise PydanticCustomError(
                "figure", "give either amount (one figure) or min/max (a range or a bound), not both"
            )
        if self.amount is None and self.min is None and self.max is None:
            hint = " (how the dossier reads the words)" if self.vague else ""
            raise PydanticCustomError(
                "figure", "give amount (one figure), or min and/or max (a range, an open bound){hint}", {"hint": hint}
            )
        if self.vague is not None and self.amount is not None:
            raise PydanticCustomError("figure", "vague words are read as a range: give min and/or max, not amount")
        if self.min is not None and self.max is not None and float(self.min) > float(self.max):
            raise PydanticCustomError(
                "figure", "min ({min}) is larger than max ({max})", {"min": self.min, "max": self.max}
            )
        return self


class Claim(Strict):
    """A statement someone asserts, with its status and the editors' confidence."""

    statement: Markdown
    subject: Annotated[Id, SUBJECT] = Field(description="Id of the actor or event the claim is about")
    question: Annotated[Id, ANSWERS] | None = Field(
        None, description="Id of the question it answers (data/questions/): its answers are compared in one table"
    )
    event: Annotated[Id, CLAIMED_AT] | None = None
    according_to: Annotated[Id, ASSERTED_BY] | None = Field(
        None, description="Id of the actor who asserts it; omitted: the source itself"
    )
    value: Value | None = None
    status: choice(CLAIM_STATUSES)  # type: ignore[valid-type]
    confidence: choice(CONFIDENCES)  # type: ignore[valid-type]
    date: EdtfText | None = None
    date_text: Line | None = None
    tags: tuple[Annotated[Id, TAGGED_CLAIM], ...] = ()
    sources: Cited
    notes: Notes = ()


class Question(Strict):
    """A question that claims answer, declared once: the claims naming it are compared in one table."""

    text: Line = Field(description="The question, in the dossier's language: 'Quanti soldati ha inviato ...?'")
    subject: Annotated[Id, QUESTION_ABOUT] | None = Field(None, description="Id of the actor or event it is about")
    notes: Notes = ()


class Excerpt(Strict):
    """A stretch of a source whose full text cannot be stored (copyright, a paywall): what it was read from."""

    text: Excerpted = Field(description="The words of the source, verbatim")
    locator: Line = Field(description="Where in the source: a page, a paragraph, a timestamp")
    notes: Notes = ()


class Source(Strict):
    """Where facts come from. Record only what is known: no invented URL, author or day."""

    title: Line
    kind: choice(SOURCE_KINDS)  # type: ignore[valid-type]
    lang: Lang
    published: EdtfText | None = None
    author: Line | None = None
    publisher: Line | None = None
    url: Url | None = None
    archive_url: Url | None = None
    accessed: EdtfText | None = None
    text_file: TextFile | None = Field(None, description="The full text, a .txt file beside this one")
    excerpts: Annotated[tuple[Excerpt, ...], Excerpts()] = Field(
        (), description="Where the full text cannot be stored: the stretches read, each with its locator"
    )
    summary: Markdown | None = None
    tags: tuple[Annotated[Id, TAGGED_SOURCE], ...] = ()
    notes: Notes = ()

    @field_validator("excerpts")
    @classmethod
    def _one_text(cls, excerpts: tuple[Excerpt, ...], info: ValidationInfo) -> tuple[Excerpt, ...]:
        if excerpts and info.data.get("text_file") is not None:
            raise PydanticCustomError(
                "text", "give either text_file (the full text) or excerpts (where it cannot be stored), not both"
            )
        return excerpts


TOPIC_RETIRED = (
    "'topic' is replaced by 'question': declare the question once in data/questions/ and name it in each claim "
    "that answers it ('question: <id>'); `dossier migrate` does it for every claim"
)


class Tag(Strict):
    """A topic records are tagged with, declared once with the words readers see (never its id)."""

    label: Line = Field(description="The topic as readers read it, in the dossier's language: 'Parata di Pechino'")
    description: Markdown | None = Field(None, description="What the topic covers, for its page")


# -- orders and groups --------------------------------------------------------------------------------------------
UNDATED = ("9999", "9999", "")


def when(record: Any) -> Any:
    """A quote's own date, else that of the event it was said at; a claim's own date, else its event's (for ordering
    and grouping only: a claim's event is what it is about, so pages and exports never give a claim its date)."""
    if record.date is not None:
        return record.date
    return record.event.date if record.event is not None else None


def _year(date: Any) -> str:
    return f"{date.year:04d}" if date is not None and date.year else "undated"


def _by_date(record: Any) -> tuple[Any, ...]:
    date = when(record) if hasattr(record, "event") else record.date
    return (date.sort_key if date is not None else UNDATED, record.id)


def _group(records: list[Any], key: Any) -> dict[Any, list[Any]]:
    groups: dict[Any, list[Any]] = defaultdict(list)
    for record in records:
        groups[key(record)].append(record)
    return dict(groups)


# -- template values ----------------------------------------------------------------------------------------------
def _timeline(events: list[Any], site: Any) -> Mapping[str, Any]:
    """Events (in date order) by year, then month (0: known only to the year); the page's actors and tags."""
    years: dict[int, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for event in events:
        first = event.date.start or event.date.end
        years[first.year][first.month or 0].append(event)
    calendar = [(year, sorted(months.items())) for year, months in sorted(years.items())]
    on_page = {a.id: a for e in events for a in e.participants}
    actors = sorted(on_page.values(), key=lambda a: (a.name.casefold(), a.id))
    tagged = {t.id: t for e in events for t in e.tags}
    tags = sorted(tagged.values(), key=lambda t: (t.label.casefold(), t.id))
    from dossier import drawings  # imported where a page draws: `dossier check` draws nothing (8 ms of its start)

    drawing = drawings.timeline(events, site.words, site.drawn)
    return {"calendar": calendar, "filter_actors": actors, "filter_tags": tags, "drawing": drawing}


def _ties(site: Any) -> Mapping[str, list[Any]]:
    """What ties each actor to the others (see :func:`dossier.drawings.ties`), once per run."""
    from dossier import drawings

    actors = site.dossier.records["actor"]
    found: Mapping[str, list[Any]] = site.derived(
        "ties", lambda: {a.id: drawings.ties(site.dossier, a, site.words) for a in actors}
    )
    return found


def _map_words(site: Any) -> Any:
    from dossier import drawings

    return site.derived("map-words", lambda: drawings.map_words(site.words, ACTOR_KINDS.labels))


def _actor(actor: Any, site: Any) -> Mapping[str, Any]:
    """The actor's relationship map."""
    from dossier import drawings

    page = site.uri_at("actor", actor.id)

    def url(other: Any) -> str:
        return str(site.url(site.uri_at("actor", other.id), page))

    drawing = drawings.neighbourhood(actor, _ties(site)[actor.id], _map_words(site), site.words, url, site.drawn)
    return {"drawing": drawing}


def _actors_index(actors: list[Any], site: Any) -> Mapping[str, Any]:
    """The network of the most connected actors, on the actors' index page."""
    from dossier import drawings

    page = f"{ACTOR.uri_folder}/index.md"

    def url(other: Any) -> str:
        return str(site.url(site.uri_at("actor", other.id), page))

    return {"drawing": drawings.network(actors, _ties(site), _map_words(site), site.words, url, site.drawn)}


def _quotes(quotes: list[Any], site: Any) -> Mapping[str, Any]:
    speakers = _group(quotes, lambda q: q.speaker.id).values()
    return {"by_speaker": sorted(speakers, key=lambda qs: (qs[0].speaker.name.casefold(), qs[0].speaker.id))}


def _label(record: Any) -> str:
    """An actor's name, an event's title: a claim's or question's subject as readers know it."""
    return str(record.name if hasattr(record, "name") else record.title)


def _subject_order(subject: Any) -> tuple[str, str]:
    return (_label(subject).casefold(), subject.id)


def _home(question: Any, site: Any) -> str:
    """The subject a question's table is shown under on the claims page (once): its own subject when some answer is
    about it, else the first subject (in the page's order) its answers are about."""
    subjects = {c.subject.id: c.subject for c in site.dossier.links(question).answers}
    if question.subject is not None and question.subject.id in subjects:
        return str(question.subject.id)
    return str(min(subjects.values(), key=_subject_order).id)


def _claims(claims: list[Any], site: Any) -> Mapping[str, Any]:
    """Claims by subject. Within a subject, the answers to each question whose table is shown there (see
    :func:`_home`; the table lists the question's other answers too), then the claims answering no question or one
    whose table is under another subject."""
    subjects = []
    homes: dict[str, str] = {}
    for group in sorted(_group(claims, lambda c: c.subject.id).values(), key=lambda cs: _subject_order(cs[0].subject)):
        here = group[0].subject.id
        compared: dict[str, list[Any]] = {}
        alone = []
        for claim in group:
            question = claim.question
            if question is not None and question.id not in homes:
                homes[question.id] = _home(question, site)
            if question is not None and homes[question.id] == here:
                compared.setdefault(question.id, []).append(claim)
            else:
                alone.append(claim)
        groups = [
            (cs[0].question, cs) for cs in sorted(compared.values(), key=lambda cs: cs[0].question.text.casefold())
        ]
        groups += [(None, [claim]) for claim in alone]
        subjects.append((group[0].subject, groups))
    return {"subjects": subjects}


def _sources(sources: list[Any], site: Any) -> Mapping[str, Any]:
    return {"coverage": {s.id: site.coverage(s) for s in sources}}


def _source(source: Any, site: Any) -> Mapping[str, Any]:
    cited = site.dossier.citations_of.get((source.record_kind, source.id), ())
    return {
        "text_html": "" if source.excerpts else site.text_html(source), "excerpts_html": site.excerpts_html(source),
        "regions": site.regions(source), "coverage": site.coverage(source),
        "unverified": [(record, citation) for record, citation in cited if citation.span is None],
    }  # fmt: skip


def _tags(tags: list[Any], site: Any) -> Mapping[str, Any]:
    """How many records of each kind are on each topic, in words: '3 eventi, 2 citazioni'."""
    tagged = {}
    for tag in tags:
        counts = []
        for records in site.dossier.links(tag).values():
            if records:
                singular, plural = site.registry[records[0].record_kind].plural
                counts.append(site.words.ngettext(singular, plural, len(records)))
        tagged[tag.id] = ", ".join(counts)
    return {"tagged": tagged}


def _shorten(text: str, size: int) -> str:
    return text[:size] + ("…" if len(text) > size else "")


def _actor_order(actor: Any) -> tuple[int, str, str]:
    return (ACTOR_KINDS.values.index(actor.kind), actor.name.casefold(), actor.id)


ACTOR = Kind(
    name="actor", folder="actors", model=Actor, label="name", plural=NN_("%(num)s actor", "%(num)s actors"),
    noun=(N_("Actor"), N_("Actors")),
    listing=Listing(
        folder="actors", template="actors_index.md.j2", title=N_("Actors"), group=lambda a: a.kind,
        order=_actor_order, sheet="_{n}", name=lambda a: a.name, searchable=False,
        context=lambda actors, site: {"group_titles": ACTOR_GROUPS}, index=_actors_index,
    ),
    pages=Pages(template="actor.md.j2", context=_actor),
)  # fmt: skip
EVENT = Kind(
    name="event", folder="events", model=Event, label="title", plural=NN_("%(num)s event", "%(num)s events"),
    noun=(N_("Event"), N_("Events")),
    order=_by_date, when=lambda e: e.date,
    listing=Listing(
        folder="timeline", template="timeline.md.j2", title=N_("Timeline"), group=lambda e: _year(e.date),
        context=_timeline,
    ),
)  # fmt: skip
QUOTE = Kind(
    name="quote", folder="quotes", model=Quote, label="text", plural=NN_("%(num)s quote", "%(num)s quotes"),
    noun=(N_("Quote"), N_("Quotes")),
    order=_by_date, title=lambda q: f"{q.speaker.name}: «{_shorten(q.text, 60)}»", when=when,
    listing=Listing(
        folder="quotes", template="quotes.md.j2", title=N_("Quotes"), group=lambda q: _year(when(q)), context=_quotes,
    ),
)  # fmt: skip
CLAIM = Kind(
    name="claim", folder="claims", model=Claim, label="statement", plural=NN_("%(num)s claim", "%(num)s claims"),
    noun=(N_("Claim"), N_("Claims")),
    title=lambda c: _shorten(c.statement, 80),
    listing=Listing(
        folder="claims", template="claims.md.j2", title=N_("Claims"), group=lambda c: c.subject.id,
        order=lambda c: _subject_order(c.subject), sheet="{n}", name=lambda c: _label(c.subject),
        context=_claims,
    ),
    retired=(("topic", TOPIC_RETIRED),),
)  # fmt: skip
QUESTION = Kind(
    name="question", folder="questions", model=Question, label="text",
    noun=(N_("Question"), N_("Questions")),
    plural=NN_("%(num)s question", "%(num)s questions"), order=lambda q: (q.text.casefold(), q.id),
    listing=Listing(
        folder="questions", template="questions.md.j2", title=N_("Questions"), sheet="_{n}", name=lambda q: q.text,
    ),
)  # fmt: skip
SOURCE = Kind(
    name="source", folder="sources", model=Source, label="title", plural=NN_("%(num)s source", "%(num)s sources"),
    noun=(N_("Source"), N_("Sources")),
    listing=Listing(
        folder="sources", template="sources_index.md.j2", title=N_("Sources"),
        order=lambda s: (s.title.casefold(), s.id), sheet="_{n}", name=lambda s: s.title, searchable=False,
        context=_sources,
    ),
    pages=Pages(template="source.md.j2", context=_source),
)  # fmt: skip

TAG = Kind(
    name="tag", folder="tags", model=Tag, label="label", plural=NN_("%(num)s topic", "%(num)s topics"),
    noun=(N_("Topic"), N_("Topics")),
    order=lambda t: (t.label.casefold(), t.id),
    listing=Listing(
        folder="tags", template="tags_index.md.j2", title=N_("Topics"), sheet="_{n}", name=lambda t: t.label,
        searchable=False, context=_tags,
    ),
    pages=Pages(template="tag.md.j2"),
)  # fmt: skip

DEFAULT = Registry((ACTOR, EVENT, QUOTE, CLAIM, QUESTION, SOURCE, TAG))
"""The kinds every dossier has, in the order readers meet them."""
