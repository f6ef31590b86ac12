"""Accessibility and layout of the built sites in Chromium: axe-core finds nothing on any page, no page overflows.

axe-core (shipped inside ``axe-playwright-python``: no network) runs with its default rules, WCAG 2.1 A and AA and
best practices, on every page of the bundled site (1280 and 390 px wide) and of a synthetic S site, drawings
included. Pages are checked a few at a time, each in its own tab.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browserkit import CHROMIUM_ARGS, serve_folder, unavailable
from sitekit import ROOT, copy_project, run

TABS = 3
WIDTHS = (1280, 390)

# Material's own search dialog (lunr) has no accessible name; its partial (partials/search.html) is being replaced
# with Pagefind's, so the rule is waived for that one element only while it is Material's: any other unnamed
# dialog, or a replacement without a name, fails.
MATERIAL_SEARCH = (
    "document.querySelector('.md-search[role=dialog] input.md-search__input[data-md-component=search-query]')"
)


def _build(root: Path) -> Path:
    result = run(["mkdocs", "build", "--strict"], root)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return root / "site"


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(copy_project(tmp_path_factory.mktemp("a11y-bundled")))


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("a11y-synthetic") / "s"
    made = run(["python", str(ROOT / "scripts" / "synth.py"), "--size", "S", "--seed", "1", "--out", str(root)], ROOT)
    assert made.returncode == 0, made.stderr
    return _build(root)


def pages_of(site: Path) -> list[str]:
    """Every page of a built site, as URLs relative to its root (``""`` is the home page)."""
    return sorted(
        path.relative_to(site).as_posix().removesuffix("index.html")
        for path in site.rglob("*.html")
        if path.name != "404.html"
    )


@pytest.fixture(scope="module")
def chromium_path() -> str:
    try:
        import playwright  # noqa: F401
    except ImportError:
        unavailable("the playwright package is not installed")
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        unavailable("Chromium not found (install Debian's chromium package)")
    return path


async def _visit(site: Path, width: int, chromium: str, check: Any) -> dict[str, Any]:
    """``check(page)`` on every page of ``site`` at ``width``, a few tabs at a time; {url: what it returned}."""
    from playwright.async_api import async_playwright

    urls = pages_of(site)
    found: dict[str, Any] = {}
    with serve_folder(site) as base:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            context = await browser.new_context(viewport={"width": width, "height": 900}, base_url=base)

            async def local_only(route: Any) -> None:  # nothing may leave the machine
                await (route.continue_() if urlsplit(route.request.url).hostname == "127.0.0.1" else route.abort())

            await context.route("**/*", local_only)
            queue = list(urls)

            async def worker() -> None:
                page = await context.new_page()
                while queue:
                    url = queue.pop(0)
                    response = await page.goto(url, wait_until="load")
                    assert response is not None and response.ok, f"{url}: {response and response.status}"
                    await _settled(page)
                    found[url] = await check(page)
                await page.close()

            await asyncio.gather(*(worker() for _ in range(TABS)))
            await browser.close()
    assert set(found) == set(urls)
    return found


async def _settled(page: Any) -> None:
    """Wait for Material's script to lay the page out (it sizes the sidebars): until then a sidebar is briefly a
    scrollable region without focusable content, and axe says so."""
    if await page.evaluate("!!document.querySelector('script[src*=\"assets/javascripts/bundle\"]')"):
        await page.wait_for_function("() => window.document$ !== undefined")
    await page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


async def _axe(page: Any) -> list[str]:
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(page)
    waived = await page.evaluate(f"!!{MATERIAL_SEARCH}")
    problems = []
    for violation in results.response["violations"]:
        targets = [node["target"] for node in violation["nodes"]]
        if violation["id"] == "aria-dialog-name" and waived and targets == [[".md-search"]]:
            continue
        for node in violation["nodes"]:
            problems.append(f"{violation['id']} ({violation['impact']}): {node['target']}: {violation['help']}")
    return problems


def _report(found: dict[str, list[str]]) -> str:
    bad = {url: problems for url, problems in found.items() if problems}
    lines = [f"{len(bad)} of {len(found)} pages have axe violations:"]
    for url, problems in sorted(bad.items()):
        lines += [f"  /{url}"] + [f"    {p}" for p in problems[:10]]
    return "\n".join(lines)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_axe_violation_on_any_page_of_the_bundled_site(bundled_site: Path, chromium_path: str, width: int) -> None:
    found = asyncio.run(_visit(bundled_site, width, chromium_path, _axe))
    assert not any(found.values()), _report(found)
    # The drawings were on the pages checked.
    assert 'class="dossier-draw dossier-tl"' in (bundled_site / "timeline" / "index.html").read_text("utf-8")


def test_no_axe_violation_on_any_page_of_a_synthetic_site(synthetic_site: Path, chromium_path: str) -> None:
    found = asyncio.run(_visit(synthetic_site, 1280, chromium_path, _axe))
    assert len(found) > 50
    assert not any(found.values()), _report(found)


async def _overflow(page: Any) -> tuple[int, int]:
    return tuple(await page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]"))  # type: ignore[return-value]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_overflows_horizontally(bundled_site: Path, chromium_path: str, width: int) -> None:
    found = asyncio.run(_visit(bundled_site, width, chromium_path, _overflow))
    kinds = {url.split("/")[0] for url in found}
    assert {"", "timeline", "actors", "quotes", "claims", "sources", "tags"} <= kinds
    wide = {url: sizes for url, sizes in found.items() if sizes[0] > sizes[1]}
    assert not wide, f"pages wider than the window ({width} px): {wide}"


def test_an_unnamed_dialog_of_our_own_is_not_waived(tmp_path: Path, chromium_path: str) -> None:
    """The waiver above covers Material's search dialog only: another dialog without a name is reported."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="it"><head><title>Prova</title></head><body><main><h1>Prova</h1>'
        '<div role="dialog" class="md-search">nessun nome</div></main></body></html>',
        encoding="utf-8",
    )
    found = asyncio.run(_visit(tmp_path, 1280, chromium_path, _axe))
    assert [p.split(" ")[0] for p in found[""]] == ["aria-dialog-name"]


# Tags are read by their labels: a slug (an id) shown as text, as Material's tag chips did, is a failure.
SLUGS_SHOWN = """slugs => {
  const found = [];
  const shown = el => el && el.closest('[hidden]') === null && getComputedStyle(el).display !== 'none';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!shown(el) || el.closest('script, style, code')) continue;  // code: editors' examples name ids
    const text = node.textContent;
    const items = text.split(/[,;:·()]/).map(t => t.trim());
    for (const slug of slugs) {
      // A hyphenated slug anywhere in the text; a one-word slug as a whole item of a list ("Temi: kursk, ...").
      const shownAsText = (slug.includes('-') && text.includes(slug)) || items.includes(slug);
      if (shownAsText) found.push(`${el.tagName}: ${text.trim()}`);
    }
  }
  for (const option of document.querySelectorAll('option')) {
    if (slugs.includes(option.textContent.trim())) found.push(`OPTION: ${option.textContent}`);
  }
  if (slugs.some(slug => document.title.includes(slug))) found.push(`TITLE: ${document.title}`);
  found.push(...Array.from(document.querySelectorAll('.md-tag'), tag => `chip: ${tag.textContent}`));
  return found;
}"""


def test_no_tag_slug_is_shown_as_text_on_any_page(bundled_site: Path, chromium_path: str) -> None:
    slugs = sorted(path.stem for path in (ROOT / "data" / "tags").glob("*.yml"))
    assert len(slugs) >= 5 and any("-" not in slug for slug in slugs)

    async def check(page: Any) -> list[str]:
        return list(await page.evaluate(SLUGS_SHOWN, slugs))

    found = asyncio.run(_visit(bundled_site, 1280, chromium_path, check))
    assert not any(found.values()), {url: shown for url, shown in found.items() if shown}
    # The check sees what it must: the labels are there (as the filter's options, as links to the topics' pages).
    timeline = (bundled_site / "timeline" / "index.html").read_text(encoding="utf-8")
    assert '<option value="kursk">Regione di Kursk</option>' in timeline
    assert 'href="../tags/kursk/">Regione di Kursk</a>' in timeline


def test_the_slug_check_finds_a_slug_shown_as_text(tmp_path: Path, chromium_path: str) -> None:
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="it"><head><title>Prova</title></head><body><main><h1>Prova</h1>'
        "<p><strong>Temi:</strong> kursk, Parata di Pechino</p><p>alleanza-russia-corea-del-nord</p>"
        "<p hidden>sanzioni</p><p>Le sanzioni internazionali</p><pre><code>tags: [kursk]</code></pre>"
        "</main></body></html>",
        encoding="utf-8",
    )

    async def check(page: Any) -> list[str]:
        return list(await page.evaluate(SLUGS_SHOWN, ["kursk", "sanzioni", "alleanza-russia-corea-del-nord"]))

    found = asyncio.run(_visit(tmp_path, 1280, chromium_path, check))
    assert found[""] == ["P: kursk, Parata di Pechino", "P: alleanza-russia-corea-del-nord"]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_axe_violation_with_search_results_open(bundled_site: Path, chromium_path: str, width: int) -> None:
    """The search box open, with results and the filter by kind shown (the page checks above see it closed)."""

    async def check() -> list[str]:
        from playwright.async_api import async_playwright

        with serve_folder(bundled_site) as base:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
                page = await browser.new_page(viewport={"width": width, "height": 900})
                await page.goto(base)
                await _settled(page)
                # wide: the box in the header; narrow: the header's search button opens it
                await page.locator("input.md-search__input:visible, label[for='__search']:visible").first.click()
                await page.locator("input.md-search__input").fill("Putin")
                await page.locator(".md-search-result__item").first.wait_for()
                await page.locator(".dossier-search-kind-filter").first.wait_for()
                problems = await _axe(page)
                await browser.close()
                return problems

    assert asyncio.run(check()) == []
