"""TimelineJS 3 JSON: a newsroom embeds the dossier's events (and, if asked, its quotes) as a timeline.

Dates keep their precision: a month is given as year and month, with no day, so TimelineJS places and labels it as
a month. The slide's ``display_date`` is the dossier's own words for the date ('giugno 2024 (circa)', 'fino a
settembre 2025'), and a date that is approximate, uncertain or open is also said in the slide's text. An interval
has a start and an end; an interval open at the start is placed at its end, since TimelineJS needs a start. No
media: the slides carry text and links only, so the timeline loads nothing from elsewhere.

Headlines and texts are HTML (TimelineJS sanitises them with DOMPurify): plain text from data is escaped, Markdown
fields are rendered by :func:`dossier.markup.rich`, and every text in another language is marked with ``lang``.
"""

from __future__ import annotations

import re
from typing import Any

from dossier import markup
from dossier.export.jsondoc import dumps
from dossier.export.neutral import Dossier, Point, Record, When

_PLAIN = re.compile(r"[\w .,;:'\"()?%/\-–—«»’‘“”°€$+=]*")  # letters, digits, spaces, plain punctuation
_MARKDOWN = re.compile(r"[\\`*_{}\[\]<>&#!|~\n]|  |^\s*(?:[-+>]|\d+[.)])\s|^\s|\s$|https?:|www\.|@")


def rich(text: str) -> str:
    """:func:`dossier.markup.rich`, without running Markdown over a text that holds no Markdown at all.

    Most summaries are plain sentences; Markdown and the sanitiser would only wrap them in a paragraph (a test
    checks that both ways give the same HTML).
    """
    if not _PLAIN.fullmatch(text) or _MARKDOWN.search(text):
        return markup.rich(text)
    return f"<p>{text}</p>"


def _date(point: Point) -> dict[str, str]:
    out = {"year": str(point.year)}
    if point.month:
        out["month"] = str(point.month)
        if point.day:
            out["day"] = str(point.day)
    return out


def _dates(when: When) -> dict[str, Any]:
    """start_date (and end_date), and display_date; an interval open at the start is placed at its end."""
    first = when.start or when.end
    assert first is not None  # an EDTF value always has a known end
    out: dict[str, Any] = {"start_date": _date(first)}
    if when.interval and when.start and when.end:
        out["end_date"] = _date(when.end)
    out["display_date"] = when.words
    return out


def _p(label: str, html: str) -> str:
    return f"<p><strong>{markup.html(label)}:</strong> {html}</p>"


def _date_line(dossier: Dossier, when: When, date_text: str | None) -> str:
    """The date in words, said in the text when it is approximate, uncertain or open, or has the source's words."""
    words = dossier.words
    open_interval = when.interval and not (when.start and when.end)
    if not (when.qualified or open_interval or date_text):
        return ""
    line = markup.html(when.words)
    if date_text:
        line += f" ({markup.html(words.get('date_text', 'in the source words'))}: «{markup.html(date_text)}»)"
    return _p(words.get("date", "Date"), line)


class _Slides:
    """Slides of one dossier, with its actors and sources indexed once."""

    def __init__(self, dossier: Dossier) -> None:
        self.dossier = dossier
        self.words = dossier.words
        self.names = {a.id: dossier.label(a) for a in dossier.records.get("actor", ())}
        self.sources = {s.id: s for s in dossier.records.get("source", ())}

    def names_of(self, ids: tuple[str, ...]) -> str:
        return ", ".join(markup.html(self.names.get(i, i)) for i in ids)

    def cited(self, record: Record) -> str:
        """The sources a record cites, each once, linked where they have an address."""
        parts = []
        for source_id in dict.fromkeys(c.source for c in record.citations):
            source = self.sources.get(source_id)
            title = markup.html(self.dossier.label(source) if source else source_id)
            url = source.text("url") if source else None
            lang = source.text("lang") if source else None
            lang_attr = f' lang="{markup.html(lang)}"' if lang and lang != self.dossier.lang else ""
            if url:
                parts.append(f'<a href="{markup.html(url)}"{lang_attr}>{title}</a>')
            else:
                parts.append(f"<cite{lang_attr}>{title}</cite>")
        return _p(self.words.get("sources", "Sources"), ", ".join(parts)) if parts else ""

    def link(self, record: Record) -> str:
        url = self.dossier.url(record.kind, record.id)
        if not url:
            return ""
        return f'<p><a href="{markup.html(url)}">{markup.html(self.dossier.title)}</a></p>'

    def event(self, event: Record, group: str | None = None) -> dict[str, Any] | None:
        when = event.placed
        if when is None:
            return None
        words = self.words
        text = [_date_line(self.dossier, when, event.text("date_text"))]
        summary = event.text("summary")
        if summary:
            text.append(rich(summary))
        place = event.text("place")
        if place:
            text.append(_p(words.get("place", "Place"), markup.html(place)))
        participants = event.texts("participants")
        if participants:
            text.append(_p(words.get("participants", "Participants"), self.names_of(participants)))
        text += [self.cited(event), self.link(event)]
        slide: dict[str, Any] = {
            "unique_id": f"event-{event.id}",
            **_dates(when),
            "text": {"headline": markup.html(self.dossier.label(event)), "text": "".join(text)},
        }
        if group:
            slide["group"] = group
        return slide

    def quote(self, quote: Record, group: str | None = None) -> dict[str, Any] | None:
        when = quote.placed
        if when is None:
            return None
        words = self.words
        lang = markup.html(quote.text("lang") or self.dossier.lang)
        body = f'<blockquote lang="{lang}"><p>{markup.html(quote.text("text") or "")}</p></blockquote>'
        text = [_date_line(self.dossier, when, quote.text("date_text")), body]
        original = quote.item("original")
        if original is not None:
            original_lang = markup.html(original.text("lang") or "")
            label = markup.html(words.get("original", "Original"))
            text.append(
                f"<p>{label} ({original_lang}):</p>"
                f'<blockquote lang="{original_lang}"><p>{markup.html(original.text("text") or "")}</p></blockquote>'
            )
        addressed = quote.texts("addressed_to")
        if addressed:
            text.append(_p(words.get("addressed_to", "Addressed to"), self.names_of(addressed)))
        text += [self.cited(quote), self.link(quote)]
        slide: dict[str, Any] = {
            "unique_id": f"quote-{quote.id}",
            **_dates(when),
            "text": {"headline": self.names_of((quote.text("speaker") or "",)), "text": "".join(text)},
        }
        if group:
            slide["group"] = group
        return slide


def timeline(dossier: Dossier, *, quotes: bool = False) -> dict[str, Any]:
    """The TimelineJS data: a title slide, every dated event and, with ``quotes``, every dated quote."""
    words = dossier.words
    maker = _Slides(dossier)
    event_group = words.get("timeline", "Timeline") if quotes else None
    slides = [maker.event(e, event_group) for e in dossier.records.get("event", ())]
    if quotes:
        quote_group = words.get("quotes", "Quotes")
        slides += [maker.quote(q, quote_group) for q in dossier.records.get("quote", ())]
    return {
        "title": {"unique_id": "title", "text": {"headline": markup.html(dossier.title), "text": ""}},
        "events": [s for s in slides if s is not None],
    }


def timeline_json(dossier: Dossier, *, quotes: bool = False) -> bytes:
    """The TimelineJS data as JSON bytes, one slide per line."""
    data = timeline(dossier, quotes=quotes)
    slides = ",\n".join(dumps(slide) for slide in data["events"])
    return f'{{"title":{dumps(data["title"])},\n"events":[\n{slides}\n]}}\n'.encode()
