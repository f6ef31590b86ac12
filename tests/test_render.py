"""Rendering without MkDocs: the escaping filters, and small golden pages for each page kind."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import markdown
import pytest
from conftest import BUNDLED

from dossier import render as render_module
from dossier.markup import md, rich
from dossier.render import Memo, Renderer, RenderError, render
from dossier.resolve import load

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"  # refresh with: UPDATE_GOLDENS=1 pytest tests/test_render.py

EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables", "toc"]
NASTY = [
    "a ] b [ c",
    "pipe | in | cell",
    "[^1] footnote",
    "# heading",
    "--- rule",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }} {% if x %}",
    "*bold* _em_ `code`",
    "[x](javascript:alert(1))",
    "back\\slash & amp; &lt;",
    "{#id .cls}",
    "*[HTML]: abbreviation",
    "1. not a list",
]


def _html(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


def _text(html: str) -> str:
    import html as html_lib
    import re

    return html_lib.unescape(re.sub(r"<[^>]+>", "", html)).strip()


@pytest.mark.parametrize("value", NASTY)
@pytest.mark.parametrize(
    "context",
    ["{}", "[{}](target.md)", "### {} {{#anchor}}", "| a | b |\n|---|---|\n| {} | x |", "- {}"],
)
def test_md_shows_any_text_literally_in_every_markdown_context(value: str, context: str) -> None:
    html = _html(context.format(md(value)))
    assert "<script" not in html and "<img" not in html and "javascript:" not in html.split(">", 1)[0]
    assert value in _text(html)
    if context.startswith("|"):
        assert html.count("<td>") == 2  # the cell was not split
    if context.startswith("["):
        assert html.count("<a ") == 1 and 'href="target.md"' in html


def test_rich_keeps_markdown_but_no_html_and_only_safe_links() -> None:
    html = rich(
        "*emph* and [ok](https://example.org) [bad](javascript:alert(1)) [enc](&#106;avascript:alert(1))\n\n"
        "<script>alert(1)</script><iframe src=x></iframe> <img src=x onerror=alert(1)> {{ 7*7 }}"
    )
    assert "<em>emph</em>" in html
    assert 'href="https://example.org"' in html
    assert "javascript" not in html.lower()
    assert "<script" not in html and "<iframe" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not dropped
    assert "{{ 7*7 }}" in html
    assert "\n\n" not in html


def _tiny(tmp_path: Path) -> Path:
    files = {
        "sources/fonte.yml": "title: Una fonte | con [parentesi]\nkind: article\nlang: it\npublished: 2025-09\n"
        "text_file: fonte.txt\n",
        "sources/fonte.txt": 'Prima frase della fonte. Mario disse "ciao a tutti" a Luisa.\n'
        "Ultima frase, non citata.\n",
        "actors/mario.yml": "name: Mario <b>Rossi</b>\nkind: person\nsummary: Un *uomo*.\n"
        "relations:\n  - actor: luisa\n    label: amico di\n",
        "actors/luisa.yml": "name: Luisa\nkind: person\n",
        "tags/saluti.yml": "label: Saluti e *incontri*\ndescription: Chi saluta chi, e *come*.\n",
        "events/saluto.yml": "title: Il saluto\ndate: 2025-09-03\ndate_text: mercoledì\nplace: Roma\n"
        "participants: [mario, luisa]\ntags: [saluti]\n"
        "sources:\n  - source: fonte\n    passage: Prima frase della fonte.\n"
        "notes:\n  - kind: context\n    text: Data ricavata dal testo.\n",
        "quotes/ciao.yml": "speaker: mario\naddressed_to: [luisa]\nevent: saluto\ntext: ciao a tutti\nform: direct\n"
        'original: {lang: en, text: hello everyone}\nsources:\n  - source: fonte\n    passage: "“ciao a tutti”"\n',
        "questions/saluti.yml": "text: Mario ha salutato?\nsubject: mario\n",
        "claims/uno.yml": "statement: Mario ha salutato.\nsubject: mario\nquestion: saluti\naccording_to: luisa\n"
        'status: reported\nconfidence: high\nvalue: {amount: "1", unit: saluto}\n'
        "sources:\n  - source: fonte\n    passage: Mario disse\n",
        "claims/due.yml": "statement: Mario non ha salutato.\nsubject: mario\nquestion: saluti\nstatus: disputed\n"
        "confidence: low\nsources:\n  - source: fonte\n    passage: a Luisa.\n",
    }
    data = tmp_path / "data"
    for name, text in files.items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text(text, encoding="utf-8")
    return data


@pytest.mark.parametrize(
    "uri",
    [
        "timeline/index.md",
        "actors/index.md",
        "actors/mario.md",
        "quotes/index.md",
        "claims/index.md",
        "sources/index.md",
        "sources/fonte.md",
        "tags/index.md",
        "tags/saluti.md",
        "overview.md",
    ],
)
def test_golden_pages(tmp_path: Path, uri: str) -> None:
    pages = render(load(_tiny(tmp_path), lang="it"))
    golden = GOLDEN / (uri.replace("/", "__"))
    if UPDATE:
        golden.write_text(pages[uri], encoding="utf-8")
    assert pages[uri] == golden.read_text(encoding="utf-8")


def test_english_interface_strings(tmp_path: Path) -> None:
    pages = render(load(_tiny(tmp_path)), lang="en")
    assert "# Timeline" in pages["timeline/index.md"]
    assert "**Date:** September 3, 2025 (in the source's words: «mercoledì»)" in pages["timeline/index.md"]


def _with_2024(tmp_path: Path) -> Path:
    data = _tiny(tmp_path)
    (data / "events/prima.yml").write_text(
        "title: Prima\ndate: 2024~\nsources:\n  - source: fonte\n    passage: Ultima frase\n", encoding="utf-8"
    )
    (data / "quotes/prima.yml").write_text(
        "speaker: luisa\nevent: prima\ntext: prima\nform: paraphrase\nsources:\n  - source: fonte\n"
        "    passage: non citata\n",
        encoding="utf-8",
    )
    return data


def test_timeline_is_paged_by_year_beyond_page_size(tmp_path: Path) -> None:
    pages = render(load(_with_2024(tmp_path)), page_size=1)
    assert {"timeline/2024.md", "timeline/2025.md"} <= set(pages)
    assert "- [2024](2024.md) (1)\n- [2025](2025.md) (1)\n" in pages["timeline/index.md"]
    assert "../timeline/2025.md#saluto" in pages["actors/mario.md"]
    assert "# Cronologia: 2024" in pages["timeline/2024.md"]


def test_every_list_page_is_bounded(tmp_path: Path) -> None:
    pages = render(load(_with_2024(tmp_path)), page_size=1)
    assert "- [2024](2024.md) (1)\n- [2025](2025.md) (1)\n" in pages["quotes/index.md"]
    assert "../quotes/2025.md#ciao" in pages["timeline/2025.md"]
    assert (
        "- [Mario &lt;b&gt;Rossi&lt;/b&gt;](1.md) (1)\n- [Mario &lt;b&gt;Rossi&lt;/b&gt;](2.md) (1)\n"
        in (pages["claims/index.md"])
    )
    assert "- [Luisa](_1.md) (1)\n- [Mario &lt;b&gt;Rossi&lt;/b&gt;](_2.md) (1)\n" in pages["actors/index.md"]
    assert "#_person" in pages["actors/_1.md"]


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    data = _tiny(tmp_path)
    assert render(load(data)) == render(load(data))


def test_project_templates_override_the_packaged_ones(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "actor.md.j2").write_text("# {{ actor.name | md }}\n\nProfilo personalizzato.\n", encoding="utf-8")
    pages = render(load(_tiny(tmp_path)), templates_dir=templates)
    # The page's JSON-LD follows what the template wrote.
    assert pages["actors/luisa.md"].split("\n<script type=")[0].endswith("# Luisa\n\nProfilo personalizzato.\n")
    assert "Profilo personalizzato" not in pages["timeline/index.md"]  # other pages keep the packaged templates


def test_a_template_mistake_is_loud_and_located(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "actor.md.j2").write_text("# x\n\n{{ actor.nmae }}\n", encoding="utf-8")
    with pytest.raises(RenderError) as caught:
        render(load(_tiny(tmp_path)), templates_dir=templates)
    assert str(caught.value) == (
        "template actor.md.j2:3: UndefinedError: 'dossier.model.Actor object' has no attribute 'nmae' "
        "(rendering actors/luisa.md)"
    )


def test_the_overview_counts_and_names_the_sources_however_many(tmp_path: Path) -> None:
    """The home page's facts come from the data: a second source is counted and listed (the most cited first), and
    beyond five the list stops with a link to every source."""
    data = _tiny(tmp_path)
    (data / "sources/altra.yml").write_text("title: Un'altra fonte\nkind: report\nlang: en\n", encoding="utf-8")
    overview = render(load(data))["overview.md"]
    assert "1 tema, 1 evento" not in overview and "2 fonti e 1 tema" in overview
    assert "- [Una fonte \\| con \\[parentesi\\]](sources/fonte.md) — articolo, settembre 2025\n" in overview
    assert overview.endswith('- [<span lang="en">Un\'altra fonte</span>](sources/altra.md) — rapporto\n')
    for n in range(5):
        (data / f"sources/in-piu-{n}.yml").write_text(f"title: In più {n}\nkind: other\nlang: it\n", encoding="utf-8")
    overview = render(load(data))["overview.md"]
    assert overview.count("](sources/") == 6  # five sources, then the link to all seven
    assert overview.endswith("[Tutte le fonti \\(7\\)](sources/index.md)\n")
    assert "Gli eventi sono tutti del 2025\\." in overview
    assert "Gli eventi vanno dal 2024 al 2025\\." in render(load(_with_2024(tmp_path / "b")))["overview.md"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pages are rendered in several processes on Linux")
def test_pages_rendered_by_two_processes_are_the_pages_of_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large dossier's pages are shared between processes (`mkdocs build`, `dossier render`): the same pages."""
    dossier = load(BUNDLED)
    alone = Renderer(dossier).pages()
    split: list[int] = []
    real = render_module.shared

    def counted(items: Sequence[Any], work: Callable[..., list[Any]], workers: int) -> list[Any]:
        split.append(workers)
        return real(items, work, workers)

    monkeypatch.setattr(render_module, "PARALLEL_PAGES", 1)  # the bundled dossier's 31 pages are too few otherwise
    monkeypatch.setattr(render_module, "shared", counted)
    assert Renderer(dossier, workers=2).pages() == alone
    assert Renderer(dossier, workers=2, memo=Memo()).pages() == alone  # a preview's run renders in its process
    assert split == [2, 1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pages are rendered in several processes on Linux")
def test_a_template_mistake_in_another_process_is_reported_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render_module, "PARALLEL_PAGES", 1)
    dossier = load(BUNDLED)
    plan = Renderer(dossier)._plan()
    # A record's page that the second process renders (it renders every other page, from the second).
    kind, record, _ = next(make.args for make in plan[1::2] if make.func.__name__ == "_record_page")
    assert kind.pages is not None
    templates = tmp_path / "templates"
    templates.mkdir()
    page = kind.pages.template
    (templates / page).write_text(
        f'# x\n\n{{% if record.id == "{record.id}" %}}{{{{ record.nmae }}}}{{% endif %}}\n', encoding="utf-8"
    )
    with pytest.raises(RenderError) as caught:
        Renderer(dossier, templates_dir=templates, workers=2).pages()
    assert str(caught.value) == (
        f"template {page}:3: UndefinedError: '{type(record).__module__}.{type(record).__name__} object' has no "
        f"attribute 'nmae' (rendering {kind.page_uri(record.id)})"
    )


def test_rendering_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    """Pages rendered in a forked process could not have their warnings counted by `mkdocs build --strict`."""
    dossier = load(BUNDLED)
    with caplog.at_level(logging.DEBUG):
        Renderer(dossier).pages()
    assert [record.getMessage() for record in caplog.records] == []
