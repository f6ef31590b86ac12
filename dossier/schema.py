"""The building blocks of record declarations: field types, the markers that say how a field resolves, notes.

Every scalar arrives as a string (see :mod:`dossier.loader`); the types here say which strings are legal, with a
message for each rule an editor can break. A field's annotation may carry a marker that the rest of the pipeline
reads instead of knowing the field by name:

- :class:`Link`: the field names records of other kinds (and the back-link they get);
- :class:`Convert`: the validated text becomes a richer value when resolved (a date, a flag);
- :class:`Stored`: the field names a text file beside the record, read and kept as the record's text;
- :class:`Excerpts`: the field holds excerpts of a text that cannot be stored whole, verified against like one;
- :data:`CITES`: the field is a list of citations, whose passages are verified against stored texts.

The record kinds themselves are declared with these in :mod:`dossier.kinds`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo
from pydantic_core import PydanticCustomError

from dossier import edtf


# -- markers ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Link:
    """The field names records of ``kinds`` (by id); each named record gets a back-link called ``reverse``.

    As in FollowTheMoney's schemata, a reference is declared once with its range and its reverse name, and the
    reverse side is computed, never typed twice.
    """

    kinds: tuple[str, ...]
    reverse: str | None = None
    label: str | None = None  # msgid naming the back-link for readers ('Events', 'Quotes addressed to ...')


def link(*kinds: str, reverse: str | None = None, label: str | None = None) -> Link:
    return Link(kinds=kinds, reverse=reverse, label=label)


@dataclass(frozen=True, slots=True)
class Convert:
    """The validated text is resolved into ``function(text)``."""

    function: Callable[[str], Any]


@dataclass(frozen=True, slots=True)
class Stored:
    """The field names a text file in the record's folder; the resolved record holds its text as ``into``."""

    into: str = "text"


@dataclass(frozen=True, slots=True)
class Excerpts:
    """The field is a list of parts whose ``text`` are stretches of a text that cannot be stored whole: where the
    record names no stored text, citations are verified against them, as against a full text."""


@dataclass(frozen=True, slots=True)
class Format:
    """What a text holds, for the tools that read the data besides the site (exports, editors): 'markdown', 'url',
    'lang', 'number'."""

    name: str


@dataclass(frozen=True, slots=True)
class _Cites:
    """The field is a list of citations: each names a record holding a stored text, and words of that text."""


CITES = _Cites()
DATE = Convert(edtf.parse)
FLAG = Convert(lambda text: text == "true")


# -- rules with their messages -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Pattern:
    """A regular expression a text must match, and what to tell an editor whose text does not."""

    regex: str
    code: str
    message: str  # formatted with {value}


ID = Pattern(
    r"^[a-z0-9]+(-[a-z0-9]+)*$",
    "bad-id",
    "'{value}' is not a valid id: use lowercase letters a-z, digits and single hyphens",
)
LANG = Pattern(
    r"^[a-z]{2,3}(-[A-Z]{2})?$",
    "bad-lang",
    "'{value}' is not a language code: use ISO 639 codes such as it, en, ko, ru",
)
NUMBER = Pattern(
    r"^-?[0-9]+(\.[0-9]+)?$",
    "bad-number",
    "'{value}' is not a number: write digits, with '.' for decimals (15000, 2.5)",
)
FILE_NAME = Pattern(
    r"^[a-z0-9][a-z0-9._-]*\.txt$",
    "bad-file-name",
    "'{value}' is not a valid text file name: lowercase, no folders, ending in .txt",
)
PATTERNS: Mapping[str, Pattern] = {p.regex: p for p in (ID, LANG, NUMBER, FILE_NAME)}
ID_PATTERN = ID.regex
ID_RE = re.compile(ID.regex)

# Bidirectional controls and invisible characters: legal in quoted speech, never in names, titles, ids or URLs,
# where they can disguise what a reader sees.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")  # \s is what str.isspace() calls whitespace


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


_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _edtf(value: str) -> str:
    edtf.parse(value)
    return value


def _day(value: str) -> str:
    """An EDTF date of day precision, exact: the day something was written (a correction's date)."""
    if not _DAY.match(value):
        raise ValueError(f"'{value}' is not a day: write it as YYYY-MM-DD (2025-09-04), with no ~ or ?")
    edtf.parse(value)  # a day the month has
    return value


def _url(value: str) -> str:
    if _INVISIBLE.search(value) or _SPACE_OR_CONTROL.search(value):
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


def ends_after_start(end: str | None, info: ValidationInfo) -> str | None:
    """For a model's ``end`` field: refuse an end before the ``start`` (reported at ``end``)."""
    start = info.data.get("start")
    if end is None or start is None:
        return end
    first, last = edtf.parse(start), edtf.parse(end)
    if (first.start and last.end and last.end.latest < first.start.earliest) or (
        first.start and last.start and last.start.latest < first.start.earliest
    ):
        raise PydanticCustomError("interval", "ends ({end}) before it starts ({start})", {"end": end, "start": start})
    return end


Id = Annotated[str, StringConstraints(max_length=80, pattern=ID.regex), Format("id")]
Line = Annotated[str, StringConstraints(min_length=1, max_length=300), AfterValidator(_visible_line)]
Markdown = Annotated[str, StringConstraints(min_length=1, max_length=4000), AfterValidator(_filled), Format("markdown")]
Words = Annotated[str, StringConstraints(min_length=1, max_length=2000), AfterValidator(_filled)]
Excerpted = Annotated[str, StringConstraints(min_length=1, max_length=10000), AfterValidator(_filled)]
Affix = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_filled)]
EdtfText = Annotated[str, StringConstraints(min_length=1, max_length=40), AfterValidator(_edtf), DATE]
Day = Annotated[str, StringConstraints(min_length=1, max_length=40), AfterValidator(_day)]
Url = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_url), Format("url")]
Lang = Annotated[str, StringConstraints(pattern=LANG.regex), Format("lang")]
Flag = Annotated[Literal["true", "false"], FLAG]
Number = Annotated[str, StringConstraints(max_length=30, pattern=NUMBER.regex), Format("number")]
TextFile = Annotated[str, StringConstraints(max_length=120, pattern=FILE_NAME.regex), Stored()]


class Strict(BaseModel):
    """A part of a record as editors write it: unknown fields are errors, nothing is coerced, nothing changes."""

    # Not `strict`: the loader only ever yields str, list and dict, and lists must become tuples.
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: annotations need hashable metadata
class Choices:
    """The legal values of a field, in order, each with its label for readers (an English msgid to translate)."""

    labels: Mapping[str, str]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(self.labels)


def choice(choices: Choices) -> Any:
    """The annotation of a field taking one of ``choices`` (with its labels, for templates and exports)."""
    return Annotated[Literal[choices.values], choices]


def N_(msgid: str) -> str:
    """Marks an interface string for translation where it is declared (``pybabel extract -k N_``); translated
    where it is shown."""
    return msgid


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a singular and plural pair for translation (``pybabel extract -k NN_:1,2``)."""
    return (singular, plural)


NOTE_KINDS = Choices(
    {"context": N_("Context"), "correction": N_("Correction"), "verification": N_("Verification"),
     "translation": N_("Translation")}
)  # fmt: skip


class Note(Strict):
    """An editorial annotation in Markdown: context, a correction, how something was verified or translated."""

    text: Markdown
    kind: choice(NOTE_KINDS) | None = None  # type: ignore[valid-type]
    lang: Lang | None = None  # the language of the text, when it is not the dossier's
    date: Day | None = Field(
        None, description="The day the note was written (YYYY-MM-DD): dates a correction in the feed without git"
    )


Notes = tuple[Note, ...]
