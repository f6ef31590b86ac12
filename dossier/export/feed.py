"""An Atom feed (RFC 4287) of the records most recently added or changed, and of corrections.

A record is dated by its files' history (:mod:`dossier.export.history`: ``published`` its addition, ``updated``
its last change) or, without history, by an explicit date in the data (``Record.updated``); a record with neither
is left out rather than dated by guess. A correction is a note of kind ``correction``, on the record or on any part
of it; it is dated by its own date where the data gives one, else by its record's last change, and gets an entry of
its own so that readers of a developing story see it even if they read the record before.

Text from data goes through ElementTree, which escapes it; characters XML 1.0 cannot carry are dropped.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import heapq
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass

from dossier.export.history import Dated
from dossier.export.neutral import Dossier, Record, notes_in

ATOM = "http://www.w3.org/2005/Atom"
XML = "http://www.w3.org/XML/1998/namespace"
LIMIT = 50
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SUMMARY_FIELDS = ("summary", "statement", "text")


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    title: str
    updated: str  # RFC 3339
    published: str | None
    summary: str
    link: str | None
    category: str
    category_label: str


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _day(date: str) -> str:
    """An explicit date of the data ('2025-09-04') as an RFC 3339 timestamp."""
    return f"{date}T00:00:00Z" if len(date) == 10 else date


@functools.lru_cache(maxsize=4096)  # a history has few distinct commit dates
def _instant(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(dt.UTC)


def _record_id(dossier: Dossier, record: Record) -> str:
    return dossier.url(record.kind, record.id) or f"urn:dossier:{record.kind}:{record.id}"


def entries(dossier: Dossier, dates: Mapping[tuple[str, str], Dated], limit: int | None = None) -> list[Entry]:
    """The ``limit`` newest dated entries (all without one), newest first; ties by id, so the order never depends
    on the run."""
    words = dossier.words
    found: list[Entry] = []
    for kind in dossier.kinds:
        category_label = words.get(kind.plural, kind.plural)
        for record in dossier.records.get(kind.name, ()):
            dated = dates.get((record.kind, record.id))
            updated = dated.changed if dated else _day(record.updated) if record.updated else None
            label = dossier.label(record)
            link = dossier.url(record.kind, record.id)
            if updated:
                summary = next((record.text(f) for f in _SUMMARY_FIELDS if record.text(f)), None) or label
                found.append(
                    Entry(
                        id=_record_id(dossier, record), title=label, updated=updated,
                        published=dated.added if dated else None, summary=summary, link=link, category=kind.plural,
                        category_label=category_label,
                    )
                )  # fmt: skip
            for _, note in notes_in(record, kind.fields):
                if note.kind != "correction":
                    continue
                when = _day(note.date) if note.date else updated
                if when is None:
                    continue
                digest = hashlib.sha256(note.text.encode("utf-8")).hexdigest()[:16]
                found.append(
                    Entry(
                        id=f"{_record_id(dossier, record)}#correction-{digest}",
                        title=f"{words.get('note.correction', 'Correction')}: {label}", updated=when,
                        published=None, summary=note.text, link=link, category="corrections",
                        category_label=words.get("note.correction", "Correction"),
                    )
                )  # fmt: skip

    def newest_first(entry: Entry) -> tuple[float, str]:
        return (-_instant(entry.updated).timestamp(), entry.id)

    return heapq.nsmallest(limit, found, key=newest_first) if limit is not None else sorted(found, key=newest_first)


def _fallback_updated() -> str:
    """The feed's date when nothing is dated: SOURCE_DATE_EPOCH (reproducible builds) or the epoch."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "0")
    seconds = int(epoch) if epoch.isdigit() else 0
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _feed_id(dossier: Dossier, feed_url: str | None) -> str:
    if feed_url:
        return feed_url
    if dossier.base_url:
        return dossier.base_url
    slug = re.sub(r"[^a-z0-9]+", "-", dossier.title.lower()).strip("-") or "dossier"
    return f"urn:dossier:{slug}"


def atom(
    dossier: Dossier, dates: Mapping[tuple[str, str], Dated], *, limit: int = LIMIT, feed_url: str | None = None
) -> bytes:
    """The feed's XML bytes: the ``limit`` newest entries."""
    chosen = entries(dossier, dates, limit)
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _clean(v) for k, v in attributes.items()})
        if text is not None:
            element.text = _clean(text)
        return element

    root = ET.Element(f"{{{ATOM}}}feed", {f"{{{XML}}}lang": dossier.lang})
    sub(root, "id", _feed_id(dossier, feed_url))
    sub(root, "title", dossier.title)
    sub(root, "updated", max((e.updated for e in chosen), key=_instant) if chosen else _fallback_updated())
    author = sub(root, "author")
    sub(author, "name", dossier.title)
    if feed_url:
        sub(root, "link", rel="self", href=feed_url, type="application/atom+xml")
    if dossier.base_url:
        sub(root, "link", rel="alternate", href=dossier.base_url, type="text/html")
    sub(root, "generator", "dossier")
    for entry in chosen:
        element = sub(root, "entry")
        sub(element, "id", entry.id)
        sub(element, "title", entry.title, type="text")
        sub(element, "updated", entry.updated)
        if entry.published:
            sub(element, "published", entry.published)
        if entry.link:
            sub(element, "link", rel="alternate", href=entry.link, type="text/html")
        sub(element, "category", term=entry.category, label=entry.category_label)
        sub(element, "summary", entry.summary, type="text")
    ET.indent(root, space=" ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")
