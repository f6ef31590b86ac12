"""The built site in a real browser: search, citations to highlighted passages, the timeline filter, and no errors.

A copy of the project is built once (``mkdocs build --strict``) and served over HTTP on 127.0.0.1; Chromium
(Debian's, not a Playwright download) drives it. Without Chromium the tests are skipped, except in CI, where a
skipped browser test would hide a broken site: there they fail.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import pytest
import yaml
from browserkit import chromium, serve_folder
from sitekit import copy_project, run

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, Request, Route

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).parent / "mkdocs"
# Folders of generated pages that the crawl visits (with the home page).
CRAWLED = ("actors", "sources", "timeline", "quotes", "claims", "dati")
CRAWL_TABS = 6

# A word of exactly one event's title, in no other event: its search result must land on that event.
SEARCH_WORD = "comincia"
SEARCH_EVENT = "invio-soldati-nordcoreani-russia"
# Trump's quote, whose original words are English; the claim whose figure is 15000.
TRUMP = "trump-cospirate-contro-stati-uniti"
FIGURE_CLAIM = "soldati-nordcoreani-15mila"
# A stored English source, added to the built copy (the bundled dossier has none), and a claim citing it.
ENGLISH_SOURCE = "nota-diplomatica-inglese"
FIXTURE = {
    f"sources/{ENGLISH_SOURCE}.yml": (
        "title: Una nota diplomatica in inglese (testo di prova)\nkind: official-statement\nlang: en\n"
        f"published: 2025-09\ntext_file: {ENGLISH_SOURCE}.txt\n"
    ),
    f"sources/{ENGLISH_SOURCE}.txt": (
        "Officials said on Tuesday that the shipments had continued through the summer.\n"
        "Analysts cautioned that the figures could not be independently verified.\n"
    ),
    "claims/spedizioni-proseguite-estate.yml": (
        "statement: Secondo funzionari citati dalla nota, le spedizioni sono proseguite per tutta l'estate.\n"
        "subject: corea-del-nord\nstatus: reported\nconfidence: low\nsources:\n"
        f"  - source: {ENGLISH_SOURCE}\n    passage: the shipments had continued through the summer\n"
    ),
}
# The actor page, and the quote on it whose citation is followed to the source text.
ACTOR = "vladimir-putin"
QUOTE = "putin-coraggio-eroismo"

_QUOTES = str.maketrans({"“": '"', "”": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


def normalise(text: str) -> str:
    """Single spaces and straight quotes: how a cited passage is compared with the text on the page."""
    return " ".join(text.translate(_QUOTES).split())


# Fixtures --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built copy of the project (mkdocs.yml, docs/, data/), with an English source (:data:`FIXTURE`)."""
    root = copy_project(tmp_path_factory.mktemp("browser-project"))
    for name, text in FIXTURE.items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    result = run(["mkdocs", "build", "--strict"], root)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    assert (root / "site" / "timeline" / "index.html").is_file()
    return root


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    return project / "site"


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    """The built site served over HTTP on 127.0.0.1 (a free port), from a thread."""
    with serve_folder(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@dataclass
class Recorder:
    """What the pages of a test did that they must not: console errors, uncaught exceptions, requests elsewhere."""

    context: BrowserContext
    visited: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)

    def new_page(self) -> Page:
        """A page of the test's context whose errors and requests are recorded (with the page's URL)."""
        page = self.context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                source = message.location.get("url", "") if message.location else ""
                self.errors.append(f"[{page.url}] console error: {message.text} ({source})")

        def on_page_error(exc: Error) -> None:
            self.errors.append(f"[{page.url}] uncaught {exc.name}: {exc.message}")

        def on_request(request: Request) -> None:
            if urlsplit(request.url).hostname != "127.0.0.1":
                self.foreign.append(f"[{page.url}] request to another host: {request.method} {request.url}")

        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        page.on("request", on_request)
        self.pages.append(page)
        return page

    @property
    def page(self) -> Page:
        return self.pages[0] if self.pages else self.new_page()

    def goto(self, url: str, page: Page | None = None, wait_until: Literal["load", "commit"] = "load") -> None:
        page = page or self.page
        response = page.goto(url, wait_until=wait_until)
        assert response is not None, url
        assert response.ok, f"{url}: HTTP {response.status}"
        self.visited.append(page.url)

    def problems(self) -> list[str]:
        return self.errors + self.foreign

    def take(self) -> list[str]:
        """The problems so far, forgotten by the recorder (a test that asserts on them itself reports them once)."""
        problems = self.problems()
        self.errors.clear()
        self.foreign.clear()
        return problems


@pytest.fixture
def recorder(browser: Browser, base_url: str) -> Iterator[Recorder]:
    """A fresh browser context whose pages are recorded; the test fails if any of them misbehaved.

    Requests to any host but 127.0.0.1 are recorded and aborted (a tracker must not be reached from a test run).
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url)

    def on_route(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()

    context.route("**/*", on_route)
    rec = Recorder(context)
    try:
        yield rec
        for page in rec.pages:
            page.wait_for_load_state("networkidle")
        problems = rec.problems()
        assert not problems, "on the pages visited ({}):\n{}".format(", ".join(rec.visited), "\n".join(problems))
    finally:
        context.close()


def events_data(project: Path) -> dict[str, dict[str, Any]]:
    """The events of the built copy's data, by id (the file name), read straight from the YAML."""
    events = {}
    for path in sorted((project / "data" / "events").glob("*.yml")):
        events[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return events


# (a) Search ------------------------------------------------------------------------------------------------------


def search(page: Page, query: str) -> list[dict[str, str]]:
    """Type ``query`` in the header's search box, as a reader would; the results, in order: each one's address
    (path and anchor), the line saying what it is, and its title (those folded under "n more on this page" too)."""
    button = page.locator("label.md-header__button[for='__search']")
    if button.is_visible():  # narrow layouts: the header's button opens the search (Material hides it when wide)
        if not page.locator("#__search").is_checked():
            button.click()
    else:
        page.locator("input.md-search__input").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(query, delay=20)
    page.locator(f"[data-dossier-search][data-shown={json.dumps(query)}]").wait_for(state="attached", timeout=20_000)
    return page.locator(".md-search-result__link").evaluate_all(
        """links => links.map(a => ({
            href: new URL(a.href).pathname + new URL(a.href).hash,
            context: a.querySelector('.dossier-search-context').textContent,
            title: a.querySelector('h1, h2').textContent }))"""
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_search_result_lands_on_the_event(project: Path, recorder: Recorder, width: int) -> None:
    events = events_data(project)
    pattern = re.compile(rf"\b{SEARCH_WORD}\b", re.IGNORECASE)
    having = [eid for eid, e in events.items() if pattern.search(yaml.safe_dump(e, allow_unicode=True))]
    assert having == [SEARCH_EVENT], f"the search word {SEARCH_WORD!r} must occur in one event only: {having}"
    assert pattern.search(events[SEARCH_EVENT]["title"])

    page = recorder.page
    page.set_viewport_size({"width": width, "height": 900})
    recorder.goto("")
    results = search(page, SEARCH_WORD)
    assert results[0]["href"] == f"/timeline/#{SEARCH_EVENT}", results
    assert results[0]["context"].startswith("Evento")
    assert results[0]["title"] == events[SEARCH_EVENT]["title"]
    page.locator(".md-search-result__link").first.click()
    page.wait_for_url(re.compile(rf"/timeline/#{SEARCH_EVENT}$"))
    recorder.visited.append(page.url)

    assert not page.locator("#__search").is_checked()  # the search closed
    heading = page.locator(f"h4.dossier-event[id='{SEARCH_EVENT}']")
    assert heading.count() == 1
    assert heading.is_visible()
    assert normalise(events[SEARCH_EVENT]["title"]) in normalise(heading.inner_text())


def test_the_search_fetches_pagefinds_script_compressed(project: Path, recorder: Recorder) -> None:
    """Pagefind's script is fetched gzip-compressed and decompressed by the search box (13 kB instead of 45 kB
    from a server that does not compress), as Pagefind's WebAssembly and index are."""
    page = recorder.page
    fetched: list[str] = []
    page.on("requestfinished", lambda request: fetched.append(urlsplit(request.url).path))
    recorder.goto("")
    assert search(page, SEARCH_WORD)[0]["href"] == f"/timeline/#{SEARCH_EVENT}"
    assert "/pagefind/pagefind.js.gzip" in fetched
    assert "/pagefind/pagefind.js" not in fetched


def test_english_words_find_the_english_original_first(project: Path, recorder: Recorder) -> None:
    quote = yaml.safe_load((project / f"data/quotes/{TRUMP}.yml").read_text(encoding="utf-8"))
    original = " ".join(quote["original"]["text"].split())
    assert quote["original"]["lang"] == "en" and "warmest regards to Vladimir Putin" in original
    page = recorder.page
    recorder.goto("timeline/")
    results = search(page, "warmest regards to Vladimir Putin")
    assert results[0]["href"] == f"/quotes/#{TRUMP}", results
    assert results[0]["context"] == "Citazione · in EN"
    assert results[0]["title"].startswith("Donald Trump: «Vi prego di dare i miei più calorosi saluti")
    # Stemmed as English: forms that are not in the text find it (an Italian stemmer does not relate them).
    for words in ("regarding", "conspiring"):
        assert words not in original.lower()
        assert search(page, words)[0]["href"] == f"/quotes/#{TRUMP}", words


def test_english_words_find_the_passage_of_an_english_source(project: Path, recorder: Recorder) -> None:
    page = recorder.page
    recorder.goto("")
    results = search(page, "shipment continuing")  # the text has "shipments had continued"
    assert results[0]["href"] == f"/sources/{ENGLISH_SOURCE}/#p-1", results
    assert results[0]["context"] == "Fonte · passaggio 1 · in EN"
    page.locator(".md-search-result__link").first.click()
    page.wait_for_url(re.compile(rf"/sources/{ENGLISH_SOURCE}/#p-1$"))
    recorder.visited.append(page.url)
    mark = page.locator("mark[id='p-1']")
    assert mark.is_visible()
    assert mark.inner_text() == "the shipments had continued through the summer"
    assert page.locator(".dossier-source-text").get_attribute("lang") == "en"


def test_a_figure_is_found_however_it_is_written(project: Path, recorder: Recorder) -> None:
    claim = yaml.safe_load((project / f"data/claims/{FIGURE_CLAIM}.yml").read_text(encoding="utf-8"))
    assert claim["value"]["amount"] == "15000"
    page = recorder.page
    recorder.goto("")
    found = {query: search(page, query) for query in ("15000", "15.000", "15,000")}
    assert found["15000"] == found["15.000"] == found["15,000"]
    assert f"/claims/#{FIGURE_CLAIM}" in [result["href"] for result in found["15000"]]


READER_PAGES = re.compile(
    r"/(|metodo/|contribuire/|timeline/|quotes/|claims/|questions/|actors/[a-z0-9-]+/|sources/[a-z0-9-]+/|tags/[a-z0-9-]+/)"
)


def test_results_are_reader_pages_only(project: Path, site: Path, recorder: Recorder) -> None:
    """Not the maintainers' pages (dev/ is not part of the site), and none of the pages that only list links:
    the overview (on the home page already), the indexes of actors, sources and topics."""
    assert not (site / "dev").exists() and (site / "overview/index.html").is_file()
    page = recorder.page
    recorder.goto("")
    seen = set()
    for query in ("Putin", "Persone", "sintesi", "Temi", "maintainers", "performance", "Fonti", "Kim Jong-un"):
        for result in search(page, query):
            seen.add(result["href"].partition("#")[0])
    assert seen, "no results at all"
    assert all(READER_PAGES.fullmatch(path) for path in seen), sorted(seen)
    assert not seen & {"/overview/", "/tags/", "/actors/", "/sources/"}


def test_results_can_be_narrowed_to_one_kind(project: Path, recorder: Recorder) -> None:
    page = recorder.page
    recorder.goto("")
    everything = search(page, "Putin")
    assert len({result["context"].split(" · ")[0] for result in everything}) > 1
    buttons = page.locator(".dossier-search-kind-filter")
    # One button per kind found (and "all"), in the registry's order, hand-written pages last.
    assert buttons.all_inner_texts() == [
        "Tutti", "Attori", "Eventi", "Citazioni", "Affermazioni", "Fonti", "Temi", "Pagine"
    ]  # fmt: skip
    assert buttons.first.get_attribute("aria-pressed") == "true"
    buttons.filter(has_text="Citazioni").click()
    page.locator("[data-dossier-search][data-shown='Putin']").wait_for(state="attached")
    assert page.locator(".dossier-search-kind-filter[aria-pressed=true]").inner_text() == "Citazioni"
    kinds = page.locator(".md-search-result__link .dossier-search-kind").evaluate_all("s => s.map(k => k.textContent)")
    assert kinds and set(kinds) == {"Citazione"}, kinds


def test_the_search_keys_are_materials(project: Path, recorder: Recorder) -> None:
    page = recorder.page
    recorder.goto("timeline/")
    toggle = page.locator("#__search")
    for key in ("/", "s", "f"):
        page.locator("body").click(position={"x": 5, "y": 300})
        page.keyboard.press(key)
        assert toggle.is_checked(), key
        assert page.evaluate("document.activeElement.classList.contains('md-search__input')"), key
        page.keyboard.press("Escape")
        assert not toggle.is_checked(), key
    search(page, "Kursk")
    page.keyboard.press("ArrowDown")
    first = page.locator(".md-search-result__link").first
    assert first.evaluate("a => a === document.activeElement")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    href = first.get_attribute("href") or ""
    page.keyboard.press("Enter")  # the first result
    page.wait_for_url(re.compile(re.escape(href.rsplit("#", 1)[-1]) + "$"))
    recorder.visited.append(page.url)


def test_search_from_disk_says_it_needs_a_web_server(site: Path, browser: Browser) -> None:
    """Opened from file://, browsers do not let a page fetch the index: the box says so, and nothing fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: problems.append(r.url) if not r.url.startswith("file://") else None)
        page.goto((site / "index.html").as_uri())
        page.locator("input.md-search__input").click()
        page.keyboard.type("Putin", delay=20)
        page.locator("[data-dossier-search][data-shown='file:Putin']").wait_for(state="attached")
        note = page.locator(".md-search-result__meta").inner_text()
        assert note.startswith("La ricerca non funziona con il sito aperto dal disco (file://)")
        assert "python -m http.server" in note
        assert page.locator(".md-search-result__item").count() == 0
        assert problems == []
    finally:
        context.close()


# (b) Citation to a highlighted passage --------------------------------------------------------------------------


def test_quote_citation_opens_the_highlighted_passage(project: Path, recorder: Recorder) -> None:
    quote = yaml.safe_load((project / "data" / "quotes" / f"{QUOTE}.yml").read_text(encoding="utf-8"))
    assert quote["speaker"] == ACTOR
    cited = quote["sources"][0]
    passage = normalise(cited["passage"])

    page = recorder.page
    recorder.goto(f"actors/{ACTOR}/")
    assert page.locator(f"h3[id='{QUOTE}']").count() == 1, f"the quote {QUOTE} is not on the page of {ACTOR}"
    # The quote's first source link after its heading.
    link = page.locator(f"xpath=//h3[@id='{QUOTE}']/following::a[contains(@href, '#p-')][1]").first
    href = link.get_attribute("href") or ""
    assert re.search(rf"sources/{cited['source']}/#p-\d+$", href), href
    link.click()
    page.wait_for_url(re.compile(rf"/sources/{cited['source']}/#p-\d+$"))
    recorder.visited.append(page.url)

    url = urlsplit(page.url)
    assert url.path.endswith(f"/sources/{cited['source']}/")
    assert re.fullmatch(r"p-\d+", url.fragment), url.fragment
    mark = page.locator(f"mark[id='{url.fragment}']")
    assert mark.count() == 1
    assert "dossier-passage" in (mark.get_attribute("class") or "")
    assert mark.is_visible()
    # A region that crosses a line break is split into several <mark>s; only the first carries the id.
    parts = page.locator(f".dossier-source-text mark:has(a[href='#{url.fragment}-cited'])").all_inner_texts()
    region = normalise(" ".join(parts))
    assert passage in region, f"{passage!r} not in the highlighted region {parts!r}"
    assert region.startswith(normalise(mark.inner_text()))
    # The browser scrolled the passage into view.
    assert page.evaluate(
        "id => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.bottom > 0 && r.top < window.innerHeight; }",
        url.fragment,
    )


# (c) Timeline filter ---------------------------------------------------------------------------------------------


def _shown(page: Page) -> set[str]:
    """Ids of the timeline's events that are shown (heading not hidden, and visible to the reader)."""
    result = page.evaluate(
        """() => Array.from(document.querySelectorAll('h4.dossier-event')).map(h => [
            h.id, h.classList.contains('dossier-hidden'), h.getClientRects().length > 0])"""
    )
    for event_id, hidden, rendered in result:
        assert hidden != rendered, f"{event_id}: class dossier-hidden={hidden} but rendered={rendered}"
    return {event_id for event_id, hidden, _ in result if not hidden}


def test_timeline_filter_by_actor_and_tag(project: Path, recorder: Recorder) -> None:
    events = events_data(project)
    all_ids = set(events)
    page = recorder.page
    recorder.goto("timeline/")
    form = page.locator("form.dossier-filter")
    form.wait_for(state="visible", timeout=5_000)  # hidden in the HTML; the script shows it
    assert form.evaluate("f => !f.hidden && f.dataset.ready === '1'")
    empty = form.locator("output.dossier-filter-empty")
    assert _shown(page) == all_ids
    assert not empty.is_visible()

    actors = {a for e in events.values() for a in e.get("participants") or ()}
    tags = {t for e in events.values() for t in e.get("tags") or ()}
    actor_select = form.locator("select[name=actor]")
    tag_select = form.locator("select[name=tag]")
    actor_options = set(actor_select.locator("option").evaluate_all("os => os.map(o => o.value)"))
    tag_options = set(tag_select.locator("option").evaluate_all("os => os.map(o => o.value)"))
    assert actor_options == actors | {""}
    assert tag_options == tags | {""}

    for actor in sorted(actors):
        actor_select.select_option(actor)
        expected = {eid for eid, e in events.items() if actor in (e.get("participants") or ())}
        assert _shown(page) == expected, f"actor {actor}"
        # The whole event goes with its heading: the paragraph after it (date, place, participants) too.
        for eid in all_ids - expected:
            assert "dossier-hidden" in (page.locator(f"h4[id='{eid}'] + *").get_attribute("class") or ""), eid
    actor_select.select_option("")
    assert _shown(page) == all_ids

    for tag in sorted(tags):
        tag_select.select_option(tag)
        expected = {eid for eid, e in events.items() if tag in (e.get("tags") or ())}
        assert _shown(page) == expected, f"tag {tag}"
        assert not empty.is_visible()
    tag_select.select_option("")
    assert _shown(page) == all_ids

    # Both at once is an AND; a combination that matches nothing says so.
    def matching(actor: str, tag: str) -> set[str]:
        return {
            eid for eid, e in events.items() if actor in (e.get("participants") or ()) and tag in (e.get("tags") or ())
        }

    pairs = [(a, t) for a in sorted(actors) for t in sorted(tags)]
    both = next(pair for pair in pairs if len(matching(*pair)) not in (0, len(all_ids)))
    none = next(pair for pair in pairs if not matching(*pair))
    actor_select.select_option(both[0])
    tag_select.select_option(both[1])
    assert _shown(page) == matching(*both)
    assert not empty.is_visible()
    actor_select.select_option(none[0])
    tag_select.select_option(none[1])
    assert _shown(page) == set()
    assert empty.is_visible()
    actor_select.select_option("")
    tag_select.select_option("")
    assert _shown(page) == all_ids
    assert not empty.is_visible()


def test_timeline_filter_is_hidden_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    try:
        page = context.new_page()
        page.goto("timeline/")
        form = page.locator("form.dossier-filter")
        assert form.count() == 1
        assert form.evaluate("f => f.hidden")  # the attribute is there ...
        assert not form.is_visible(), "the filter form is shown to readers without JavaScript"  # ... and obeyed
        assert page.locator("h4.dossier-event").first.is_visible()
    finally:
        context.close()


# (d) Every generated page loads cleanly -----------------------------------------------------------------------------


def test_every_generated_page_loads_without_errors_or_foreign_requests(site: Path, recorder: Recorder) -> None:
    assert (site / "index.html").is_file()
    urls = [""]
    for folder in CRAWLED:
        urls += [
            path.relative_to(site).as_posix().removesuffix("index.html")
            for path in sorted((site / folder).rglob("*.html"))
        ]
    assert len(urls) > len(CRAWLED) + 1
    # Pages load side by side, a batch at a time; each waits for the network to be idle (the search index, ...).
    tabs = [recorder.new_page() for _ in range(CRAWL_TABS)]
    for start in range(0, len(urls), CRAWL_TABS):
        batch = list(zip(tabs, urls[start : start + CRAWL_TABS], strict=False))
        for tab, url in batch:
            recorder.goto(url, tab, wait_until="commit")
        for tab, _ in batch:
            tab.wait_for_load_state("load")
            tab.wait_for_load_state("networkidle")
    problems = recorder.take()
    bad = sorted({re.sub(r"^\[([^\]]*)\].*", r"\1", problem, flags=re.S) for problem in problems})
    assert not problems, f"{len(bad)} of {len(urls)} pages had problems: {bad}\n" + "\n".join(problems)


# (e) The Dati page and the feed -------------------------------------------------------------------------------------


def test_the_data_page_downloads_and_the_feed_link_work(recorder: Recorder) -> None:
    import feedparser

    page = recorder.page
    recorder.goto("")
    page.get_by_role("link", name="Dati").first.click()
    page.wait_for_url(re.compile(r"/dati/$"))
    recorder.visited.append(page.url)
    links = page.locator("article a[href]").evaluate_all("as => as.map(a => a.href)")
    downloads = [url for url in links if urlsplit(url).hostname == "127.0.0.1" and "#" not in url]
    assert len(downloads) >= 8
    for url in downloads:
        response = page.request.get(url)
        assert response.ok, f"{url}: HTTP {response.status}"
        assert response.body(), url
    # The feed, as a reader's browser finds it from the head of any page.
    recorder.goto("actors/vladimir-putin/")
    feed = page.locator('head link[rel~="alternate"][type="application/atom+xml"]')
    assert feed.count() == 1
    response = page.request.get(feed.evaluate("link => link.href"))
    assert response.ok
    parsed = feedparser.parse(response.body())
    assert parsed.bozo is False and parsed.feed.title == "Dossier Pechino, settembre 2025"
