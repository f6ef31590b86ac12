"""The dossier's data in the formats other tools read, each proven by that tool's own code in the tests.

    neutral   the form every export is built from (kinds declared as data, records as typed values)
    adapter   today's core model -> neutral form (the one module to redo when the core changes)
    jsondoc   the whole dossier as JSON, its JSON Schema, and the reader back
    tables    CSV tables + Frictionless Data Package
    timeline  TimelineJS 3
    ftm       FollowTheMoney entities (JSON lines)
    jsonld    schema.org JSON-LD, per record and as one graph
    history   when records were added and changed, from git
    feed      Atom feed of changes and corrections

:func:`export_files` gives every file as bytes, by path; writing them is the caller's business.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from dossier.export import feed, ftm, jsondoc, jsonld, tables, timeline
from dossier.export.history import Dated
from dossier.export.neutral import Dossier

FORMATS = ("json", "csv", "timeline", "ftm", "jsonld", "atom")

# What each format is, for the command line and the downloads page: (file, what it is for).
FILES = {
    "json": ("dossier.json", "The whole dossier in one JSON file, with its JSON Schema (dossier.schema.json)"),
    "csv": ("tables/datapackage.json", "CSV tables (one per kind, citations, notes) as a Frictionless Data Package"),
    "timeline": ("timeline.json", "TimelineJS 3 data: the events (and quotes) as slides"),
    "ftm": ("entities.ftm.json", "FollowTheMoney entities, one per line, for Aleph and the FtM tools"),
    "jsonld": ("dossier.jsonld", "schema.org JSON-LD: every record as one graph"),
    "atom": ("feed.xml", "Atom feed of the records added or changed and of corrections"),
}


class UnknownFormat(ValueError):
    """A format name that is not one of :data:`FORMATS`."""


def check_formats(formats: Collection[str]) -> None:
    """Raise :class:`UnknownFormat`, naming them and the known ones, if any of ``formats`` is not known."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise UnknownFormat(
            f"unknown format {', '.join(repr(u) for u in unknown)}: expected one of {', '.join(FORMATS)}"
        )


def export_files(
    dossier: Dossier,
    formats: Collection[str] = FORMATS,
    *,
    dates: Mapping[tuple[str, str], Dated] | None = None,
    timeline_quotes: bool = True,
    license: Mapping[str, str] | None = None,
    feed_url: str | None = None,
    feed_limit: int = feed.LIMIT,
    ftm_prefix: str = "",
) -> dict[str, bytes]:
    """``{path: bytes}`` of the chosen formats, paths '/'-separated and relative to the output folder.

    ``dates`` (from :func:`dossier.export.history.record_dates`) dates the feed's entries; ``license`` (a Data
    Package licence: ``{"name": ..., "path": ..., "title": ...}``) is declared in ``datapackage.json``.
    """
    check_formats(formats)
    files: dict[str, bytes] = {}
    if "json" in formats:
        files["dossier.json"] = jsondoc.to_json(dossier)
        files[jsondoc.SCHEMA_NAME] = jsondoc.dump_pretty(jsondoc.json_schema(dossier.kinds))
    if "csv" in formats:
        files.update(tables.tables(dossier, license=dict(license) if license else None))
    if "timeline" in formats:
        files["timeline.json"] = timeline.timeline_json(dossier, quotes=timeline_quotes)
    if "ftm" in formats:
        files["entities.ftm.json"] = ftm.ftm_lines(dossier, prefix=ftm_prefix)
    if "jsonld" in formats:
        files["dossier.jsonld"] = jsonld.graph_json(dossier)
    if "atom" in formats:
        files["feed.xml"] = feed.atom(dossier, dates or {}, limit=feed_limit, feed_url=feed_url)
    return dict(sorted(files.items()))


__all__ = ["FILES", "FORMATS", "Dossier", "UnknownFormat", "check_formats", "export_files"]
