"""The drawings fed from a loaded dossier, and pasted into a built site: what the core will do from its templates.

``marks``, ``ties`` and ``links`` turn today's model (``dossier.load``) into the plain values of
:mod:`dossier.draw`; ``inject`` writes each drawing into the built HTML page it belongs to (after the page's
``<h1>``), so that the browser tests can look at drawings before the templates call them.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from dossier import draw, model
from dossier.i18n import Words

# Words of the ties read from the facts (the relation's own label for declared ones). A word about the centre
# reads along the edge from the centre ("si rivolge a"); one about the neighbour is a whole phrase.
SAME_EVENT = "allo stesso evento"
ADDRESSES = "si rivolge a"
ADDRESSED_BY = "si rivolge a {centre}"
ACCORDING_TO = "secondo"  # claims about the centre, according to the neighbour
CLAIMS_ABOUT = "afferma su"  # claims by the centre about the neighbour


def marks(dossier: model.Dossier, events: tuple[model.Record, ...] | None = None) -> list[draw.Mark]:
    """One mark per event (of the page: ``events``), linked to its anchor on the timeline page."""
    return [
        draw.Mark(
            id=event.id,
            title=event.title,
            date=event.date,
            href=f"#{event.id}",
            date_words=Words(dossier.lang).date(event.date),
            actors=tuple(actor.id for actor in event.participants),
            tags=event.tags,
        )
        for event in (dossier.events if events is None else events)
    ]


def caption(marks: list[draw.Mark]) -> str:
    years = sorted({y for m in marks for d in (m.date.start, m.date.end) if d for y in [d.year]})
    count = f"{len(marks)} eventi" if len(marks) != 1 else "1 evento"
    return f"{count}, dal {years[0]} al {years[-1]}." if len(years) > 1 else f"{count}, nel {years[0]}."


def node(actor: model.Record | model.Handle, page: str) -> draw.Node:
    """An actor as a node; ``page`` is the folder of the page the map is on (``actors/``, ``actors/x/``)."""
    target = f"actors/{actor.id}/"
    depth = page.count("/")
    kind = actor.kind if isinstance(actor, model.Record) else ""
    return draw.Node(id=actor.id, name=actor.name, kind=kind, href="../" * depth + target)


def ties(dossier: model.Dossier, actor: model.Record) -> list[draw.Tie]:
    """Everything that links ``actor`` to another: relations both ways, shared events, quotes, claims."""
    page = f"actors/{actor.id}/"
    by_id = {a.id: a for a in dossier.actors}
    found: list[draw.Tie] = []
    for relation in actor.relations:
        found.append(draw.Tie(node=node(dossier.resolve(relation.actor), page), words=(relation.label,), declared=True))
    own = {(relation.actor.id, relation.label) for relation in actor.relations}
    for other in dossier.actors:
        for relation in other.relations:
            if relation.actor.id == actor.id and other.id != actor.id and (other.id, relation.label) not in own:
                phrase = f"{relation.label} {actor.name}"
                found.append(draw.Tie(node=node(other, page), words=(phrase,), declared=True))
    links = dossier.links(actor)
    for event in links.events:
        for other in event.participants:
            if other.id != actor.id:
                found.append(draw.Tie(node=node(other, page), words=(SAME_EVENT,)))
    for quote in links.quotes_by:
        for other in quote.addressed_to:
            found.append(draw.Tie(node=node(other, page), words=(ADDRESSES,)))
    for quote in links.quotes_to:
        found.append(draw.Tie(node=node(quote.speaker, page), words=(ADDRESSED_BY.format(centre=actor.name),)))
    for claim in links.claims_about:
        if claim.according_to and claim.according_to.id != actor.id:
            found.append(draw.Tie(node=node(by_id[claim.according_to.id], page), words=(ACCORDING_TO,)))
    for claim in links.claims_by:
        if claim.subject.id != actor.id and claim.subject.record_kind == "actor":  # not an event
            found.append(draw.Tie(node=node(claim.subject, page), words=(CLAIMS_ABOUT,)))
    return found


def links(dossier: model.Dossier) -> list[draw.Link]:
    """Every pair of actors tied by a relation or a fact, with how many tie them."""
    counts: Counter[tuple[str, str, bool]] = Counter()
    for actor in dossier.actors:
        for tie in ties(dossier, actor):
            a, b = sorted((actor.id, tie.node.id))
            counts[(a, b, tie.declared)] += 1
    return [draw.Link(a=a, b=b, weight=n, declared=declared) for (a, b, declared), n in sorted(counts.items())]


def drawings(dossier: model.Dossier) -> dict[str, str]:
    """{page folder: the drawing for it}: the timeline, each actor with ties, the actors index."""
    out = {}
    tl_marks = marks(dossier)
    out["timeline/"] = draw.timeline(tl_marks, draw.TIMELINE_WORDS["it"], caption=caption(tl_marks))
    words = draw.MAP_WORDS["it"]
    for actor in dossier.actors:
        found = ties(dossier, actor)
        if found:
            page = f"actors/{actor.id}/"
            out[page] = draw.neighbourhood(node(actor, page), found, words, caption=f"Con chi è legato {actor.name}.")
    nodes = [node(actor, "actors/") for actor in dossier.actors]
    out["actors/"] = draw.network(nodes, links(dossier), words, caption="Gli attori più collegati.")
    return out


def inject(site: Path, dossier: model.Dossier) -> dict[str, str]:
    """Each drawing written into its built page, right after the ``<h1>``, unless the page has it already (once
    the templates draw them); returns what was written where."""
    made = {}
    for folder, html in drawings(dossier).items():
        page = site / folder / "index.html"
        text = page.read_text(encoding="utf-8")
        if html.split(">", 1)[0] in text:  # the same <figure ...> opening tag
            continue
        made[folder] = html
        heading = re.search(r"<h1[^>]*>.*?</h1>", text, flags=re.S)
        assert heading, f"no <h1> in {page}"
        text = text[: heading.end()] + "\n" + html + text[heading.end() :]
        page.write_text(text, encoding="utf-8")
    return made
