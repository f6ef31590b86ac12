"""schema.org JSON-LD: one document per record (for its page's ``<script type="application/ld+json">``) and the
whole dossier as one ``@graph``.

Actors are ``Person``, ``Organization`` (organisations and groups) or ``Country``; events ``Event`` with
``startDate``/``endDate`` as precise as known ('2025-09' stays a month); quotes ``Quotation`` (``spokenByCharacter``
and ``creator`` the speaker, ``isBasedOn`` the sources, the original words as ``translationOfWork``); claims
``Claim`` (``author`` who asserts it, ``about`` its subject, an actor or an event, ``appearance`` the sources);
sources ``NewsArticle``, another fitting ``CreativeWork`` type, or ``CreativeWork``, with ``datePublished`` only
when the data knows it; questions ``Question`` (``name`` its words, ``about`` its subject); topics (tags)
``DefinedTerm``. A kind with no mapping (one a project adds) is a ``Thing`` with its name.

Every document uses ``"@context": "https://schema.org"``. ``schemaorg.context.jsonld`` beside this module holds the
entries of schema.org's published context for the terms used here, so tests expand the documents offline.
A record's ``@id`` is its page's address when the site's address is known, else ``urn:dossier:<kind>:<id>``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from typing import Any

from dossier.export.jsondoc import dumps
from dossier.export.neutral import Dossier, Point, Record, When

CONTEXT_URL = "https://schema.org"
CONTEXT_FILE = "schemaorg.context.jsonld"
ACTOR_TYPES = {"person": "Person", "organization": "Organization", "country": "Country", "group": "Organization"}
SOURCE_TYPES = {
    "article": "NewsArticle", "social-post": "SocialMediaPosting", "report": "Report", "book": "Book",
    "dataset": "Dataset",
}  # fmt: skip


def context() -> dict[str, Any]:
    """The shipped context document (``{"@context": {...}}``)."""
    text = resources.files("dossier.export").joinpath(CONTEXT_FILE).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def iri(dossier: Dossier, kind: str, record_id: str) -> str:
    return dossier.url(kind, record_id) or f"urn:dossier:{kind}:{record_id}"


def _point(point: Point | None) -> str | None:
    return point.iso() if point else None


def _span(when: When | None) -> dict[str, str]:
    """startDate (and endDate) as precise as known; an interval open at one end has only the other."""
    if when is None:
        return {}
    out = {}
    if when.interval:
        if when.start:
            out["startDate"] = when.start.iso()
        if when.end:
            out["endDate"] = when.end.iso()
    elif when.start:
        out["startDate"] = when.start.iso()
    return out


class _Builder:
    def __init__(self, dossier: Dossier) -> None:
        self.dossier = dossier
        self.events = {e.id for e in dossier.records.get("event", ())}
        self.topics = {t.id: t.text("label") or t.id for t in dossier.records.get("tag", ())}

    def keywords(self, record: Record) -> list[str]:
        """The record's topics as readers read them (their labels, not their ids)."""
        return [self.topics.get(tag, tag) for tag in record.texts("tags")]

    def ref(self, kind: str, record_id: str | None) -> dict[str, str] | None:
        return {"@id": iri(self.dossier, kind, record_id)} if record_id else None

    def refs(self, kind: str, ids: tuple[str, ...]) -> list[dict[str, str]]:
        return [{"@id": iri(self.dossier, kind, i)} for i in dict.fromkeys(ids)]

    def sources(self, record: Record) -> list[dict[str, str]]:
        return self.refs("source", tuple(c.source for c in record.citations))

    def base(self, record: Record, schema_type: str) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": schema_type, "@id": iri(self.dossier, record.kind, record.id)}
        url = self.dossier.url(record.kind, record.id)
        if url:
            out["url"] = url
        return out

    def actor(self, actor: Record) -> dict[str, Any]:
        schema_type = ACTOR_TYPES.get(actor.text("kind") or "", "Organization")
        out = self.base(actor, schema_type)
        out["name"] = actor.text("name")
        if actor.texts("aliases"):
            out["alternateName"] = list(actor.texts("aliases"))
        if actor.text("summary"):
            out["description"] = actor.text("summary")
        roles = []
        if schema_type in ("Person", "Organization"):
            for role in actor.items("roles"):
                of = role.text("of")
                if not of:
                    continue
                entry: dict[str, Any] = {
                    "@type": "OrganizationRole",
                    "roleName": role.text("title"),
                    "memberOf": self.ref("actor", of),
                }
                start, end = role.when("start"), role.when("end")
                if start and (start.start or start.end):
                    entry["startDate"] = _point(start.start or start.end)
                if end and (end.end or end.start):
                    entry["endDate"] = _point(end.end if end.interval and end.end else end.start)
                roles.append(entry)
        if roles:
            out["memberOf"] = roles
        if actor.texts("tags"):
            out["keywords"] = self.keywords(actor)
        if actor.citations:
            out["subjectOf"] = self.sources(actor)
        return out

    def event(self, event: Record) -> dict[str, Any]:
        out = self.base(event, "Event")
        out["name"] = event.text("title")
        out.update(_span(event.when("date")))
        if event.text("place"):
            out["location"] = {"@type": "Place", "name": event.text("place")}
        if event.text("summary"):
            out["description"] = event.text("summary")
        if event.texts("participants"):
            out["about"] = self.refs("actor", event.texts("participants"))
        if event.texts("tags"):
            out["keywords"] = self.keywords(event)
        out["subjectOf"] = self.sources(event)
        return out

    def quote(self, quote: Record) -> dict[str, Any]:
        out = self.base(quote, "Quotation")
        speaker = self.ref("actor", quote.text("speaker"))
        out["text"] = quote.text("text")
        out["inLanguage"] = quote.text("lang") or self.dossier.lang
        out["spokenByCharacter"] = speaker
        out["creator"] = speaker
        when = quote.placed
        if when is not None and not when.interval and when.start:
            out["dateCreated"] = when.start.iso()
        if quote.text("event"):
            out["about"] = self.ref("event", quote.text("event"))
        original = quote.item("original")
        if original is not None:
            out["translationOfWork"] = {
                "@type": "Quotation", "text": original.text("text"), "inLanguage": original.text("lang"),
                "spokenByCharacter": speaker, "creator": speaker,
            }  # fmt: skip
        out["isBasedOn"] = self.sources(quote)
        return out

    def claim(self, claim: Record) -> dict[str, Any]:
        out = self.base(claim, "Claim")
        out["text"] = claim.text("statement")
        if claim.text("according_to"):
            out["author"] = self.ref("actor", claim.text("according_to"))
        subject = claim.text("subject")
        about = [self.ref("event" if subject in self.events else "actor", subject)]
        if claim.text("event"):
            about.append(self.ref("event", claim.text("event")))
        out["about"] = [a for a in about if a]
        out["appearance"] = self.sources(claim)
        return out

    def question(self, question: Record) -> dict[str, Any]:
        out = self.base(question, "Question")
        out["name"] = question.text("text")
        subject = question.text("subject")
        if subject:
            out["about"] = self.ref("event" if subject in self.events else "actor", subject)
        return out

    def source(self, source: Record) -> dict[str, Any]:
        out = self.base(source, SOURCE_TYPES.get(source.text("kind") or "", "CreativeWork"))
        out["name"] = source.text("title")
        if source.text("kind") == "article":
            out["headline"] = source.text("title")
        out["inLanguage"] = source.text("lang")
        if source.text("url"):
            out["url"] = source.text("url")
        if source.text("archive_url"):
            out["archivedAt"] = source.text("archive_url")
        published = source.when("published")
        if published is not None and not published.interval and published.start:
            out["datePublished"] = published.start.iso()
        if source.text("author"):
            out["author"] = source.text("author")
        if source.text("publisher"):
            out["publisher"] = {"@type": "Organization", "name": source.text("publisher")}
        if source.text("summary"):
            out["description"] = source.text("summary")
        if source.texts("tags"):
            out["keywords"] = self.keywords(source)
        return out

    def tag(self, tag: Record) -> dict[str, Any]:
        out = self.base(tag, "DefinedTerm")
        out["name"] = tag.text("label")
        if tag.text("description"):
            out["description"] = tag.text("description")
        return out

    def record(self, record: Record) -> dict[str, Any]:
        makers = {
            "actor": self.actor, "event": self.event, "quote": self.quote, "claim": self.claim,
            "question": self.question, "source": self.source, "tag": self.tag,
        }  # fmt: skip
        maker = makers.get(record.kind)
        if maker is None:  # a kind with no schema.org mapping yet: named, at least
            out = self.base(record, "Thing")
            out["name"] = self.dossier.label(record)
            return out
        document: dict[str, Any] = maker(record)
        return document


def record_document(dossier: Dossier, record: Record) -> dict[str, Any]:
    """The JSON-LD of one record, with its ``@context``: what its page embeds."""
    return {"@context": CONTEXT_URL, **_Builder(dossier).record(record)}


def page_document(dossier: Dossier, records: Sequence[Record]) -> dict[str, Any]:
    """What one page embeds: its record's document, or the records it lists as one ``@graph``."""
    if len(records) == 1:
        return record_document(dossier, records[0])
    builder = _Builder(dossier)
    return {"@context": CONTEXT_URL, "@graph": [builder.record(r) for r in records]}


def graph(dossier: Dossier) -> dict[str, Any]:
    """Every record in one ``@graph``."""
    builder = _Builder(dossier)
    return {"@context": CONTEXT_URL, "@graph": [builder.record(r) for r in dossier.all()]}


def graph_json(dossier: Dossier) -> bytes:
    """The graph, one node per line."""
    builder = _Builder(dossier)
    nodes = ",\n".join(dumps(builder.record(r)) for r in dossier.all())
    return f'{{"@context":"{CONTEXT_URL}","@graph":[\n{nodes}\n]}}\n'.encode()


def script(document: dict[str, Any]) -> str:
    """``<script type="application/ld+json">`` holding ``document``, safe inside any HTML page.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so no text from data can close the element
    (``</script>``) or open a comment; the JSON is unchanged for a parser.
    """
    text = dumps(document).replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/ld+json">{text}</script>'
