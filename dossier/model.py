"""The resolved dossier: immutable records whose references are objects, with computed back-links.

Built only by :func:`dossier.resolve.load`; never loaded at import time. Actor-to-actor references (roles,
relations) are :class:`ActorRef` values, because they may form cycles that frozen objects cannot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from dossier.edtf import Edtf
from dossier.text import StoredText

RecordKind = Literal["actor", "event", "quote", "claim", "source"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Note:
    text: str  # Markdown
    kind: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Source:
    id: str
    title: str
    kind: str
    lang: str
    published: Edtf | None = None
    author: str | None = None
    publisher: str | None = None
    url: str | None = None
    archive_url: str | None = None
    accessed: Edtf | None = None
    text: StoredText | None = field(default=None, repr=False)
    summary: str | None = None
    tags: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    record_kind: RecordKind = "source"


@dataclass(frozen=True, kw_only=True, slots=True)
class Citation:
    source: Source
    passage: str
    prefix: str | None = None
    suffix: str | None = None
    locator: str | None = None
    notes: tuple[Note, ...] = ()
    span: tuple[int, int] | None = None  # where the passage is in the source's text; None if no text is stored

    @property
    def verified(self) -> bool:
        return self.span is not None


@dataclass(frozen=True, kw_only=True, slots=True)
class ActorRef:
    id: str
    name: str
    kind: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Role:
    title: str
    of: ActorRef | None = None
    start: Edtf | None = None
    end: Edtf | None = None
    citations: tuple[Citation, ...] = ()
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Relation:
    actor: ActorRef
    label: str
    start: Edtf | None = None
    end: Edtf | None = None
    citations: tuple[Citation, ...] = ()
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Actor:
    id: str
    name: str
    kind: str
    summary: str | None = None
    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    relations: tuple[Relation, ...] = ()
    tags: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    notes: tuple[Note, ...] = ()
    record_kind: RecordKind = "actor"

    @property
    def ref(self) -> ActorRef:
        return ActorRef(id=self.id, name=self.name, kind=self.kind)


@dataclass(frozen=True, kw_only=True, slots=True)
class Event:
    id: str
    title: str
    date: Edtf
    date_text: str | None = None
    place: str | None = None
    participants: tuple[Actor, ...] = ()
    summary: str | None = None
    tags: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    notes: tuple[Note, ...] = ()
    record_kind: RecordKind = "event"


@dataclass(frozen=True, kw_only=True, slots=True)
class Original:
    lang: str
    text: str
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Quote:
    id: str
    speaker: Actor
    text: str
    form: str
    lang: str
    addressed_to: tuple[Actor, ...] = ()
    event: Event | None = None
    date: Edtf | None = None  # its own date, else its event's
    date_text: str | None = None
    original: Original | None = None
    tags: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    notes: tuple[Note, ...] = ()
    record_kind: RecordKind = "quote"


@dataclass(frozen=True, kw_only=True, slots=True)
class Value:
    amount: str
    approximate: bool = False
    unit: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Claim:
    id: str
    statement: str
    subject: Actor
    status: str
    confidence: str
    topic: str | None = None
    event: Event | None = None
    according_to: Actor | None = None
    value: Value | None = None
    date: Edtf | None = None
    date_text: str | None = None
    tags: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    notes: tuple[Note, ...] = ()
    record_kind: RecordKind = "claim"


Record = Actor | Event | Quote | Claim | Source


@dataclass(frozen=True, kw_only=True, slots=True)
class ActorLinks:
    """What points at an actor: computed, never typed twice (FollowTheMoney's reverse properties)."""

    events: tuple[Event, ...] = ()
    quotes_by: tuple[Quote, ...] = ()
    quotes_to: tuple[Quote, ...] = ()
    claims_by: tuple[Claim, ...] = ()
    claims_about: tuple[Claim, ...] = ()
    mentioned_in: tuple[Record, ...] = ()  # other actors whose roles or relations name this actor


@dataclass(frozen=True, kw_only=True, slots=True)
class Dossier:
    """The whole validated dossier. Tuples are in a deterministic order: events and quotes by date, the rest by id."""

    lang: str
    actors: tuple[Actor, ...]
    events: tuple[Event, ...]
    quotes: tuple[Quote, ...]
    claims: tuple[Claim, ...]
    sources: tuple[Source, ...]
    actor_links: Mapping[str, ActorLinks] = field(repr=False)
    citations_of: Mapping[str, tuple[tuple[Record, Citation], ...]] = field(repr=False)  # by source id

    def links(self, actor: Actor) -> ActorLinks:
        return self.actor_links[actor.id]

    def __len__(self) -> int:
        return len(self.actors) + len(self.events) + len(self.quotes) + len(self.claims) + len(self.sources)
