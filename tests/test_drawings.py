"""The drawings as the pages hold them: words from the catalogues, what ties actors, links as MkDocs places pages,
one drawn timeline per sheet, and figures kept out of Markdown conversion without changing the page."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from sitekit import copy_project, run
from test_render import EXTENSIONS, _tiny, _with_2024

from dossier import draw, drawings
from dossier.i18n import Words
from dossier.kinds import ACTOR_KINDS
from dossier.render import page_url, relative_url, render
from dossier.resolve import load

MARK_HREF = re.compile(r'<a class="dossier-tl-mark" href="#([^"]+)"')
NODE_HREF = re.compile(r'<a class="dossier-map-node" href="([^"]+)"')


def test_the_words_come_from_the_catalogues_in_each_language() -> None:
    assert not hasattr(draw, "TIMELINE_WORDS") and not hasattr(draw, "MAP_WORDS")
    english = drawings.timeline_words(Words("en"))
    assert english.months == ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    assert english.label == "Drawn timeline."
    assert drawings.timeline_words(Words("it")).months[8] == "set"  # CLDR's short month names
    maps = drawings.map_words(Words("en"), ACTOR_KINDS.labels)
    assert maps.kinds == {"person": "person", "organization": "organisation", "country": "country", "group": "group"}
    assert (maps.more(1), maps.more(1500), maps.ties(1), maps.ties(7)) == ("and one more", "and 1,500 more",
                                                                         "1 tie", "7 ties")  # fmt: skip
    italian = drawings.map_words(Words("it"), ACTOR_KINDS.labels)
    assert (italian.more(1), italian.more(1500), italian.kinds["organization"]) == (
        "e un altro", "e altri 1.500", "organizzazione",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("uri", "directory", "flat"),
    [
        ("index.md", "./", "index.html"),
        ("actors/index.md", "actors/", "actors/index.html"),
        ("actors/kim.md", "actors/kim/", "actors/kim.html"),
        ("timeline/2025.md", "timeline/2025/", "timeline/2025.html"),
        ("a/README.md", "a/", "a/index.html"),
    ],
)
def test_page_urls_are_where_mkdocs_puts_pages(uri: str, directory: str, flat: str) -> None:
    from mkdocs.structure.files import File

    assert page_url(uri, True) == directory
    assert page_url(uri, False) == flat
    for use_directory_urls, expected in ((True, directory), (False, flat)):
        assert File(uri, src_dir="/docs", dest_dir="/site", use_directory_urls=use_directory_urls).url == expected


@pytest.mark.parametrize(
    ("target", "base", "expected"),
    [
        ("actors/kim/", "actors/putin/", "../kim/"),
        ("actors/kim/", "actors/", "kim/"),
        ("actors/", "actors/kim/", "../"),
        ("./", "actors/kim/", "../../"),
        ("actors/kim/", "./", "actors/kim/"),
        ("actors/kim.html", "actors/putin.html", "kim.html"),
        ("actors/kim.html", "actors/index.html", "kim.html"),
        ("index.html", "actors/kim.html", "../index.html"),
        ("timeline/2025/", "timeline/2025/", "./"),
    ],
)
def test_relative_urls_agree_with_mkdocs(target: str, base: str, expected: str) -> None:
    from mkdocs.utils import get_relative_url

    assert relative_url(target, base) == expected
    assert get_relative_url(target, base) == expected  # what MkDocs itself computes (render.py does not import it)


def test_links_in_drawings_follow_use_directory_urls(tmp_path: Path) -> None:
    data = _tiny(tmp_path)
    folders = render(load(data), directory_urls=True)
    flat = render(load(data), directory_urls=False)
    assert NODE_HREF.findall(folders["actors/mario.md"]) == ["../luisa/"]
    assert NODE_HREF.findall(flat["actors/mario.md"]) == ["luisa.html"]
    assert NODE_HREF.findall(folders["actors/index.md"]) == ["luisa/", "mario/"]
    assert NODE_HREF.findall(flat["actors/index.md"]) == ["luisa.html", "mario.html"]


def test_a_map_says_every_kind_of_tie_both_ways(tmp_path: Path) -> None:
    """Mario names Luisa his friend, greets her at an event, speaks to her; Luisa makes a claim about Mario."""
    pages = render(load(_tiny(tmp_path)))
    mario = pages["actors/mario.md"].split('<ul class="dossier-map-list"', 1)[1]
    assert "(persona): amico di; allo stesso evento; secondo; si rivolge a</li>" in mario
    luisa = pages["actors/luisa.md"].split('<ul class="dossier-map-list"', 1)[1]
    # Read from Luisa: Mario calls himself her friend, she made a claim about him, they met, he spoke to her.
    assert "(persona): amico di Luisa; afferma su; allo stesso evento; si rivolge a Luisa</li>" in luisa


def test_each_sheet_of_a_paged_timeline_draws_its_own_events(tmp_path: Path) -> None:
    pages = render(load(_with_2024(tmp_path)), page_size=1)
    for sheet, events in (("timeline/2024.md", ["prima"]), ("timeline/2025.md", ["saluto"])):
        assert MARK_HREF.findall(pages[sheet]) == events
        headings = re.findall(r"^#### .* \{ #([a-z0-9-]+) \.dossier-event", pages[sheet], flags=re.M)
        assert headings == events
        assert pages[sheet].count('id="_tl"') == 1
    assert "dossier-tl" not in pages["timeline/index.md"]  # the index lists the sheets


def test_the_network_is_on_the_actors_index_even_when_it_lists_pages(tmp_path: Path) -> None:
    pages = render(load(_tiny(tmp_path)), page_size=1)
    index = pages["actors/index.md"]
    assert "- [Luisa](_1.md) (1)" in index
    assert NODE_HREF.findall(index) == ["luisa/", "mario/"]
    assert 'id="_net"' not in pages["actors/_1.md"]


def test_setting_drawings_aside_converts_to_the_same_html(tmp_path: Path) -> None:
    pages = render(load(_tiny(tmp_path)))
    for uri in ("timeline/index.md", "actors/mario.md", "actors/index.md"):
        text = pages[uri].split("---\n", 2)[2]
        aside, kept = drawings.set_aside(text)
        assert len(kept) == 1 and "<figure" not in aside and len(aside) < len(text) - 1000
        (marker,) = kept
        assert re.fullmatch(r"<!-- dossier-drawing [0-9a-f]{40} -->", marker)
        whole = markdown.markdown(text, extensions=EXTENSIONS)
        assert drawings.put_back(markdown.markdown(aside, extensions=EXTENSIONS), kept) == whole
    assert drawings.set_aside(pages["quotes/index.md"]) == (pages["quotes/index.md"], {})


def test_the_built_site_links_every_drawing_to_a_page_that_exists(tmp_path: Path) -> None:
    """Without directory URLs (pages are `actors/kim-jong-un.html`), every link in every drawing still leads to a
    page of the site and an anchor on it; `dossier render --out` keeps the drawings in its Markdown."""
    project = copy_project(tmp_path / "p")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("use_directory_urls: true", "use_directory_urls: false")
    )
    result = run(["mkdocs", "build", "--strict"], project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    checked = 0
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for figure in drawings.FIGURE.findall(html):
            for href in re.findall(r'<a [^>]*href="([^"]+)"', figure):
                path, _, anchor = href.partition("#")
                target = (page.parent / path).resolve() if path else page
                assert target.is_file(), f"{page.relative_to(site)}: {href}"
                if anchor:
                    assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), f"{page.relative_to(site)}: {href}"
                checked += 1
        assert "dossier-drawing" not in html  # no marker left behind
    assert checked > 100
    out = run(["dossier", "render", "--out", "out"], project)
    assert out.returncode == 0, out.stderr
    timeline = (project / "out/timeline/index.md").read_text(encoding="utf-8")
    assert '<figure class="dossier-draw dossier-tl"' in timeline
    assert '<a class="dossier-map-node" href="kim-jong-un.html"' in (project / "out/actors/index.md").read_text(
        encoding="utf-8"
    )


def test_set_aside_takes_exactly_the_figures_on_lines_of_their_own() -> None:
    figure = '<figure class="dossier-draw dossier-tl" id="_tl">\n<svg></svg>\n</figure>'
    text = f'{figure}\n\nText <figure class="dossier-draw x"> inline.\n\n{figure.replace("_tl", "_x")}\n\nEnd.\n'
    aside, kept = drawings.set_aside(text)
    assert list(kept.values()) == drawings.FIGURE.findall(text) == [figure, figure.replace("_tl", "_x")]
    assert aside.startswith("<!-- dossier-drawing ") and 'Text <figure class="dossier-draw x"> inline.' in aside
    assert drawings.put_back(aside, kept) == text
    assert drawings.set_aside("No drawing here.\n") == ("No drawing here.\n", {})
