"""The raw records, exactly as editors write them: one pydantic model per kind, declared once.

Every scalar arrives as a string (see :mod:`dossier.loader`); these models say which strings are legal.
References are still plain ids here; :mod:`dossier.resolve` turns them into objects. The same models give the
JSON Schema that editors' YAML extensions use for completion (``dossier schema``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from dossier import edtf

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_RE = re.compile(ID_PATTERN)

ACTOR_KINDS = ("person", "organization", "country", "group")
NOTE_KINDS = ("context", "correction", "verification", "translation")
QUOTE_FORMS = ("direct", "partial", "paraphrase")
CLAIM_STATUSES = ("reported", "confirmed", "disputed", "denied", "retracted")
CONFIDENCES = ("high", "medium", "low")
SOURCE_KINDS = (
    "article", "social-post", "official-statement", "report", "broadcast", "book", "interview", "dataset", "other",
)  # fmt: skip

# Bidirectional controls and invisible characters: legal in quoted speech, never in names, titles, ids or URLs,
# where they can disguise what a reader sees.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _visible_line(value: str) -> str:
    if "\n" in value:
        raise ValueError("must be a single line")
    found = _INVISIBLE.search(value)
    if found:
        raise ValueError(f"invisible or bidirectional character U+{ord(found.group()):04X} is not allowed here")
    if value != value.strip():
        raise ValueError("must not start or end with spaces")
    return unicodedata.normalize("NFC", value)


def _filled(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _edtf(value: str) -> str:
    edtf.parse(value)
    return value


def _url(value: str) -> str:
    if _INVISIBLE.search(value) or any(ch.isspace() or ord(ch) < 32 for ch in value):
        raise ValueError("a URL must not contain spaces, control or invisible characters")
    try:
        parts = urlsplit(value)
    except ValueError as exc:  # 'Invalid IPv6 URL', and netlocs that NFKC normalisation would change
        raise ValueError(f"'{value}' is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"'{value}' is not an http(s) URL")
    if not parts.hostname:
        raise ValueError(f"'{value}' has no host name")
    return value


Id = Annotated[str, StringConstraints(max_length=80, pattern=ID_PATTERN)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=300), AfterValidator(_visible_line)]
Markdown = Annotated[str, StringConstraints(min_length=1, max_length=4000), AfterValidator(_filled)]
Words = Annotated[str, StringConstraints(min_length=1, max_length=2000), AfterValidator(_filled)]
Affix = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_filled)]
EdtfText = Annotated[str, StringConstraints(min_length=1, max_length=40), AfterValidator(_edtf)]
Url = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_url)]
Lang = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
Flag = Literal["true", "false"]
Number = Annotated[str, StringConstraints(max_length=30, pattern=r"^-?[0-9]+(\.[0-9]+)?$")]
FileName = Annotated[str, StringConstraints(max_length=120, pattern=r"^[a-z0-9][a-z0-9._-]*\.txt$")]


class Strict(BaseModel):
    # Not `strict`: the loader only ever yields str, list and dict, and lists must become tuples.
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class Note(Strict):
    """An editorial annotation in Markdown: context, a correction, how something was verified or translated."""

    text: Markdown
    kind: Literal[NOTE_KINDS] | None = None  # type: ignore[valid-type]


Notes = tuple[Note, ...]


class Citation(Strict):
    """A source and the exact words in it that support the fact (W3C TextQuoteSelector)."""

    source: Id = Field(description="Id of a record in data/sources/")
    passage: Words = Field(description="The exact words of the source that support the fact")
    prefix: Affix | None = Field(None, description="Words just before the passage, to tell repeats apart")
    suffix: Affix | None = Field(None, description="Words just after the passage, to tell repeats apart")
    locator: Line | None = Field(None, description="Where in the source: a page, a paragraph, a timestamp")
    notes: Notes = ()


Citations = tuple[Citation, ...]
Cited = Annotated[Citations, Field(min_length=1, description="Every fact cites at least one source")]
Tags = tuple[Id, ...]


class Role(Strict):
    title: Line
    of: Id | None = Field(None, description="Id of the actor (organisation, country) the role is held in")
    start: EdtfText | None = None
    end: EdtfText | None = None
    sources: Citations = ()
    notes: Notes = ()


class Relation(Strict):
    actor: Id = Field(description="Id of the related actor")
    label: Line = Field(description="The relation in words, in the dossier's language: 'alleato di'")
    start: EdtfText | None = None
    end: EdtfText | None = None
    sources: Citations = ()
    notes: Notes = ()


class Actor(Strict):
    """A person, organisation, country or group."""

    name: Line
    kind: Literal[ACTOR_KINDS]  # type: ignore[valid-type]
    summary: Markdown | None = None
    aliases: tuple[Line, ...] = ()
    roles: tuple[Role, ...] = ()
    relations: tuple[Relation, ...] = ()
    tags: Tags = ()
    sources: Citations = ()
    notes: Notes = ()


class Event(Strict):
    """Something that happened, at a date of known precision."""

    title: Line
    date: EdtfText = Field(description="EDTF: 2025, 2025-09, 2025-09-03, 2025-06~, 2024-08/2025-04, ../2025")
    date_text: Line | None = Field(None, description="The source's own words for the date: 'lo scorso giugno'")
    place: Line | None = None
    participants: tuple[Id, ...] = ()
    summary: Markdown | None = None
    tags: Tags = ()
    sources: Cited
    notes: Notes = ()


class Original(Strict):
    """The words as originally spoken, beside the published translation."""

    lang: Lang
    text: Words
    notes: Notes = ()


class Quote(Strict):
    """Words someone said or wrote, as published."""

    speaker: Id
    text: Words
    form: Literal[QUOTE_FORMS]  # type: ignore[valid-type]
    lang: Lang | None = Field(None, description="Language of text; the dossier's language when omitted")
    addressed_to: tuple[Id, ...] = ()
    event: Id | None = None
    date: EdtfText | None = Field(None, description="When it was said; the event's date when omitted")
    date_text: Line | None = None
    original: Original | None = None
    tags: Tags = ()
    sources: Cited
    notes: Notes = ()


class Value(Strict):
    """A figure a claim puts forward."""

    amount: Number
    approximate: Flag = "false"
    unit: Line | None = None


class Claim(Strict):
    """A statement someone asserts, with its status and the editors' confidence."""

    statement: Markdown
    subject: Id = Field(description="Id of the actor the claim is about")
    topic: Line | None = Field(None, description="Claims with the same subject and topic are compared side by side")
    event: Id | None = None
    according_to: Id | None = Field(None, description="Id of the actor who asserts it; omitted: the source itself")
    value: Value | None = None
    status: Literal[CLAIM_STATUSES]  # type: ignore[valid-type]
    confidence: Literal[CONFIDENCES]  # type: ignore[valid-type]
    date: EdtfText | None = None
    date_text: Line | None = None
    tags: Tags = ()
    sources: Cited
    notes: Notes = ()


class Source(Strict):
    """Where facts come from. Record only what is known: no invented URL, author or day."""

    title: Line
    kind: Literal[SOURCE_KINDS]  # type: ignore[valid-type]
    lang: Lang
    published: EdtfText | None = None
    author: Line | None = None
    publisher: Line | None = None
    url: Url | None = None
    archive_url: Url | None = None
    accessed: EdtfText | None = None
    text_file: FileName | None = Field(None, description="The full text, a .txt file beside this one")
    summary: Markdown | None = None
    tags: Tags = ()
    notes: Notes = ()


RawRecord = Actor | Event | Quote | Claim | Source

# folder -> (singular kind, model); the order is the order of resolution
KINDS: dict[str, tuple[str, type[Strict]]] = {
    "actors": ("actor", Actor),
    "sources": ("source", Source),
    "events": ("event", Event),
    "quotes": ("quote", Quote),
    "claims": ("claim", Claim),
}
