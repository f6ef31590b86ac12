"""The exports as the site publishes them: the files of :mod:`dossier.export` under ``dati/`` (the feed at the site's
root: see :data:`FEED`), with the "Dati" page that lists them, for the plugin (``mkdocs build``), ``dossier render
--out`` and ``dossier export``.

The records' addresses come from the site's layout (:meth:`dossier.render.Site.urls`), absolute under ``site_url``;
the feed's dates from the data folder's git history (:mod:`dossier.export.history`), else from the dates the data
gives (a note's ``date``). No MkDocs here: the adapters pass the facts of ``mkdocs.yml`` as a :class:`Publication`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from dossier import model
from dossier.export import FILES, FORMATS, adapter, check_formats, export_files, history, neutral
from dossier.i18n import Words
from dossier.render import Renderer, Site

FOLDER = "dati"  # where the site publishes the exports, and the Dati page
PAGE = f"{FOLDER}/index.md"
# The feed is published at the root, beside sitemap.xml, and linked from every page's head (dossier/theme/main.html).
# Material takes every <link rel="alternate"> for a translation of the site and fetches the sitemap.xml beside its
# address: beside dati/feed.xml there is none (a 404 in every page's console), beside feed.xml it is the site's own.
FEED = "feed.xml"


def site_path(path: str) -> str:
    """Where the site publishes the export file ``path``: the feed at the root, everything else under ``dati/``."""
    return FEED if path == FEED else f"{FOLDER}/{path}"


@dataclass(frozen=True, kw_only=True, slots=True)
class Publication:
    """What the exports need to know of the site: ``mkdocs.yml``'s facts and the plugin's ``license``."""

    title: str  # site_name
    site_url: str | None = None  # where the site is published; ends in '/'
    directory_urls: bool = True
    license: Mapping[str, str] | None = None  # {name, path, title}, as the Data Package declares it
    data_dir: Path | None = None  # the data folder, for the dates of its git history

    def __post_init__(self) -> None:
        if self.site_url and not self.site_url.endswith("/"):
            object.__setattr__(self, "site_url", self.site_url + "/")

    @property
    def feed_url(self) -> str | None:
        """The published feed's address (its ``self`` link), when the site's is known."""
        return f"{self.site_url}{FEED}" if self.site_url else None


@dataclass(frozen=True, slots=True)
class Exported:
    """The files of each format chosen, by path; and, when the feed was asked for, why git gave no dates."""

    formats: dict[str, dict[str, bytes]]
    undated: str | None = None  # the reason, when the data folder has no history: the feed has explicit dates only

    @property
    def files(self) -> dict[str, bytes]:
        return dict(sorted(item for files in self.formats.values() for item in files.items()))


def export(
    core: model.Dossier,
    site: Site,
    publication: Publication,
    formats: Collection[str] = FORMATS,
    known: Mapping[tuple[str, str], neutral.Record] | None = None,
) -> Exported:
    """The export files of ``core`` as laid out on ``site``; raises :class:`~dossier.export.UnknownFormat`.
    ``known``: records converted already (by a :class:`~dossier.render.Renderer`, for the pages' JSON-LD)."""
    check_formats(formats)
    dossier = adapter.from_core(
        core, title=publication.title, base_url=publication.site_url, links=site.urls(publication.directory_urls),
        data_dir=publication.data_dir, known=known,
    )  # fmt: skip
    dates: dict[tuple[str, str], history.Dated] = {}
    undated = None
    if "atom" in formats:
        found = history.file_history(publication.data_dir) if publication.data_dir else history.History({}, None)
        dates = history.record_dates(dossier, found)
        undated = found.reason
    by_format = {
        fmt: export_files(dossier, [fmt], dates=dates, license=publication.license, feed_url=publication.feed_url)
        for fmt in FORMATS
        if fmt in formats
    }
    return Exported(by_format, undated)


@dataclass(frozen=True, slots=True)
class Published:
    """What the site publishes under ``dati/``: the page (Markdown) and the files (by site path)."""

    page: str
    files: dict[str, bytes] = field(default_factory=dict)
    undated: str | None = None


def published(core: model.Dossier, renderer: Renderer, publication: Publication) -> Published:
    """Every export under ``dati/`` and the page listing them (``dati/index.md``)."""
    exported = export(core, renderer.site, publication, known=renderer.neutral)
    page = renderer.data_page(PAGE, downloads(exported, renderer.words), publication.license)
    files = {site_path(path): data for path, data in exported.files.items()}
    return Published(page, files, exported.undated)


def downloads(exported: Exported, words: Words) -> list[dict[str, Any]]:
    """What the Dati page lists, for each format exported: its main file and the files that go with it (their names
    and site paths), the size of them all, and (in English, for formats the page's template does not describe) what
    it is for."""
    entries = []
    for fmt, files in exported.formats.items():
        main, description = FILES[fmt]
        entries.append(
            {
                "format": fmt, "file": main, "path": site_path(main), "description": description,
                "size": size_words(sum(len(data) for data in files.values()), words),
                "also": [(posixpath.basename(path), site_path(path)) for path in files if path != main],
            }
        )  # fmt: skip
    return entries


def size_words(size: int, words: Words) -> str:
    """'840 B', '12 kB', '3,4 MB': a file size as readers of ``words``' language write numbers."""
    if size < 1000:
        return f"{words.number(size)} B"
    for unit, scale in (("kB", 1000), ("MB", 1000**2), ("GB", 1000**3)):
        value = Decimal(size) / scale
        if value < 1000 or unit == "GB":
            rounded = value.quantize(Decimal("1") if value >= 10 else Decimal("0.1"))
            return f"{words.number(rounded)} {unit}"
    raise AssertionError("unreachable")
