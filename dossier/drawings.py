"""The drawings of a dossier's pages: what :mod:`dossier.draw` is given, read from the resolved records, in the words
of the interface catalogues.

The kinds' template values (:mod:`dossier.kinds`) call :func:`timeline` for each page of the timeline,
:func:`neighbourhood` for each actor's page and :func:`network` for the actors' index, so the render memo compares
the drawings with everything else a page is made from. Links inside a drawing are final URLs relative to the page
(MkDocs rewrites links of Markdown, not those of raw HTML): ``site.url`` computes them as MkDocs will place pages.

A figure is large raw HTML, which Python-Markdown and the search plugin's HTML parser are slow to read;
:func:`set_aside` swaps each figure of a page's Markdown for a short comment before conversion, and :func:`put_back`
restores it in the page the theme made, so the Markdown written by ``dossier render --out`` keeps the figures and
the site is the same either way.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from dossier import draw
from dossier.schema import N_

if TYPE_CHECKING:
    from dossier.i18n import Words

# What ties two actors in the facts (the words of a declared relation are its own label, from the data). Words
# about the neighbour read along the edge from the centre: "[Putin] addresses [Kim]".
SAME_EVENT = N_("at the same event")
ADDRESSES = N_("addresses")
ADDRESSED_BY = N_("addresses %(name)s")  # said by the neighbour to the centre
ACCORDING_TO = N_("according to")  # a claim about the centre, according to the neighbour
CLAIMS_ABOUT = N_("makes claims about")  # a claim by the centre about the neighbour


def timeline_words(words: Words) -> draw.TimelineWords:
    """The drawn timeline's words in the interface language; month names from CLDR."""
    _ = words.gettext
    return draw.TimelineWords(
        label=_("Drawn timeline."),
        scale_note=_("The axis is not to scale: months with events get more room."),
        gap_note=_("Years without events are left out (//)."),
        months=words.month_abbreviations(),
        day=_("a day"),
        span=_("a month or a year (the date is known only that far)"),
        interval=_("a period, from start to end"),
        approximate=_("dashed or soft ends: approximate date"),
        uncertain=_("uncertain date"),
        open=_("fades out to the edge: open start or end"),
        text_summary=_("The drawn timeline, in words"),
    )


def map_words(words: Words, kinds: Mapping[str, str]) -> draw.MapWords:
    """The maps' words in the interface language; ``kinds`` maps each kind of actor to its msgid."""
    _ = words.gettext
    return draw.MapWords(
        label=_("Relationship map."),
        kinds={kind: _(label) for kind, label in kinds.items()},
        declared=_("solid line: declared relation"),
        inferred=_("dashed line: tie read from the facts (events, quotes, claims)"),
        more=lambda n: words.ngettext("and one more", "and %(num)s more", n),
        ties=lambda n: words.ngettext("%(num)s tie", "%(num)s ties", n),
        list_title=_("The map, in words"),
    )


# How a drawing is made: ``drawn(key, make)`` returns ``make()``, or what it returned before for the same key (the
# render memo keeps drawings between the runs of `mkdocs serve`). A key holds everything the drawing is made from;
# the interface words are the language's.
Drawn = Callable[[Hashable, Callable[[], str]], str]


def _make(key: Hashable, make: Callable[[], str]) -> str:
    return make()


# -- the timeline ----------------------------------------------------------------------------------------------------
def marks(events: Iterable[Any], words: Words) -> list[draw.Mark]:
    """One mark per event, linked to its anchor on the page; ``data-actors``/``data-tags`` as the list's headings."""
    return [
        draw.Mark(
            id=event.id, title=event.title, date=event.date, href=f"#{event.id}", date_words=words.date(event.date),
            actors=tuple(actor.id for actor in event.participants), tags=tuple(tag.id for tag in event.tags),
        )
        for event in events
    ]  # fmt: skip


def timeline(events: list[Any], words: Words, drawn: Drawn = _make) -> str:
    """The drawn timeline of the events of one page."""
    marked = marks(events, words)
    if not marked:
        return ""
    years = sorted({date.year for m in marked for date in (m.date.start, m.date.end) if date is not None})
    count = words.ngettext("%(num)s event", "%(num)s events", len(marked))
    if len(years) > 1:
        caption = words.gettext("%(count)s, from %(first)s to %(last)s.", count=count, first=years[0], last=years[-1])
    else:
        caption = words.gettext("%(count)s, in %(year)s.", count=count, year=years[0])
    key = ("timeline", words.lang, tuple(marked), caption)
    return drawn(key, lambda: draw.timeline(marked, timeline_words(words), caption=caption, uid="_tl"))


# -- the maps --------------------------------------------------------------------------------------------------------
Raw = tuple[Any, str, bool]  # (the other actor, the words of the tie, declared)


def ties(dossier: Any, actor: Any, words: Words) -> list[Raw]:
    """Everything that ties ``actor`` to another: its relations and those naming it, the events it shares, the
    quotes it addresses or is addressed, the claims made about it or by it."""
    found: list[Raw] = []
    own = set()
    for relation in actor.relations:
        other = dossier.resolve(relation.actor)
        found.append((other, relation.label, True))
        own.add((other.id, relation.label))
    links = dossier.links(actor)
    naming = {r.id: r for r in links.mentioned_in if r.record_kind == actor.record_kind and r.id != actor.id}
    for other in naming.values():
        for relation in other.relations:
            if relation.actor.id == actor.id and (other.id, relation.label) not in own:
                found.append((other, f"{relation.label} {actor.name}", True))
    same_event = words.gettext(SAME_EVENT)
    for event in links.events:
        found.extend((other, same_event, False) for other in event.participants if other.id != actor.id)
    addresses = words.gettext(ADDRESSES)
    for quote in links.quotes_by:
        found.extend((other, addresses, False) for other in quote.addressed_to if other.id != actor.id)
    for quote in links.quotes_to:
        if quote.speaker.id != actor.id:
            found.append((quote.speaker, words.gettext(ADDRESSED_BY, name=actor.name), False))
    according_to = words.gettext(ACCORDING_TO)
    for claim in links.claims_about:
        if claim.according_to is not None and claim.according_to.id != actor.id:
            found.append((claim.according_to, according_to, False))
    claims_about = words.gettext(CLAIMS_ABOUT)
    for claim in links.claims_by:
        if claim.subject.id != actor.id and claim.subject.record_kind == actor.record_kind:  # not an event
            found.append((claim.subject, claims_about, False))
    return found


def _node(actor: Any, href: str) -> draw.Node:
    return draw.Node(id=actor.id, name=actor.name, kind=actor.kind, href=href)


def neighbourhood(
    actor: Any, raw: list[Raw], map_words: draw.MapWords, words: Words, url: Callable[[Any], str], drawn: Drawn = _make
) -> str:
    """An actor's map; ``url(record)`` is the link to a record's page from the page the map is on."""
    found = [draw.Tie(node=_node(other, url(other)), words=(said,), declared=declared) for other, said, declared in raw]
    count = len({tie.node.id for tie in found})
    if not count:
        return ""
    caption = words.ngettext(
        "%(name)s: %(num)s actor tied by a declared relation or by the facts.",
        "%(name)s: %(num)s actors tied by declared relations or by the facts.",
        count,
        name=actor.name,
    )
    centre = _node(actor, url(actor))
    key = ("neighbourhood", words.lang, centre, tuple(found), caption)
    return drawn(key, lambda: draw.neighbourhood(centre, found, map_words, caption=caption, uid="_map"))


def links(everyone: Mapping[str, list[Raw]]) -> list[draw.Link]:
    """Every pair of actors tied by a relation or a fact, with how many tie them (counted from both ends)."""
    counts: Counter[tuple[str, str, bool]] = Counter()
    for actor_id, raw in everyone.items():
        for other, _said, declared in raw:
            a, b = sorted((actor_id, other.id))
            counts[(a, b, declared)] += 1
    return [draw.Link(a=a, b=b, weight=n, declared=declared) for (a, b, declared), n in sorted(counts.items())]


def network(actors: Iterable[Any], everyone: Mapping[str, list[Raw]], map_words: draw.MapWords, words: Words,
            url: Callable[[Any], str], drawn: Drawn = _make) -> str:  # fmt: skip
    """The network of the most connected actors."""
    nodes = [_node(actor, url(actor)) for actor in actors]
    tied = links(everyone)
    caption = words.gettext("The most connected actors; the size of each says how many others it is tied to.")
    key = ("network", words.lang, tuple(nodes), tuple(tied), caption)
    return drawn(key, lambda: draw.network(nodes, tied, map_words, caption=caption, uid="_net"))


# -- keeping figures out of Markdown conversion ----------------------------------------------------------------------
FIGURE = re.compile(r'^<figure class="dossier-draw .*?^</figure>$', re.M | re.S)
OPENING = '<figure class="dossier-draw '
CLOSING = "\n</figure>"  # draw.py ends a figure with it, on a line of its own (and puts no other figure inside)
PLACEHOLDER = "<!-- dossier-drawing {} -->"


def set_aside(markdown: str) -> tuple[str, dict[str, str]]:
    """``markdown`` with each drawing (the blocks :data:`FIGURE` matches) replaced by a comment naming it by its
    hash, and {comment: drawing}. A plain string search: 0.1 s for the 1,034 drawings of the synthetic M dossier,
    where :data:`FIGURE` takes five times as long."""
    kept: dict[str, str] = {}
    pieces: list[str] = []
    copied = search = 0  # the text before `copied` is in pieces; the next figure is looked for from `search`
    while (start := markdown.find(OPENING, search)) >= 0:
        search = start + 1
        if start and markdown[start - 1] != "\n":  # a figure starts a line
            continue
        end = markdown.find(CLOSING, start)
        if end < 0:
            break
        end += len(CLOSING)
        figure = markdown[start:end]
        marker = PLACEHOLDER.format(hashlib.sha1(figure.encode(), usedforsecurity=False).hexdigest())
        kept[marker] = figure
        pieces += [markdown[copied:start], marker]
        copied = search = end
    if not kept:
        return markdown, kept
    pieces.append(markdown[copied:])
    return "".join(pieces), kept


def put_back(html: str, kept: Mapping[str, str]) -> str:
    """The page (converted, or as the theme made it) with its drawings restored (see :func:`set_aside`)."""
    for marker, figure in kept.items():
        html = html.replace(marker, figure)
    return html
