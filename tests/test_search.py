"""The search index (dossier/search.py): what it holds, the other languages, the command, the preview, the errors.

What a reader finds, in a browser, is in tests/test_browser.py.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from sitekit import copy_project, pagefind_pages, run, searchable_pages

from dossier import search
from dossier.plugin import THEME_DIR

MATERIAL = Path(__import__("material").__file__).parent / "templates"
TRUMP = "trump-cospirate-contro-stati-uniti"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("search-project"))
    result = run(["mkdocs", "build", "--strict"], root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def site(project: Path, tmp_path: Path) -> Path:
    """A copy of the built bundled site, to index again."""
    return Path(shutil.copytree(project / "site", tmp_path / "site"))


# -- what the index holds ------------------------------------------------------------------------------------------
def test_the_index_holds_the_reader_pages_and_no_list_of_links(project: Path) -> None:
    pages = pagefind_pages(project / "site/pagefind")
    data = project / "data"
    expected = {"/": "page", "/metodo/": "page", "/contribuire/": "page"}
    expected |= {"/timeline/": "event", "/quotes/": "quote", "/claims/": "claim"}
    expected |= {f"/actors/{p.stem}/": "actor" for p in (data / "actors").glob("*.yml")}
    expected |= {f"/sources/{p.stem}/": "source" for p in (data / "sources").glob("*.yml")}
    expected |= {"/questions/": "question"} | {f"/tags/{p.stem}/": "tag" for p in (data / "tags").glob("*.yml")}
    assert {url: page["filters"]["kind"] for url, page in pages.items()} == {k: [v] for k, v in expected.items()}
    # Not the overview (its content is on the home page), the indexes of actors and sources, the tags page, 404.
    for url in ("/overview/", "/actors/", "/sources/", "/tags/", "/404.html"):
        assert (project / "site" / url.strip("/") / ("" if url.endswith(".html") else "index.html")).is_file()
        assert url not in pages


def test_pagefinds_script_is_also_written_compressed(project: Path) -> None:
    bundle = project / "site/pagefind"
    script = (bundle / "pagefind.js").read_bytes()
    assert gzip.decompress((bundle / search.SCRIPT_GZIP).read_bytes()) == script
    assert (bundle / search.SCRIPT_GZIP).stat().st_size < len(script) / 3
    assert not (bundle / "en" / search.SCRIPT_GZIP).exists()  # another language's bundle runs the site's script


def test_only_the_content_is_indexed_not_the_chrome_or_what_other_pages_hold(project: Path) -> None:
    pages = pagefind_pages(project / "site/pagefind")
    putin = pages["/actors/vladimir-putin/"]
    assert putin["meta"]["title"] == "Vladimir Putin"  # no permalink sign
    assert putin["content"].startswith("Vladimir Putin. persona. Presidente della Russia.")
    assert "Cerca" not in putin["content"] and "Vai al contenuto" not in putin["content"]  # header, skip link
    assert [anchor["id"] for anchor in putin["anchors"]] == ["vladimir-putin", "_roles", "_relations"]
    # His quotes and events are on their own pages: not here (the back-links are marked data-pagefind-ignore).
    assert "I vostri soldati" not in putin["content"]
    assert "Il presidente russo, Vladimir Putin" not in putin["content"]  # the words his role cites
    timeline = pages["/timeline/"]["content"]
    assert "Attore tutti" not in timeline and "Donald Trump Kim Jong-un" not in timeline  # the filter's options
    quotes = pages["/quotes/"]["content"]
    assert quotes.startswith("Citazioni. In ordine cronologico.")  # not the list by speaker


def test_text_in_another_language_is_indexed_on_its_own_in_that_language(project: Path) -> None:
    original = yaml.safe_load((project / f"data/quotes/{TRUMP}.yml").read_text(encoding="utf-8"))["original"]
    assert original["lang"] == "en"
    english = project / "site/pagefind/en"
    entry = json.loads((english / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["en"]  # stemmed as English, searched with English WebAssembly
    assert (english / "wasm.en.pagefind").is_file()
    (record,) = pagefind_pages(english).values()
    assert record["url"] == f"/quotes/#{TRUMP}"
    assert record["content"] == " ".join(original["text"].split())
    assert record["filters"] == {"kind": ["quote"]}
    assert record["meta"]["title"].startswith("Donald Trump: «Vi prego di dare i miei più calorosi saluti")
    # ... and left out of the Italian page, whose stemmer would mangle it.
    assert "warmest" not in pagefind_pages(project / "site/pagefind")["/quotes/"]["content"]
    manifest = json.loads((project / "site/pagefind" / search.MANIFEST).read_text(encoding="utf-8"))
    assert (manifest["state"], manifest["lang"], manifest["pages"], list(manifest["languages"])) == (
        "ready", "it", searchable_pages(project / "site"), ["en"]
    )  # fmt: skip
    # What tells the search box that a query may be English: the first four letters of the words, without accents.
    assert manifest["languages"]["en"] == " ".join(sorted(search._keys(original["text"])))
    assert {"warm", "rega", "cons", "puti", "to", "of"} <= set(manifest["languages"]["en"].split(" "))
    assert search._keys("Perché l'Università è così") == {"perc", "univ", "cosi"}


def test_a_figure_is_one_word_whatever_its_separators(project: Path) -> None:
    """Pagefind drops punctuation inside a word, indexing and searching: the claim's 15000 is found as 15.000 and
    15,000 (tests/test_browser.py types them)."""
    claims = pagefind_pages(project / "site/pagefind")["/claims/"]["content"]
    assert "Valore: circa 15.000 soldati" in claims  # formatted for the locale


# -- finding text in other languages in a page ----------------------------------------------------------------------
PAGE = """<html lang="it"><body><header><p lang="en">Menu</p></header>
<div class="dossier-searchable" data-pagefind-body data-pagefind-filter="kind:quote">
<h1 id="citazioni">Citazioni<a class="headerlink" href="#citazioni">¶</a></h1>
<blockquote lang="en"><p>Before any heading</p></blockquote>
<h2 id="_chronological">In ordine cronologico</h2>
<h3 id="q1">Trump: «Vi prego»<a class="headerlink" href="#q1">¶</a></h3>
<blockquote class="dossier-quote" lang="it"><p>Vi prego</p></blockquote>
<blockquote class="dossier-original" lang="en"><p>Please <em>give</em> my <span lang="en-US">regards</span></p>
</blockquote>
<div class="dossier-citations" data-search-exclude="data-search-exclude"><p lang="fr">Cité</p></div>
<div class="dossier-backlinks" data-pagefind-ignore><ul><li lang="fr">Ailleurs</li></ul></div>
<h3 id="q2">Macron</h3>
<blockquote lang="fr-FR"><p>Bonjour</p></blockquote>
<p lang="it-IT">Italiano</p><img lang="de" src="x.png"><p lang="EN-gb">   </p>
<p lang="x y">not a language</p>
</div>
<footer><p lang="de">Fußzeile</p></footer></body></html>"""


def test_fragments_in_other_languages_are_found_with_their_record() -> None:
    found = list(search._foreign(PAGE, "/quotes/", "it"))
    assert [(f.lang, f.url, f.title, f.kind) for f in found] == [
        ("en", "/quotes/#citazioni", "Citazioni", "quote"),  # under the page's title: the page
        ("en", "/quotes/#q1", "Trump: «Vi prego»", "quote"),  # under a record's heading: that record
        ("fr-fr", "/quotes/#q2", "Macron", "quote"),
    ]
    assert found[1].html.startswith('<blockquote class="dossier-original" lang="en"><p>Please <em>give</em>')
    assert found[1].html.endswith('<span lang="en-US">regards</span></p>\n</blockquote>')  # one fragment, nested
    # Not: outside the indexed content, in a part left out (citations), the page's language, empty, void elements.


def test_a_page_not_marked_for_search_has_no_fragments() -> None:
    assert list(search._foreign(PAGE.replace("data-pagefind-body", ""), "/q/", "it")) == []


# -- indexing a site: the command -------------------------------------------------------------------------------
def test_dossier_index_indexes_a_built_site(site: Path, run_cli: Callable[..., Result]) -> None:
    shutil.rmtree(site / "pagefind")
    result = run_cli("index", str(site))
    assert result.exit_code == 0, result.output
    pages = searchable_pages(site)
    assert re.fullmatch(
        rf"{re.escape(str(site))}/pagefind: {pages} pages, 1 passages in en \(\d+\.\d s\)\n", result.stdout
    )
    assert result.stderr == ""
    assert len(pagefind_pages(site / "pagefind")) == pages
    # Again: the index is replaced as a whole, and no working folder is left behind.
    (site / "pagefind/stale.txt").write_text("old\n", encoding="utf-8")
    assert run_cli("index", str(site)).exit_code == 0
    assert not (site / "pagefind/stale.txt").exists()
    assert sorted(p.name for p in site.iterdir() if p.name.startswith("pagefind")) == ["pagefind"]


def test_dossier_index_of_a_missing_folder_is_misuse(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("index", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert f"Directory '{tmp_path / 'nowhere'}' does not exist." in result.stderr


def test_dossier_index_of_a_folder_without_pages_says_so(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    (tmp_path / "notes.txt").write_text("no pages\n", encoding="utf-8")
    result = run_cli("index", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path}: no HTML pages in it (is it a built site?)\n"
    assert not any(p.name.startswith("pagefind") for p in tmp_path.iterdir())


def test_dossier_index_warns_when_no_page_marks_its_content(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="it"><body><nav>Menu</nav><p>Una pagina costruita senza i modelli del dossier</p>'
        "</body></html>",
        encoding="utf-8",
    )
    result = run_cli("index", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "1 pages" in result.stdout
    assert result.stderr.startswith("warning: no page marks its content for search (data-pagefind-body)")
    # Pagefind's fallback: the whole body, but for what it leaves out itself (nav, header, footer, forms).
    assert pagefind_pages(tmp_path / "pagefind")["/"]["content"] == "Una pagina costruita senza i modelli del dossier."


def test_a_missing_indexer_is_a_clear_error(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pagefind.service

    monkeypatch.setattr(pagefind.service, "get_executable", lambda: None)
    with pytest.raises(search.SearchError, match=re.escape("the Pagefind indexer is not installed (pip install")):
        search.index_site(site)
    assert sorted(p.name for p in site.iterdir() if p.name.startswith("pagefind")) == ["pagefind"]


def test_an_indexer_that_stops_is_a_clear_error(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "pagefind-broken"
    broken.write_text("#!/bin/sh\necho 'out of memory' >&2\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(broken))
    before = sorted(p.relative_to(site).as_posix() for p in (site / "pagefind").rglob("*"))
    with pytest.raises(search.SearchError, match=r"^the Pagefind indexer stopped: out of memory$"):
        search.index_site(site)
    # The previous index is untouched, and the working folder is gone.
    assert sorted(p.relative_to(site).as_posix() for p in (site / "pagefind").rglob("*")) == before
    assert sorted(p.name for p in site.iterdir() if p.name.startswith("pagefind")) == ["pagefind"]


def test_a_failed_index_fails_mkdocs_build_with_the_message(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    result = run(["mkdocs", "build", "--strict"], project, PAGEFIND_BINARY_PATH=str(tmp_path / "none"))
    assert result.returncode == 1
    assert "Error: the Pagefind indexer is not installed (pip install 'pagefind[bin]')" in result.stderr
    assert "Traceback" not in result.stderr


# -- MkDocs: the theme, the preview ------------------------------------------------------------------------------
def test_the_header_is_materials_but_for_the_search_box() -> None:
    """theme/partials/header.html is Material's with one branch added: a Material upgrade that changes its header
    fails here, and the override is then refreshed from the new one."""
    ours = (THEME_DIR / "partials/header.html").read_text(encoding="utf-8")
    material = (MATERIAL / "partials/header.html").read_text(encoding="utf-8")
    added = re.search(r"\n *\{#- dossier:.*?\n(?= *\{% endif %\}\n *\{% if config.repo_url %\})", ours, re.S)
    assert added is not None
    assert "partials/dossier-search.html" in added.group(0)
    strip = re.compile(r"\A\{#-.*?-#\}\n", re.S)  # the comment at the top
    assert strip.sub("", ours.replace(added.group(0), "\n", 1)) == strip.sub("", material)


def test_with_materials_search_plugin_the_site_keeps_materials_search(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(config.replace("plugins:\n", "plugins:\n  - search\n", 1), encoding="utf-8")
    result = run(["mkdocs", "build", "--strict"], project)
    assert result.returncode == 0, result.stderr
    assert "search index" not in result.stderr
    assert not (project / "site/pagefind").exists()
    assert (project / "site/search/search_index.json").is_file()
    home = (project / "site/index.html").read_text(encoding="utf-8")
    assert 'name="search"' in home and "data-dossier-search" not in home


@pytest.fixture
def indexer() -> Iterator[search.Indexer]:
    """The plugin's search indexer, as one build after another uses it."""
    made = search.Indexer()
    yield made
    made.shutdown()


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch, indexer: search.Indexer) -> Iterator[dict[str, threading.Event]]:
    """Background indexing held just after Pagefind was started and given the site, until ``go`` is set."""
    events = {"reading": threading.Event(), "go": threading.Event()}
    scan = search._scan

    def held_scan(*args: Any) -> Any:
        events["reading"].set()
        events["go"].wait(timeout=30)
        return scan(*args)

    monkeypatch.setattr(search, "_scan", held_scan)
    yield events
    events["go"].set()
    indexer.shutdown()


def _state(site: Path) -> str:
    return str(json.loads((site / "pagefind" / search.MANIFEST).read_text(encoding="utf-8"))["state"])


def test_the_preview_indexes_in_the_background(
    site: Path, held: dict[str, threading.Event], indexer: search.Indexer
) -> None:
    shutil.rmtree(site / "pagefind")
    indexer.after_build({"site_dir": str(site), "plugins": {"dossier": None}}, serving=True)
    assert held["reading"].wait(timeout=30)  # returned before the index was built ...
    assert _state(site) == "indexing"  # ... and the search box says so meanwhile
    held["go"].set()
    job = indexer.job
    assert job is not None and job.thread is not None
    job.thread.join(timeout=60)
    assert _state(site) == "ready"
    assert len(pagefind_pages(site / "pagefind")) == searchable_pages(site)


def test_the_next_preview_build_stops_the_indexing(
    site: Path, held: dict[str, threading.Event], indexer: search.Indexer
) -> None:
    indexer.after_build({"site_dir": str(site), "plugins": {"dossier": None}}, serving=True)
    assert held["reading"].wait(timeout=30)
    job = indexer.job
    assert job is not None and job.service is not None
    next_build = {"plugins": {"dossier": None}, "site_dir": str(site)}
    stopping = threading.Thread(target=indexer.before_build, args=(next_build,))  # the next build starts ...
    stopping.start()
    assert job.cancelled.wait(timeout=30)
    job.service.process.wait(timeout=30)  # ... and the indexer is stopped at once, while it still works
    held["go"].set()
    stopping.join(timeout=60)
    assert not stopping.is_alive()
    assert job.thread is not None and not job.thread.is_alive()
    assert indexer.job is None
    assert _state(site) == "indexing"  # the cancelled index did not replace anything
    assert sorted(p.name for p in site.iterdir() if p.name.startswith("pagefind")) == ["pagefind"]


def test_pages_given_as_they_are_converted_make_the_index_of_the_written_site(project: Path, site: Path) -> None:
    """`mkdocs build` hands each page's content to Pagefind as soon as MkDocs has converted it, before any page is
    themed or written, so that Pagefind indexes while MkDocs builds. Same index as Pagefind reading the written
    pages (`dossier index`, the preview): the content given is what the theme marks for the index."""
    shutil.rmtree(site / "pagefind")
    search.index_site(site)
    given, read = pagefind_pages(project / "site/pagefind"), pagefind_pages(site / "pagefind")
    assert len(given) == searchable_pages(site)
    assert given == read  # text, title, kind, anchors: all the same
    assert pagefind_pages(project / "site/pagefind/en") == pagefind_pages(site / "pagefind/en")
    assert pagefind_pages(site / "pagefind/en").keys() == {f"/quotes/#{TRUMP}"}


def test_a_page_is_given_as_the_theme_marks_it() -> None:
    """What the index is given of a converted page: the kind its front matter says (a hand-written page is a
    "page"; a list of links none), and Material's heading when its content has none."""
    assert search.searched_kind({"search": {"kind": "event"}}) == "event"
    assert search.searched_kind({"title": "Metodo"}) == "page"
    assert search.searched_kind(None) == "page"
    assert search.searched_kind({"search": {"exclude": True}}) is None
    document = search.page_document("<p>Testo &amp; altro</p>", lang="it", kind="page", title="Metodo & fonti")
    assert document.startswith('<!doctype html><html lang="it">')
    assert '<div class="dossier-searchable" data-pagefind-body data-pagefind-filter="kind:page">' in document
    assert "<h1>Metodo &amp; fonti</h1><p>Testo &amp; altro</p></div>" in document
    assert search.page_document('<h1 id="t">Titolo</h1>', lang="it", kind="event", title="Altro").count("<h1") == 1


def test_a_failed_build_stops_the_index_and_writes_none(tmp_path: Path, indexer: search.Indexer) -> None:
    """The helper that indexes the pages during `mkdocs build` stops when the build fails, writing nothing; and one
    whose input ends without the last page's mark (the build's process died) writes nothing either."""
    config = {"site_dir": str(tmp_path), "plugins": {"dossier": None}}
    page = {"search": {"kind": "event"}}
    indexer.before_build(config)
    session = indexer.session
    assert session is not None
    indexer.add_content("timeline/", "<h1>Cronologia</h1><p>Parata a Pechino</p>", meta=page, title="T")
    indexer.abort()
    assert session.process.returncode is not None
    assert list(tmp_path.iterdir()) == []
    indexer.before_build(config)
    session = indexer.session
    assert session is not None and session.process.stdin is not None
    indexer.add_content("timeline/", "<h1>Cronologia</h1><p>Parata a Pechino</p>", meta=page, title="T")
    session.process.stdin.close()  # no end mark
    assert session.process.wait(timeout=60) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_helper_that_fails_is_a_clear_error(tmp_path: Path, indexer: search.Indexer) -> None:
    config = {"site_dir": str(tmp_path), "plugins": {"dossier": None}}
    indexer.before_build(config)
    session = indexer.session
    assert session is not None and session.process.stdin is not None
    session.process.stdin.write(search._FRAME.pack(1, 1) + b"/\xff")  # not UTF-8: the helper fails
    indexer.pages_done()
    with pytest.raises(search.SearchError, match=r"^the search index helper stopped: UnicodeDecodeError: 'utf-8'"):
        indexer.after_build(config)
    assert list(tmp_path.iterdir()) == []


def test_a_build_whose_pages_are_all_left_out_is_indexed_from_the_written_pages(
    site: Path, indexer: search.Indexer
) -> None:
    """No page handed over (every page says `search: {exclude: true}`): Pagefind reads the written site instead."""
    shutil.rmtree(site / "pagefind")
    config = {"site_dir": str(site), "plugins": {"dossier": None}}
    indexer.before_build(config)
    indexer.add_content("overview/", "<h1>Panoramica</h1>", meta={"search": {"exclude": True}}, title="P")
    indexer.pages_done()
    indexer.after_build(config)
    assert len(pagefind_pages(site / "pagefind")) == searchable_pages(site)


def test_the_preview_hands_no_page_over_during_its_builds(site: Path, indexer: search.Indexer) -> None:
    indexer.before_build({"site_dir": str(site), "plugins": {"dossier": None}}, serving=True)
    assert indexer.session is None  # its site is indexed once written, in the background


# -- the search box's words -------------------------------------------------------------------------------------------
def test_the_search_box_words_come_from_the_catalogues_for_every_kind() -> None:
    from dossier.i18n import Words
    from dossier.kinds import DEFAULT

    script = (Path(search.__file__).parent / "assets" / "search.js").read_text(encoding="utf-8")
    material = {"placeholder", "none", "one", "other", "more.one", "more.other"}  # Material's catalogue gives these
    asked = set(re.findall(r'say\("([a-z.]+)"', script)) - material
    assert {"kinds", "more", "passage", "in"} <= asked
    english = search.box_words(Words("en"), DEFAULT)
    for lang in ("it", "fr", "en"):
        words = search.box_words(Words(lang), DEFAULT)
        assert asked <= words.keys(), lang
        for kind in DEFAULT:  # the filter's buttons and each result's label, for every kind of page
            assert words[f"kind.{kind.name}"] and words[f"kinds.{kind.name}"], (lang, kind.name)
        if lang != "en":  # translated, not English left in place
            assert words["more"] != english["more"] and words["kinds.event"] != english["kinds.event"]
    italian = search.box_words(Words("it"), DEFAULT)
    assert (italian["kind.question"], italian["kinds.tag"], italian["kinds.all"]) == ("Domanda", "Temi", "Tutti")


def test_the_built_search_box_speaks_the_sites_language(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    result = run(["mkdocs", "build", "--strict"], project)
    assert result.returncode == 0, result.stderr
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert home.index("assets/dossier/search-words.js") < home.index("assets/dossier/search.js")  # loaded first
    script = (project / "site" / "assets/dossier/search-words.js").read_text(encoding="utf-8")
    given = json.loads(script.split("window.dossierSearch = ", 1)[1].removesuffix(";\n"))
    assert given["words"]["kinds.question"] == "Domande" and given["words"]["kind.event"] == "Evento"
    assert given["kinds"] == ["actor", "event", "quote", "claim", "question", "source", "tag", "page"]
    assert given["lists"] == ["event", "quote", "claim", "question"]  # their pages' headings are records


def test_a_cancelled_preview_index_stops_reading_pages_at_once(site: Path) -> None:
    """Under serve the next build waits for the background indexing to stop: reading the pages checks for that."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 32
    read: list[Path] = []
    original = Path.read_bytes

    def counted(path: Path) -> bytes:
        read.append(path)
        return original(path)

    job = search._Job(site)
    job.cancelled.set()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "read_bytes", counted)
        with pytest.raises(search.SearchError, match="indexing cancelled"):
            search._scan(site, pages, "it", job.check)
    assert read == []  # stopped before the first page
