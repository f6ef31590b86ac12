"""The exports wired to the project: `dossier export`, the files and the Dati page the site publishes under dati/,
the JSON-LD of every page that shows records, the feed dated from git (or the data's own dates) and linked from
every page's head. Each published file is read by its reader's own code (extruct, pyld, feedparser, frictionless).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from click.testing import Result
from conftest import MINIMAL
from exportkit import expand
from sitekit import copy_project, run

from dossier import publish
from dossier.export import FILES, FORMATS
from dossier.i18n import Words
from dossier.markup import md
from dossier.project import load_project
from dossier.render import Renderer, site_address
from dossier.resolve import load

SITE_URL = "https://example.org/prova/"
LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "CC BY 4.0"}
TABLES = (
    "datapackage.json", "actors.csv", "actor_roles.csv", "actor_relations.csv", "events.csv", "quotes.csv",
    "claims.csv", "questions.csv", "sources.csv", "source_excerpts.csv", "tags.csv", "citations.csv", "notes.csv",
    "records.csv",
)  # fmt: skip
# Every file each format writes in the minimal dossier (FILES names the main one).
WRITES = {
    "json": {"dossier.json", "dossier.schema.json"},
    "csv": {f"tables/{name}" for name in TABLES},
    "timeline": {"timeline.json"},
    "ftm": {"entities.ftm.json"},
    "jsonld": {"dossier.jsonld"},
    "atom": {"feed.xml"},
}
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Redazione", "GIT_AUTHOR_EMAIL": "redazione@example.org", "GIT_COMMITTER_NAME": "Redazione",
    "GIT_COMMITTER_EMAIL": "redazione@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull,
}  # fmt: skip


def _config(root: Path, *, site_url: str | None = SITE_URL, directory_urls: bool = True, license: bool = True) -> Path:
    """A mkdocs.yml for the dossier in ``root/data`` (the minimal one of conftest's ``make_data``)."""
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text("# Prova\n", encoding="utf-8")
    lines = ["site_name: Dossier di prova"]
    if site_url:
        lines.append(f"site_url: {site_url}")
    lines += [f"use_directory_urls: {str(directory_urls).lower()}", "theme:", "  name: material", "  language: it"]
    lines += ["plugins:", "  - dossier:", "      data_dir: data"]
    if license:
        lines += ["      license:"] + [f"        {key}: {value}" for key, value in LICENSE.items()]
    config = root / "mkdocs.yml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def _git(root: Path, *args: str, date: str = "2025-09-04T10:00:00+02:00") -> None:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True)


def _commit_all(root: Path, message: str, date: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message, date=date)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- dossier export --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_writes_each_format(make_data: Callable[..., Path], run_cli: Callable[..., Result], fmt: str) -> None:
    make_data()
    _config(Path.cwd())
    result = run_cli("export", "--format", fmt, "--out", "out")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"out: wrote {len(WRITES[fmt])} files ({fmt})\n"
    written = _files(Path("out"))
    assert set(written) == WRITES[fmt] | {".dossier-render"}
    assert FILES[fmt][0] in written
    # The site's facts from mkdocs.yml reach each format.
    main = written[FILES[fmt][0]]
    if fmt == "json":
        document = json.loads(main)
        assert document["title"] == "Dossier di prova"
        assert [a["id"] for a in document["actors"]][:2] == ["corea-del-nord", "intelligence-sudcoreana"]
    elif fmt == "csv":
        assert json.loads(main)["licenses"] == [LICENSE]
    elif fmt == "jsonld":
        ids = {node["@id"] for node in json.loads(main)["@graph"]}
        assert f"{SITE_URL}actors/kim-jong-un/" in ids
        assert f"{SITE_URL}timeline/#incontro-putin-kim-diaoyutai" in ids
        assert f"{SITE_URL}sources/articolo-pechino-2025-09/" in ids
    elif fmt == "atom":
        import feedparser

        parsed = feedparser.parse(main)
        assert parsed.bozo is False
        assert parsed.feed.id == f"{SITE_URL}feed.xml"
        assert [link.href for link in parsed.feed.links if link.rel == "self"] == [f"{SITE_URL}feed.xml"]
    # Run again: the same bytes, so nothing is written.
    again = run_cli("export", "--format", fmt, "--out", "out")
    assert again.stdout == "out: unchanged\n"


def test_export_all_formats_by_default_and_by_list(
    make_data: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    make_data()
    _config(Path.cwd(), site_url=None, directory_urls=False)
    every = set().union(*WRITES.values())
    result = run_cli("export", "--out", "all")
    assert result.exit_code == 0, result.output
    assert set(_files(Path("all"))) == every | {".dossier-render"}
    listed = run_cli("export", "--format", "atom,json", "--format", "ftm", "--out", "some")
    assert listed.stdout == "some: wrote 4 files (json, ftm, atom)\n"
    assert set(_files(Path("some"))) == WRITES["json"] | WRITES["ftm"] | WRITES["atom"] | {".dossier-render"}
    assert _files(Path("some"))["dossier.json"] == _files(Path("all"))["dossier.json"]
    # Without site_url the records have no address: JSON-LD names them by URN, and pages end in .html.
    graph = json.loads(_files(Path("all"))["dossier.jsonld"])["@graph"]
    assert "urn:dossier:actor:kim-jong-un" in {node["@id"] for node in graph}
    assert not any("url" in node for node in graph if node["@type"] == "Person")


def test_export_of_invalid_data_writes_nothing(make_data: Callable[..., Path], run_cli: Callable[..., Result]) -> None:
    make_data({"quotes/putin-coraggio-eroismo.yml": "speaker: vladimir-putn\ntext: x\n"})
    _config(Path.cwd())
    result = run_cli("export", "--out", "out")
    assert result.exit_code == 1
    assert "speaker: unknown actor 'vladimir-putn' (did you mean 'vladimir-putin'?)" in result.stderr
    assert result.stdout == ""
    assert not Path("out").exists()


def test_export_of_invalid_data_keeps_the_previous_export(
    make_data: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    make_data()
    _config(Path.cwd())
    assert run_cli("export", "--out", "out").exit_code == 0
    before = _files(Path("out"))
    make_data({"events/incontro-putin-kim-diaoyutai.yml": "title: x\ndate: 2025-13\n"})
    assert run_cli("export", "--out", "out").exit_code == 1
    assert _files(Path("out")) == before


def test_export_unknown_format_is_a_usage_error(make_data: Callable[..., Path], run_cli: Callable[..., Result]) -> None:
    make_data()
    _config(Path.cwd())
    result = run_cli("export", "--format", "json,xml,pdf", "--out", "out")
    assert result.exit_code == 2
    assert (
        "Invalid value for '--format': unknown format 'pdf', 'xml': expected one of json, csv, timeline, ftm, "
        "jsonld, atom" in result.stderr
    )
    assert not Path("out").exists()


def test_export_refuses_a_folder_it_did_not_write(
    make_data: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    make_data()
    _config(Path.cwd())
    result = run_cli("export", "--out", "data")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: data is not empty and was not written by 'dossier render' or 'dossier export': choose another folder\n"
    )
    assert Path("data/actors/kim-jong-un.yml").is_file()


def test_export_dates_the_feed_from_git(make_data: Callable[..., Path], run_cli: Callable[..., Result]) -> None:
    import feedparser

    make_data()
    _config(Path.cwd())
    _git(Path.cwd(), "init", "-q")
    _commit_all(Path.cwd(), "first", "2025-09-04T10:00:00+02:00")
    event = Path("data/events/incontro-putin-kim-diaoyutai.yml")
    event.write_text(event.read_text(encoding="utf-8").replace("Putin ringrazia", "Putin ringraziò"), encoding="utf-8")
    _commit_all(Path.cwd(), "second", "2025-09-05T09:30:00+02:00")
    result = run_cli("export", "--format", "atom", "--out", "out")
    assert result.exit_code == 0 and result.stderr == ""
    parsed = feedparser.parse(Path("out/feed.xml").read_bytes())
    assert parsed.bozo is False
    records = sum(1 for _ in Path("data").rglob("*.yml"))
    assert len(parsed.entries) == records
    newest = parsed.entries[0]
    assert (newest.link, newest.updated, newest.published) == (
        f"{SITE_URL}timeline/#incontro-putin-kim-diaoyutai",
        "2025-09-05T09:30:00+02:00",
        "2025-09-04T10:00:00+02:00",
    )
    assert parsed.feed.updated == "2025-09-05T09:30:00+02:00"


def test_without_git_a_dated_correction_still_reaches_the_feed(
    make_data: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    import feedparser

    event = "events/incontro-putin-kim-diaoyutai.yml"
    correction = "  - kind: correction\n    date: 2025-09-06\n    text: Il luogo era stato scritto male.\n"
    make_data({event: MINIMAL[event] + correction})
    _config(Path.cwd())
    result = run_cli("export", "--format", "atom", "--out", "out")
    assert result.exit_code == 0
    assert result.stderr.startswith("note: the feed is dated by the data's own dates only: ")
    parsed = feedparser.parse(Path("out/feed.xml").read_bytes())
    assert parsed.bozo is False
    assert [(e.title, e.updated, e.summary) for e in parsed.entries] == [
        (
            "Correzione: Putin ringrazia Kim alla Diaoyutai State Guest House",
            "2025-09-06T00:00:00Z",
            "Il luogo era stato scritto male.",
        )
    ]


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2025-09", "'2025-09' is not a day: write it as YYYY-MM-DD (2025-09-04), with no ~ or ?"),
        ("2025-09-06~", "'2025-09-06~' is not a day: write it as YYYY-MM-DD (2025-09-04), with no ~ or ?"),
        ("6 settembre", "'6 settembre' is not a day: write it as YYYY-MM-DD (2025-09-04), with no ~ or ?"),
        ("2025-09-31", "'2025-09-31': September 2025 has no day 31 (it has 30 days)"),
    ],
)
def test_a_note_date_is_a_day(problems: Callable[..., list[str]], date: str, message: str) -> None:
    event = "events/incontro-putin-kim-diaoyutai.yml"
    found = problems({event: MINIMAL[event] + f"  - kind: correction\n    date: {date}\n    text: Corretto.\n"})
    assert found == [
        f"data/{event}:16:11: event 'incontro-putin-kim-diaoyutai': notes[1].date: {message}",
    ]


# -- where records are on the site -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "directory", "flat"),
    [
        ("actors/kim-jong-un.md", "actors/kim-jong-un/", "actors/kim-jong-un.html"),
        ("timeline/index.md#incontro", "timeline/#incontro", "timeline/index.html#incontro"),
        ("timeline/2025.md#e", "timeline/2025/#e", "timeline/2025.html#e"),
        ("index.md", "", "index.html"),
        ("dati/index.md", "dati/", "dati/index.html"),
    ],
)
def test_page_url_follows_use_directory_urls(uri: str, directory: str, flat: str) -> None:
    assert site_address(uri, True) == directory
    assert site_address(uri, False) == flat


# -- the Dati page -------------------------------------------------------------------------------------------------


def test_the_data_page_lists_every_file_and_the_licence(load_ok: Callable[..., Any], tmp_path: Path) -> None:
    core = load_ok()
    renderer = Renderer(core, lang="it")
    made = publish.published(core, renderer, publish.Publication(title="Prova", license=LICENSE))
    every = {path for files in WRITES.values() for path in files}
    assert set(made.files) == {f"dati/{path}" for path in every - {"feed.xml"}} | {"feed.xml"}
    for path in made.files:  # each file is linked, relative to the page
        assert f"]({path.removeprefix('dati/') if path.startswith('dati/') else '../' + path})" in made.page, path
    assert "# Dati\n" in made.page
    assert (
        "I dati sono pubblicati con la licenza [CC BY 4\\.0](https://creativecommons.org/licenses/by/4.0/) "
        "(CC\\-BY\\-4\\.0)."
    ) in made.page
    bare = publish.published(core, Renderer(core, lang="it"), publish.Publication(title="Prova"))
    assert "Per questi dati non è indicata alcuna licenza" in bare.page
    english = publish.published(core, Renderer(core, lang="en"), publish.Publication(title="Prova"))
    assert "# Data\n" in english.page and "No licence is declared for these data" in english.page


def test_sizes_are_said_in_the_readers_language() -> None:
    italian, english = Words("it"), Words("en")
    assert [publish.size_words(n, italian) for n in (999, 1000, 12_345, 3_456_789, 45_600_000)] == [
        "999 B", "1 kB", "12 kB", "3,5 MB", "46 MB",
    ]  # fmt: skip
    assert publish.size_words(3_456_789, english) == "3.5 MB"


# -- the built site ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project in a git repository of its own (two commits), built with `mkdocs build --strict`."""
    root = copy_project(tmp_path_factory.mktemp("publish"))
    _git(root, "init", "-q")
    _commit_all(root, "first", "2025-09-04T10:00:00+02:00")
    for path in sorted((root / "data" / "quotes").glob("*.yml"))[:2]:  # changed files, same records
        path.write_text(path.read_text(encoding="utf-8") + "# rivisto\n", encoding="utf-8")
    _commit_all(root, "second", "2025-09-06T18:00:00+02:00")
    result = run(["mkdocs", "build", "--strict"], root)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return root


def _pages(site: Path) -> dict[str, str]:
    """Every HTML page of a built site by its URL (relative to the site), but the 404 page."""
    return {
        path.relative_to(site).as_posix().removesuffix("index.html"): path.read_text(encoding="utf-8")
        for path in sorted(site.rglob("*.html"))
        if path.name != "404.html"
    }


def test_the_site_publishes_what_dossier_export_writes(project: Path) -> None:
    exported = run(["dossier", "export", "--out", "exported"], project)
    assert exported.returncode == 0, exported.stderr
    written = _files(project / "exported")
    written.pop(".dossier-render")
    published = {path: data for path, data in _files(project / "site" / "dati").items() if path != "index.html"}
    published["feed.xml"] = (project / "site" / "feed.xml").read_bytes()  # beside sitemap.xml (see publish.FEED)
    assert published == written
    package = json.loads(published["tables/datapackage.json"])
    assert package["licenses"] == [load_project(project).license]
    assert package["licenses"][0]["name"] == "CC-BY-4.0"


def test_the_published_data_package_is_valid(project: Path) -> None:
    from frictionless import validate

    report = validate(project / "site" / "dati" / "tables" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_the_published_feed_is_dated_by_git_and_linked_from_every_page(project: Path) -> None:
    import feedparser

    site = project / "site"
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert parsed.bozo is False, parsed.get("bozo_exception")
    records = sum(1 for _ in (project / "data").rglob("*.yml"))
    assert records >= 50 and len(parsed.entries) == 50  # the newest 50
    assert parsed.feed.updated == "2025-09-06T18:00:00+02:00"
    changed = [e for e in parsed.entries if e.updated == "2025-09-06T18:00:00+02:00"]
    assert len(changed) == 2 and all(e.published == "2025-09-04T10:00:00+02:00" for e in changed)
    pages = _pages(site)
    assert len(pages) > 20
    link = re.compile(r'<link rel="alternate feed" type="application/atom\+xml" title="([^"]*)" href="([^"]*)">')
    for url, html in pages.items():
        found = link.findall(html)
        assert len(found) == 1, url
        title, href = found[0]
        assert title == "Dossier Pechino, settembre 2025"
        assert urljoin(f"http://127.0.0.1/{url}", href) == "http://127.0.0.1/feed.xml", url


def test_the_data_page_links_resolve_and_show_the_licence(project: Path) -> None:
    site = project / "site"
    html = (site / "dati" / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"#]+\.(?:json|jsonld|csv|xml))"', html)
    published = {f"dati/{path}" for path in _files(site / "dati") if path != "index.html"} | {"feed.xml"}
    assert {urljoin("http://127.0.0.1/dati/", href).removeprefix("http://127.0.0.1/") for href in hrefs} == published
    assert '<a href="https://creativecommons.org/licenses/by/4.0/">Creative Commons Attribuzione 4.0' in html
    assert re.search(r"<h1[^>]*>Dati<", html)


def test_every_page_showing_records_carries_their_jsonld(project: Path) -> None:
    """extruct finds one JSON-LD document in each page that shows records, none elsewhere; pyld expands each with the
    shipped context, against the page's address; every record of the dossier is described, by the address of the
    place that shows it, and that place exists (a page, or an element with that id)."""
    import extruct

    site = project / "site"
    core = load(project / "data")
    base = "http://127.0.0.1:8000/"
    pages = _pages(site)
    described: dict[str, set[str]] = {}
    for url, html in pages.items():
        found = extruct.extract(html, base_url=base + url, syntaxes=["json-ld"], uniform=False)["json-ld"]
        generated = url.split("/")[0] in {kind.uri_folder for kind in core.registry}
        if not generated or url.endswith("overview/"):
            assert found == [], url
            continue
        assert len(found) == 1, url
        expanded = _expand_at(found[0], base + url)
        for node in expanded:
            described.setdefault(node["@id"], set()).add(url)
    # Every record, of every kind, is described where the site shows it.
    ids_by_kind: dict[str, set[str]] = {}
    for iri in described:
        path, _, fragment = iri.removeprefix(base).partition("#")
        target = pages.get(path)
        assert target is not None, f"{iri}: no such page"
        if fragment:
            assert f'id="{fragment}"' in target, f"{iri}: no element with that id"
        ids_by_kind.setdefault(path.split("/")[0], set()).add(fragment or path.split("/")[1])
    assert ids_by_kind == {
        kind.folder if kind.pages else kind.listing.folder: {r.id for r in core.records[kind.name]}
        for kind in core.registry
        if kind.listing is not None
    }


def _expand_at(document: dict[str, Any], url: str) -> list[dict[str, Any]]:
    """pyld's expansion with the shipped context only, relative addresses resolved against ``url``."""
    expanded = expand({**document, "@context": [document["@context"], {"@base": url}]})
    for node in expanded:
        assert urlsplit(node["@id"]).scheme == "http", node["@id"]
    return expanded


def test_a_shallow_clone_builds_with_a_note_in_the_log(project: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{project}", str(clone)], check=True, capture_output=True
    )
    result = run(["mkdocs", "build", "--strict"], clone)
    assert result.returncode == 0, result.stderr
    assert (
        "INFO    -  dossier: the feed is dated by the data's own dates only: a shallow clone has no full history "
        "(fetch it with fetch-depth: 0)\n" in result.stderr
    )


def test_the_preview_lists_the_formats_and_makes_no_file(load_ok: Callable[..., Any]) -> None:
    """Under `mkdocs serve` the exports are not made (seconds on every edit of a large dossier), but for the feed
    that every page links: the Dati page says so, with every format and what it is for, and links to no file."""
    core = load_ok()
    shown = publish.previewed(core, Renderer(core, lang="it"), publish.Publication(title="Prova", license=LICENSE))
    assert shown.paths == {"feed.xml": "feed.xml"} and list(shown.files) == ["feed.xml"]  # every page links it
    assert '!!! note "Anteprima"' in shown.page and "i file non vengono creati" in shown.page
    for name in ("JSON", "CSV", "TimelineJS", "FollowTheMoney", "JSON-LD", "Atom"):
        assert f"### {md(name)}\n" in shown.page
    assert "](" not in shown.page.split("## Licenza", 1)[0].split("## File da scaricare", 1)[1]  # no link to a file
