"""The exports as the site publishes them: the files of :mod:`dossier.export` under ``dati/`` (the feed at the site's
root: see :data:`FEED`), with the "Dati" page that lists them, for the plugin (``mkdocs build``), ``dossier render
--out`` and ``dossier export``.

The records' addresses come from the site's layout (:meth:`dossier.render.Site.urls`), absolute under ``site_url``;
the feed's dates from the data folder's git history (:mod:`dossier.export.history`), else from the dates the data
gives (a note's ``date``). No MkDocs here: the adapters pass the facts of ``mkdocs.yml`` as a :class:`Publication`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Collection, Mapping
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
# The feed is published at the site's root, where readers look for it, and linked from every page's head with
# rel="alternate feed" (dossier/theme/main.html: with rel exactly "alternate", Material would take the link for a
# translation of the site and fetch a sitemap.xml beside it).
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


Sink = Callable[[str, bytes], None]


@dataclass(frozen=True, slots=True)
class Exported:
    """What :func:`export` made: the size of every file by format, the files' bytes (unless they went to a sink),
    and, when the feed was asked for and git gave no dates, why."""

    sizes: dict[str, dict[str, int]]  # by format: {path: size}
    data: dict[str, bytes] = field(default_factory=dict)  # {path: bytes}, when no sink took them
    undated: str | None = None  # the reason, when the data folder has no history: the feed has explicit dates only

    @property
    def files(self) -> dict[str, bytes]:
        return dict(sorted(self.data.items()))


def export(
    core: model.Dossier,
    site: Site,
    publication: Publication,
    formats: Collection[str] = FORMATS,
    known: Mapping[tuple[str, str], neutral.Record] | None = None,
    sink: Sink | None = None,
) -> Exported:
    """The export files of ``core`` as laid out on ``site``; raises :class:`~dossier.export.UnknownFormat`.
    ``known``: records converted already (by a :class:`~dossier.render.Renderer`, for the pages' JSON-LD); ``sink``:
    called with each file's path and bytes as soon as its format is made, instead of keeping them (the formats of a
    large dossier weigh more than the dossier itself)."""
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
    sizes: dict[str, dict[str, int]] = {}
    data: dict[str, bytes] = {}
    for fmt in (f for f in FORMATS if f in formats):
        files = export_files(dossier, [fmt], dates=dates, license=publication.license, feed_url=publication.feed_url)
        sizes[fmt] = {path: len(content) for path, content in files.items()}
        if sink is None:
            data.update(files)
        else:
            for path, content in files.items():
                sink(path, content)
        del files
    return Exported(sizes, data, undated)


@dataclass(frozen=True, slots=True)
class Published:
    """What the site publishes: the Dati page (Markdown), the export files by site path (their bytes, unless a sink
    took them), and why the feed has no git dates, if it has none."""

    page: str
    paths: dict[str, str]  # {site path: path among the exports}
    files: dict[str, bytes] = field(default_factory=dict)  # {site path: bytes}
    undated: str | None = None


def published(
    core: model.Dossier,
    renderer: Renderer,
    publication: Publication,
    sink: Sink | None = None,
) -> Published:
    """Every export (under ``dati/``, the feed at the root) and the page listing them (``dati/index.md``); ``sink``
    as for :func:`export`."""
    exported = export(core, renderer.site, publication, known=renderer.every_record(), sink=sink)
    renderer.neutral.clear()  # converted for the pages' JSON-LD and the exports: both are made
    return _published(renderer.data_page(PAGE, downloads(exported, renderer.words), publication.license), exported)


def previewed(core: model.Dossier, renderer: Renderer, publication: Publication, sink: Sink | None = None) -> Published:
    """Under ``mkdocs serve``: the feed (every page links it; it costs little) and the Dati page without the other
    files. Making every format again on each edit cost the preview of M about 3 s of a rebuild, for files an editor
    rarely opens there; the page says so and lists the formats, and ``mkdocs build`` or ``dossier export`` make the
    files."""
    exported = export(core, renderer.site, publication, formats=("atom",), known=renderer.every_record(), sink=sink)
    renderer.neutral.clear()
    entries = [
        {"format": fmt, "file": "", "path": "", "description": FILES[fmt][1], "size": "", "also": []} for fmt in FORMATS
    ]
    return _published(renderer.data_page(PAGE, entries, publication.license, preview=True), exported)


def _published(page: str, exported: Exported) -> Published:
    """The Dati page ``page`` with the files of ``exported``, at their paths on the site."""
    paths = {site_path(path): path for sizes in exported.sizes.values() for path in sizes}
    files = {site_path(path): content for path, content in exported.files.items()}
    return Published(page, dict(sorted(paths.items())), files, exported.undated)


def downloads(exported: Exported, words: Words) -> list[dict[str, Any]]:
    """What the Dati page lists, for each format exported: its main file and the files that go with it (their names
    and site paths), the size of them all, and (in English, for formats the page's template does not describe) what
    it is for."""
    entries = []
    for fmt, sizes in exported.sizes.items():
        main, description = FILES[fmt]
        entries.append(
            {
                "format": fmt, "file": main, "path": site_path(main), "description": description,
                "size": size_words(sum(sizes.values()), words),
                "also": [(posixpath.basename(path), site_path(path)) for path in sizes if path != main],
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
