"""The drawings on the built bundled site, in Chromium: linked marks, the filter, the keyboard, the maps' links."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from browserkit import chromium, serve_folder
from sitekit import copy_project, run

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("draw-browser"))
    result = run(["mkdocs", "build", "--strict"], root)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return root


@pytest.fixture(scope="module")
def base_url(project: Path) -> Iterator[str]:
    with serve_folder(project / "site") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url)
    errors: list[str] = []
    try:
        tab = context.new_page()
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        yield tab
        assert not errors, errors
    finally:
        context.close()


def records(project: Path, kind: str) -> dict[str, dict[str, Any]]:
    folder = project / "data" / kind
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.yml"))}


def shown_marks(page: Page) -> set[str]:
    """Anchors of the drawn timeline's marks that the reader sees."""
    found = page.evaluate(
        """() => Array.from(document.querySelectorAll('a.dossier-tl-mark')).map(a => [
            a.getAttribute('href'), a.getClientRects().length > 0 && getComputedStyle(a).display !== 'none'])"""
    )
    return {href[1:] for href, visible in found if visible}


def test_one_linked_mark_per_event_each_leading_to_it(project: Path, page: Page) -> None:
    page.goto("timeline/")
    events = set(records(project, "events"))
    hrefs = page.locator("a.dossier-tl-mark").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert sorted(hrefs) == sorted(f"#{e}" for e in events)
    headings = set(page.locator("h4.dossier-event").evaluate_all("hs => hs.map(h => h.id)"))
    assert headings == events
    # Each mark is a link named by its <title>: the event's title and its date in words.
    title = records(project, "events")["parata-pechino-80-anniversario"]["title"]
    mark = page.get_by_role("link", name=f"{title} (3 settembre 2025)", exact=True)
    assert mark.count() == 1
    assert mark.get_attribute("class") == "dossier-tl-mark"
    mark.click()
    page.wait_for_url("**/timeline/#parata-pechino-80-anniversario")
    assert page.locator("h4[id='parata-pechino-80-anniversario']").is_visible()


def test_the_filter_hides_marks_like_the_list(project: Path, page: Page) -> None:
    page.goto("timeline/")
    form = page.locator("form.dossier-filter")
    form.wait_for(state="visible")
    events = records(project, "events")
    assert shown_marks(page) == set(events)
    for actor in ("kim-jong-un", "donald-trump"):
        form.locator("select[name=actor]").select_option(actor)
        expected = {e for e, data in events.items() if actor in (data.get("participants") or ())}
        assert 0 < len(expected) < len(events)
        assert shown_marks(page) == expected, actor
        listed = page.locator(".dossier-tl-text li.dossier-tl-item:not(.dossier-hidden) a")
        assert {h[1:] for h in listed.evaluate_all("as => as.map(a => a.getAttribute('href'))")} == expected
    form.locator("select[name=actor]").select_option("")
    tag = "parata-di-pechino"
    form.locator("select[name=tag]").select_option(tag)
    expected = {e for e, data in events.items() if tag in (data.get("tags") or ())}
    assert expected and shown_marks(page) == expected
    form.locator("select[name=tag]").select_option("")
    assert shown_marks(page) == set(events)


def test_marks_are_reached_and_followed_with_the_keyboard(page: Page) -> None:
    page.goto("timeline/")
    page.locator("h1").click()  # start the tab order from the page's content
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.getAttribute('class') || ''")
        if "dossier-tl-mark" in focused:
            break
    else:
        pytest.fail("Tab never reached a mark of the drawn timeline")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    # The focused mark is shown as focused (its hit area is outlined).
    outline = page.evaluate("getComputedStyle(document.activeElement.querySelector('.dossier-tl-hit')).strokeWidth")
    assert outline not in ("", "0", "0px")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/timeline/{href}")


def test_the_drawings_need_no_javascript(browser: Browser, base_url: str, project: Path) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    try:
        tab = context.new_page()
        tab.goto("timeline/")
        assert len(shown_marks(tab)) == len(records(project, "events"))
        tab.goto("actors/kim-jong-un/")
        assert tab.locator("figure.dossier-map a.dossier-map-node").first.is_visible()
    finally:
        context.close()


def test_each_actor_with_relations_has_a_map_linking_to_them(project: Path, page: Page, base_url: str) -> None:
    actors = records(project, "actors")
    with_relations = {a: data for a, data in actors.items() if data.get("relations")}
    assert len(with_relations) >= 5
    for actor, data in with_relations.items():
        page.goto(f"actors/{actor}/")
        nodes = page.locator("figure.dossier-map a.dossier-map-node")
        targets = {
            urlsplit(urljoin(page.url, href)).path
            for href in nodes.evaluate_all("as => as.map(a => a.getAttribute('href'))")
        }
        related = {urlsplit(urljoin(base_url, f"actors/{r['actor']}/")).path for r in data["relations"]}
        assert related <= targets, f"{actor}: the map misses {related - targets}"
        # The text equivalent names the same neighbours.
        listed = page.locator("figure.dossier-map ul.dossier-map-list a")
        assert listed.count() >= nodes.count()
    # Every node of every map leads to a page that exists.
    page.goto("actors/")
    hrefs = page.locator("figure.dossier-net a.dossier-map-node").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))"
    )
    assert len(hrefs) >= 5
    for href in hrefs:
        path = urlsplit(urljoin(page.url, href)).path
        assert (project / "site" / path.strip("/") / "index.html").is_file(), href
