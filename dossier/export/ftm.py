"""FollowTheMoney entities, one JSON object per line: what Aleph and OpenSanctions' tools load.

How the dossier maps to FtM's schemata (``followthemoney`` 4):

- actors: a person is a ``Person``, an organisation an ``Organization``, a country a ``PublicBody`` (the state as
  an actor: FtM's ``Territory`` cannot take part in events or send messages), a group a ``LegalEntity``;
- a role: a person's is an ``Occupancy`` of a ``Position`` (how OpenSanctions records office holders), anyone
  else's a ``Membership`` of the organisation, or an ``UnknownLink`` to an actor that is not one; a relation
  between two people is an ``Associate`` link, any other an ``UnknownLink``;
- an event is an ``Event``; a source an ``Article`` (articles) or a ``Document`` (any other kind);
- a quote is a ``Message`` from the speaker to those it is addressed to (``bodyText`` the words as spoken,
  ``translatedText`` the published translation), documented in its event by a ``Documentation`` link;
- a claim is a ``Note`` on its subject, an actor or an event (and on its event), named by the question it answers,
  its figure said in words in ``summary``, asserted by its ``according_to`` through an ``UnknownLink``;
- a citation of a record is a ``Documentation`` link from the source (``summary``: the exact passage); a citation
  of a role or relation is that link's ``proof`` and ``summary``. Every entity names its sources in ``proof``.

Dates keep their precision as FtM's date type allows (``2025``, ``2025-09``, ``2025-09-03``); what FtM cannot
say (approximate, uncertain, open intervals) is said in words in ``summary``. Languages are FtM's three-letter
codes; a language FtM does not list is left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dossier.export.jsondoc import dumps
from dossier.export.neutral import Dossier, Item, Record, When

ACTOR_SCHEMATA = {"person": "Person", "organization": "Organization", "country": "PublicBody", "group": "LegalEntity"}
ORGANIZATIONS = ("Organization", "PublicBody")  # FtM's range of Membership.organization and Position.organization
ADDRESS_MAX = 250  # FtM's address type (Event.location)
STRING_MAX = 1024  # FtM's string type (title, role)
TEXT_MAX = 65000  # FtM's text type (bodyText, summary)

# ISO 639-1 to the ISO 639-3 codes FtM's language type accepts (followthemoney 4); checked against it by a test.
LANGUAGES = {
    "af": "afr", "am": "amh", "ar": "ara", "az": "aze", "be": "bel", "bg": "bul", "bn": "ben", "bs": "bos",
    "ca": "cat", "cs": "ces", "da": "dan", "de": "deu", "el": "ell", "en": "eng", "es": "spa", "et": "est",
    "fa": "fas", "fi": "fin", "fr": "fra", "ga": "gle", "he": "heb", "hi": "hin", "hr": "hrv", "hu": "hun",
    "hy": "hye", "id": "ind", "is": "isl", "it": "ita", "ja": "jpn", "ka": "kat", "kk": "kaz", "km": "khm",
    "kn": "kan", "ko": "kor", "ky": "kir", "lb": "ltz", "lo": "lao", "lt": "lit", "lv": "lav", "mk": "mkd",
    "mn": "mon", "ms": "msa", "mt": "mlt", "my": "mya", "ne": "nep", "nl": "nld", "no": "nor", "pl": "pol",
    "ps": "pus", "pt": "por", "ro": "ron", "ru": "rus", "si": "sin", "sk": "slk", "sl": "slv", "sq": "sqi",
    "sr": "srp", "sv": "swe", "sw": "swa", "ta": "tam", "te": "tel", "tg": "tgk", "th": "tha", "tk": "tuk",
    "tl": "tgl", "tr": "tur", "uk": "ukr", "ur": "urd", "uz": "uzb", "vi": "vie", "zh": "zho",
}  # fmt: skip


def language(code: str | None) -> str | None:
    """FtM's code for an ISO 639 language ('it' -> 'ita', 'pt-BR' -> 'por'), or None if FtM does not list it."""
    if not code:
        return None
    base = code.split("-")[0]
    if len(base) == 3:
        return base if base in LANGUAGES.values() else None
    return LANGUAGES.get(base)


class Entity:
    """One FtM entity being built: multi-valued properties, each value added once, in order."""

    def __init__(self, entity_id: str, schema: str) -> None:
        self.id = entity_id
        self.schema = schema
        self.properties: dict[str, list[str]] = {}

    def add(self, prop: str, *values: str | None) -> Entity:
        for value in values:
            if value is None or value == "":
                continue
            bucket = self.properties.setdefault(prop, [])
            if value not in bucket:
                bucket.append(value)
        return self

    def data(self) -> dict[str, Any]:
        return {"id": self.id, "schema": self.schema, "properties": dict(sorted(self.properties.items()))}


def _fit(text: str | None, limit: int) -> str | None:
    """A text cut to FtM's limit for its type, with an ellipsis (only where the full text is kept elsewhere)."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


class _Mapper:
    def __init__(self, dossier: Dossier, prefix: str) -> None:
        self.dossier = dossier
        self.prefix = prefix
        self.words = dossier.words
        self.actors = {a.id: a for a in dossier.records.get("actor", ())}
        self.events = {e.id for e in dossier.records.get("event", ())}
        self.questions = {q.id: q.text("text") for q in dossier.records.get("question", ())}
        self.topics = {t.id: t.text("label") or t.id for t in dossier.records.get("tag", ())}

    def keywords(self, record: Record) -> list[str]:
        """The record's topics as readers read them (their labels, not their ids)."""
        return [self.topics.get(tag, tag) for tag in record.texts("tags")]

    def ref(self, kind: str, record_id: str) -> str:
        return f"{self.prefix}{kind}.{record_id}"

    def actor_schema(self, actor_id: str | None) -> str | None:
        actor = self.actors.get(actor_id or "")
        return ACTOR_SCHEMATA.get(actor.text("kind") or "", "LegalEntity") if actor else None

    def dates(self, entity: Entity, when: When | None, *, single: str = "date") -> None:
        """``date`` for one date, ``startDate``/``endDate`` for an interval."""
        if when is None:
            return
        if when.interval:
            entity.add("startDate", when.start.iso() if when.start else None)
            entity.add("endDate", when.end.iso() if when.end else None)
        else:
            entity.add(single, when.start.iso() if when.start else None)
        if when.qualified or (when.interval and not (when.start and when.end)):
            entity.add("summary", when.words)  # what FtM's dates cannot say: circa, uncertain, open

    def span(self, entity: Entity, start: When | None, end: When | None) -> None:
        """``startDate`` and ``endDate`` of a link from a role's or relation's start and end."""
        first = (start.start or start.end) if start else None
        last = ((end.end or end.start) if end.interval else end.start) if end else None
        entity.add("startDate", first.iso() if first else None)
        entity.add("endDate", last.iso() if last else None)
        for point in (start, end):
            if point and (point.qualified or point.interval):
                entity.add("summary", point.words)

    def common(self, entity: Entity, item: Item) -> None:
        entity.add("proof", *(self.ref("source", c.source) for c in item.citations))
        entity.add("notes", *(n.text for n in item.notes))

    def documentation(self, record: Record, target: str) -> Iterator[Entity]:
        """One ``Documentation`` link per citation of a record: the source documents it, with the passage."""
        for n, citation in enumerate(record.citations, start=1):
            link = Entity(f"{self.prefix}citation.{record.kind}.{record.id}.{n}", "Documentation")
            link.add("document", self.ref("source", citation.source))
            link.add("entity", target)
            link.add("role", self.words.get("cited_passages", "cited passage"))
            link.add("summary", citation.passage)
            link.add("description", *(note.text for note in citation.notes))
            yield link

    def edge_citations(self, entity: Entity, item: Item) -> None:
        entity.add("proof", *(self.ref("source", c.source) for c in item.citations))
        entity.add("summary", *(c.passage for c in item.citations))
        entity.add("description", *(n.text for c in item.citations for n in c.notes))
        entity.add("description", *(n.text for n in item.notes))

    # -- kinds -----------------------------------------------------------------------------------------------
    def actor(self, actor: Record) -> Iterator[Entity]:
        schema = self.actor_schema(actor.id) or "LegalEntity"
        entity = Entity(self.ref("actor", actor.id), schema)
        entity.add("name", actor.text("name"))
        entity.add("alias", *actor.texts("aliases"))
        entity.add("description", actor.text("summary"))
        entity.add("keywords", *self.keywords(actor))
        self.common(entity, actor)
        yield entity
        yield from self.documentation(actor, entity.id)
        for n, role in enumerate(actor.items("roles"), start=1):
            yield from self.role(actor, schema, n, role)
        for n, relation in enumerate(actor.items("relations"), start=1):
            yield self.relation(actor, schema, n, relation)

    def role(self, actor: Record, schema: str, n: int, role: Item) -> Iterator[Entity]:
        holder = self.ref("actor", actor.id)
        title = role.text("title") or ""
        of = role.text("of")
        of_schema = self.actor_schema(of)
        of_name = self.actors[of].text("name") if of in self.actors else None
        edge_id = f"{self.prefix}role.{actor.id}.{n}"
        if schema == "Person":
            post = Entity(f"{self.prefix}position.{actor.id}.{n}", "Position")
            post.add("name", _fit(f"{title}, {of_name}" if of_name else title, 384))
            if of and of_schema in ORGANIZATIONS:
                post.add("organization", self.ref("actor", of))
            yield post
            edge = Entity(edge_id, "Occupancy").add("holder", holder).add("post", post.id)
            if of and of_schema not in ORGANIZATIONS:  # held in a person or group: said as a link too
                link = (
                    Entity(f"{edge_id}.of", "UnknownLink").add("subject", holder).add("object", self.ref("actor", of))
                )
                link.add("role", title)
                self.span(link, role.when("start"), role.when("end"))
                yield link
        elif of and of_schema in ORGANIZATIONS:
            edge = Entity(edge_id, "Membership").add("member", holder).add("organization", self.ref("actor", of))
            edge.add("role", title)
        elif of:
            edge = Entity(edge_id, "UnknownLink").add("subject", holder).add("object", self.ref("actor", of))
            edge.add("role", title)
        else:  # a role held in nothing named: a note on the actor
            note = Entity(edge_id, "Note").add("entity", holder).add("name", title).add("description", title)
            note.add("proof", *(self.ref("source", c.source) for c in role.citations))
            note.add("summary", *(c.passage for c in role.citations))
            note.add("notes", *(n.text for n in role.notes))
            for point in (role.when("start"), role.when("end")):
                note.add("summary", point.words if point else None)
            yield note
            return
        self.span(edge, role.when("start"), role.when("end"))
        self.edge_citations(edge, role)
        yield edge

    def relation(self, actor: Record, schema: str, n: int, relation: Item) -> Entity:
        other = relation.text("actor") or ""
        subject, target = self.ref("actor", actor.id), self.ref("actor", other)
        edge_id = f"{self.prefix}relation.{actor.id}.{n}"
        if schema == "Person" and self.actor_schema(other) == "Person":
            edge = Entity(edge_id, "Associate").add("person", subject).add("associate", target)
            edge.add("relationship", relation.text("label"))
        else:
            edge = Entity(edge_id, "UnknownLink").add("subject", subject).add("object", target)
            edge.add("role", relation.text("label"))
        self.span(edge, relation.when("start"), relation.when("end"))
        self.edge_citations(edge, relation)
        return edge

    def event(self, event: Record) -> Iterator[Entity]:
        entity = Entity(self.ref("event", event.id), "Event")
        entity.add("name", event.text("title"))
        self.dates(entity, event.when("date"))
        place = event.text("place")
        if place and len(place) <= ADDRESS_MAX:
            entity.add("location", place)
        else:
            entity.add("summary", place)
        entity.add("involved", *(self.ref("actor", a) for a in event.texts("participants")))
        entity.add("description", event.text("summary"))
        entity.add("keywords", *self.keywords(event))
        if event.text("date_text"):
            entity.add("summary", f"{self.words.get('date_text', 'in the source words')}: «{event.text('date_text')}»")
        self.common(entity, event)
        yield entity
        yield from self.documentation(event, entity.id)

    def quote(self, quote: Record) -> Iterator[Entity]:
        entity = Entity(self.ref("quote", quote.id), "Message")
        speaker = quote.text("speaker")
        entity.add("sender", self.ref("actor", speaker) if speaker else None)
        entity.add("recipients", *(self.ref("actor", a) for a in quote.texts("addressed_to")))
        text = quote.text("text") or ""
        original = quote.item("original")
        if original is not None:
            entity.add("bodyText", original.text("text"))
            entity.add("language", language(original.text("lang")))
            entity.add("translatedText", text)
            entity.add("translatedLanguage", language(quote.text("lang")))
            entity.add("notes", *(n.text for n in original.notes))
        else:
            entity.add("bodyText", text)
            entity.add("language", language(quote.text("lang")))
        entity.add("title", _fit(text, STRING_MAX))
        entity.add("summary", self.words.get(f"form.{quote.text('form')}", quote.text("form")))
        self.dates(entity, quote.placed)
        entity.add("keywords", *self.keywords(quote))
        self.common(entity, quote)
        yield entity
        yield from self.documentation(quote, entity.id)
        event = quote.text("event")
        if event:
            link = Entity(f"{self.prefix}quote-event.{quote.id}", "Documentation")
            link.add("document", entity.id).add("entity", self.ref("event", event))
            link.add("role", self.words.get("quotes", "quote"))
            yield link

    def claim(self, claim: Record) -> Iterator[Entity]:
        entity = Entity(self.ref("claim", claim.id), "Note")
        subject = claim.text("subject") or ""
        entity.add("entity", self.ref("event" if subject in self.events else "actor", subject))
        if claim.text("event"):
            entity.add("entity", self.ref("event", claim.text("event") or ""))
        entity.add("name", self.questions.get(claim.text("question") or ""))
        entity.add("description", claim.text("statement"))
        value = claim.item("value")
        if value is not None:
            entity.add("summary", figure(value))
        for name in ("status", "confidence"):
            code = claim.text(name)
            entity.add("summary", self.words.get(f"{name}.{code}", code))
        when = claim.when("date")
        entity.add("summary", when.words if when else None)
        entity.add("keywords", *self.keywords(claim))
        self.common(entity, claim)
        yield entity
        yield from self.documentation(claim, entity.id)
        according_to = claim.text("according_to")
        if according_to:
            link = Entity(f"{self.prefix}claimant.{claim.id}", "UnknownLink")
            link.add("subject", self.ref("actor", according_to)).add("object", entity.id)
            link.add("role", self.words.get("according_to", "according to"))
            yield link

    def source(self, source: Record) -> Iterator[Entity]:
        schema = "Article" if source.text("kind") == "article" else "Document"
        entity = Entity(self.ref("source", source.id), schema)
        entity.add("title", source.text("title"))
        entity.add("author", source.text("author"))
        entity.add("publisher", source.text("publisher"))
        published = source.when("published")
        if published is not None and not published.interval and published.start:
            entity.add("publishedAt", published.start.iso())
            if published.qualified:
                entity.add("summary", published.words)
        elif published is not None:
            entity.add("summary", published.words)
        entity.add("sourceUrl", source.text("url"), source.text("archive_url"))
        entity.add("language", language(source.text("lang")))
        entity.add("description", source.text("summary"))
        entity.add("keywords", *self.keywords(source))
        entity.add("notes", *(n.text for n in source.notes))
        body = source.text_body.strip() if source.text_body is not None else None  # FtM strips texts
        if body and len(body) <= TEXT_MAX:  # longer texts are on the source's page, not cut here
            entity.add("bodyText", body)
        yield entity


def figure(value: Item) -> str:
    """A claim's figure in symbols any reader understands: '≈ 15000 soldati', '10000–15000', '> 10000',
    '< 500', 'migliaia (> 1000)'."""
    amount, low, high = value.text("amount"), value.text("min"), value.text("max")
    approximate = "≈ " if value.flag("approximate") else ""
    if amount is not None:
        text = approximate + amount
    elif low is not None and high is not None:
        text = approximate + (low if low == high else f"{low}–{high}")
    elif low is not None:
        text = f"> {approximate}{low}"
    else:
        text = f"< {approximate}{high or ''}"
    vague = value.text("vague")
    if vague:
        text = f"{vague} ({text})"
    return f"{text} {value.text('unit') or ''}".strip()


def entities(dossier: Dossier, *, prefix: str = "") -> Iterator[dict[str, Any]]:
    """Every entity, sources first (so that a streaming loader meets a document before what it proves)."""
    mapper = _Mapper(dossier, prefix)
    makers = {"source": mapper.source, "actor": mapper.actor, "event": mapper.event, "quote": mapper.quote}
    makers["claim"] = mapper.claim
    for kind in ("source", "actor", "event", "quote", "claim"):
        for record in dossier.records.get(kind, ()):
            for entity in makers[kind](record):
                yield entity.data()


def ftm_lines(dossier: Dossier, *, prefix: str = "") -> bytes:
    """The entities as JSON lines (UTF-8)."""
    return "".join(dumps(e) + "\n" for e in entities(dossier, prefix=prefix)).encode("utf-8")
