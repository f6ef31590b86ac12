"""Links between records in Markdown fields: `[testo](claim:an-id)`, checked, and shown as a link to wherever the
record is, whatever the page size; a link into the site by its path is refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import SOURCE
from sitekit import copy_project, run

from dossier.render import render
from dossier.resolve import load

Problems = Callable[..., list[str]]
CLAIM = "soldati-nordcoreani-15mila"


def _event(summary: str) -> str:
    citation = f"sources:\n  - source: {SOURCE}\n    passage: Il presidente russo\n"
    return f"title: T\ndate: 2025\nsummary: '{summary}'\n{citation}"


def test_a_link_to_a_missing_record_is_an_error_with_did_you_mean(problems: Problems) -> None:
    assert problems({"events/x.yml": _event("Vedi [la stima](claim:soldati-nordcoreani-15mil).")}) == [
        "data/events/x.yml:3:10: event 'x': summary: link (claim:soldati-nordcoreani-15mil): unknown claim "
        "'soldati-nordcoreani-15mil' (did you mean 'soldati-nordcoreani-15mila'?)"
    ]


@pytest.mark.parametrize("target", ["../soldati-nordcoreani-11mila/", "/claims/", "#p-3", "claims/index.md"])
def test_a_link_into_the_site_by_its_path_is_refused(problems: Problems, target: str) -> None:
    found = problems({"events/x.yml": _event(f"Vedi [qui]({target}).")})
    assert found == [
        f"data/events/x.yml:3:10: event 'x': summary: link ({target}) points into the site by its path, which "
        "changes as the dossier grows: link a record by its kind and id instead, as [testo](claim:an-id) "
        "(kinds: actor, event, quote, claim, question, source, tag)"
    ]


def test_links_in_notes_of_citations_and_reference_definitions_are_checked(problems: Problems) -> None:
    text = (
        "title: T\ndate: 2025\nsources:\n  - source: " + SOURCE + "\n    passage: Il presidente russo\n"
        "    notes:\n      - text: |\n          Vedi [la stima][s].\n\n          [s]: claim:nessuna\n"
    )
    (problem,) = problems({"events/x.yml": text})
    assert "sources[0].notes[0].text: link (claim:nessuna): unknown claim 'nessuna'" in problem


def test_web_links_and_record_links_are_accepted(load_ok: Callable[..., object]) -> None:
    load_ok({"events/x.yml": _event(f"[a](https://example.org) [b](mailto:x@example.org) [c](claim:{CLAIM})")})


@pytest.mark.parametrize("page_size", [1, 200])
def test_a_record_link_goes_where_the_record_is_shown(make_data: Callable[..., Path], page_size: int) -> None:
    make_data({"events/x.yml": _event(f"Vedi [la stima](claim:{CLAIM}) e [Putin](actor:vladimir-putin).")})
    pages = render(load(Path("data")), page_size=page_size)
    (page, text) = next((uri, t) for uri, t in pages.items() if uri.startswith("timeline/") and "Vedi" in t)
    claim_page = next(uri for uri, t in pages.items() if uri.startswith("claims/") and f"{{#{CLAIM}}}" in t)
    hrefs = re.findall(r'<a href="([^"]+)"', text[text.index("Vedi") - 200 :])[:2]
    here = (
        "https://site.example/"
        + page.removesuffix(".md").removesuffix("index")
        + ("/" if not page.endswith("index.md") else "")
    )
    claim_url = "https://site.example/" + claim_page.removesuffix(".md").removesuffix("index")
    claim_url += "" if claim_page.endswith("index.md") else "/"
    assert urljoin(here, hrefs[0]) == f"{claim_url}#{CLAIM}"
    assert urljoin(here, hrefs[1]) == "https://site.example/actors/vladimir-putin/"


def test_record_links_resolve_in_the_built_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    links = f"Vedi [la stima](claim:{CLAIM}) e la [fonte](source:articolo-pechino-2025-09)."
    note = f"\nnotes:\n  - kind: context\n    text: {links}\n"
    event = project / "data/events/incontro-putin-kim-diaoyutai.yml"
    event.write_text(event.read_text(encoding="utf-8").split("\nnotes:", 1)[0] + note, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("data_dir: data", "data_dir: data\n      page_size: 4")
    )
    result = run(["mkdocs", "build", "--strict"], project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        if "Vedi <a" not in text:
            continue
        for href in re.findall(r'Vedi <a href="([^"]+)"|la <a href="([^"]+)"', text):
            target = next(h for h in href if h)
            path, _, anchor = target.partition("#")
            resolved = (html.parent / path).resolve()
            resolved = resolved / "index.html" if resolved.is_dir() else resolved
            assert resolved.is_file(), (html, target)
            assert not anchor or f'id="{anchor}"' in resolved.read_text(encoding="utf-8")
        break
    else:
        pytest.fail("no page shows the note")
