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

from typing import Any

from dossier import markup
from dossier.export.jsondoc import dump_pretty
from dossier.export.neutral import Dossier, Point, Record, When


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


def _names(dossier: Dossier, kind: str, ids: tuple[str, ...]) -> str:
    index = {r.id: r for r in dossier.records.get(kind, ())}
    return ", ".join(markup.html(dossier.label(index[i])) if i in index else markup.html(i) for i in ids)


def _sources(dossier: Dossier, record: Record) -> str:
    """The sources a record cites, each once, linked where they have an address."""
    seen: list[str] = []
    for citation in record.citations:
        if citation.source not in seen:
            seen.append(citation.source)
    parts = []
    for source_id in seen:
        source = dossier.get("source", source_id)
        title = markup.html(dossier.label(source) if source else source_id)
        url = source.text("url") if source else None
        lang = source.text("lang") if source else None
        lang_attr = f' lang="{markup.html(lang)}"' if lang and lang != dossier.lang else ""
        if url:
            parts.append(f'<a href="{markup.html(url)}"{lang_attr}>{title}</a>')
        else:
            parts.append(f"<cite{lang_attr}>{title}</cite>" if lang_attr else f"<cite>{title}</cite>")
    return _p(dossier.words.get("sources", "Sources"), ", ".join(parts)) if parts else ""


def _link(dossier: Dossier, record: Record) -> str:
    url = dossier.url(record.kind, record.id)
    if not url:
        return ""
    return f'<p><a href="{markup.html(url)}">{markup.html(dossier.title)}</a></p>'


def event_slide(dossier: Dossier, event: Record, group: str | None = None) -> dict[str, Any] | None:
    when = event.when("date")
    if when is None:
        return None
    words = dossier.words
    text = [_date_line(dossier, when, event.text("date_text"))]
    summary = event.text("summary")
    if summary:
        text.append(markup.rich(summary))
    if event.text("place"):
        text.append(_p(words.get("place", "Place"), markup.html(event.text("place"))))
    if event.texts("participants"):
        text.append(
            _p(words.get("participants", "Participants"), _names(dossier, "actor", event.texts("participants")))
        )
    text += [_sources(dossier, event), _link(dossier, event)]
    slide: dict[str, Any] = {
        "unique_id": f"event-{event.id}",
        **_dates(when),
        "text": {"headline": markup.html(dossier.label(event)), "text": "".join(text)},
    }
    if group:
        slide["group"] = group
    return slide


def quote_slide(dossier: Dossier, quote: Record, group: str | None = None) -> dict[str, Any] | None:
    when = quote.when("date")
    if when is None:
        return None
    words = dossier.words
    speaker = quote.text("speaker") or ""
    lang = quote.text("lang") or dossier.lang
    body = f'<blockquote lang="{markup.html(lang)}"><p>{markup.html(quote.text("text") or "")}</p></blockquote>'
    text = [_date_line(dossier, when, quote.text("date_text")), body]
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
        text.append(_p(words.get("addressed_to", "Addressed to"), _names(dossier, "actor", addressed)))
    text += [_sources(dossier, quote), _link(dossier, quote)]
    slide: dict[str, Any] = {
        "unique_id": f"quote-{quote.id}",
        **_dates(when),
        "text": {"headline": _names(dossier, "actor", (speaker,)), "text": "".join(text)},
    }
    if group:
        slide["group"] = group
    return slide


def timeline(dossier: Dossier, *, quotes: bool = False) -> dict[str, Any]:
    """The TimelineJS data: a title slide, every dated event and, with ``quotes``, every dated quote."""
    words = dossier.words
    event_group = words.get("timeline", "Timeline") if quotes else None
    slides = [event_slide(dossier, e, event_group) for e in dossier.records.get("event", ())]
    if quotes:
        quote_group = words.get("quotes", "Quotes")
        slides += [quote_slide(dossier, q, quote_group) for q in dossier.records.get("quote", ())]
    return {
        "title": {"unique_id": "title", "text": {"headline": markup.html(dossier.title), "text": ""}},
        "events": [s for s in slides if s is not None],
    }


def timeline_json(dossier: Dossier, *, quotes: bool = False) -> bytes:
    return dump_pretty(timeline(dossier, quotes=quotes))
