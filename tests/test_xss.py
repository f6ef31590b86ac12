"""XSS proven absent: a dossier whose every free-text field carries payloads, opened page by page in Chromium.

The data lives in tests/xss/data. Passing means: no dialog fires, no element carries an event-handler attribute
or a javascript:/data: URL from data, and the payloads are still there for the reader, as text.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browserkit import chromium, serve_folder
from sitekit import ROOT, run

HERE = Path(__file__).parent / "xss"

# Elements and attributes that would run code, found with one walk of the DOM.
UNSAFE = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]+/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(`${el.tagName} ${name}`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(name)
          && (value.startsWith('javascript:') || value.startsWith('data:') || value.startsWith('vbscript:')))
        found.push(`${el.tagName} ${name}=${attr.value}`);
    }
    if (['IFRAME', 'EMBED', 'OBJECT'].includes(el.tagName)) found.push(el.tagName);
  }
  return found;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("xss")
    shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copytree(HERE / "data", project / "data")
    result = run(["mkdocs", "build", "--strict"], project)
    assert result.returncode == 0, result.stderr
    return project / "site"


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve_folder(site) as url:
        yield url


def _pages(site: Path) -> list[str]:
    generated = ("actors", "events", "quotes", "claims", "questions", "sources", "timeline", "overview", "tags")
    return sorted(
        p.relative_to(site).parent.as_posix() + "/"
        for p in site.rglob("index.html")
        if p.relative_to(site).parts[0] in generated
    )


def test_no_payload_runs_and_every_payload_is_readable(site: Path, base_url: str) -> None:
    pages = _pages(site)
    assert len(pages) >= 9
    dialogs: list[str] = []
    unsafe: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    with chromium() as browser:
        context = browser.new_context(base_url=base_url)
        context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
        for uri in pages:
            page.goto(uri, wait_until="load")
            found = page.evaluate(UNSAFE)
            if found:
                unsafe[uri] = found
            texts[uri] = page.inner_text("body")
        # Search renders results from the index as HTML: type a payload word and look again.
        page.goto("", wait_until="load")
        page.locator("input.md-search__input").click()
        page.keyboard.type("Attore", delay=30)
        page.wait_for_selector(".md-search-result__item")
        search_unsafe = page.evaluate(UNSAFE)
        context.close()
    assert dialogs == []
    assert unsafe == {}
    assert search_unsafe == []
    actor = texts["actors/attore/"]
    for payload in (
        "<script>alert('s')</script>",
        "<img src=x onerror=alert('i')>",
        "<svg onload=alert('v')>",
        "{{ 7*7 }}",
        "Sintesi <script>alert('as')</script>",
        "Ruolo <img src=x onerror=alert('ar')>",
        "<details open ontoggle=alert('dt')>",
    ):
        assert payload in actor, payload
    source = texts["sources/fonte/"]
    assert "Testo <script>alert('t')</script> con <img src=x onerror=alert('ti')>" in source
    assert "Sintesi <script>alert('ss')</script>" in source
    assert "Citazione <script>alert('s')</script>" in texts["quotes/"]
    questions = texts["questions/"]
    assert "Domanda <script>alert('dq')</script> <img src=x onerror=alert('di')>?" in questions
    assert "Migliaia <script>alert('vv')</script>" in questions  # vague words, in the table
    excerpts = texts["sources/estratti/"]
    assert "Estratto <script>alert('ex')</script> <img src=x onerror=alert('ei')>" in excerpts
    assert "Pagina <svg onload=alert('el')>" in excerpts
    assert "Altro | ] [ # --- [^1]" in texts["actors/altro/"]
    tag = "Tema <script>alert('tl')</script> <svg onload=alert('tv')> \"><b onmouseover=alert('tq')>x</b> {{ 7*7 }}"
    assert tag in texts["tags/tema/"] and tag in texts["tags/"] and tag in texts["timeline/"]
    assert "Descrizione <script>alert('td')</script>" in texts["tags/tema/"]
