"""Answers compared: questions, figures in every form, claims about events, excerpt-only sources, language marks.

The fixture ``tests/fixtures/confronto`` (fictional countries and publications) holds two answers to one question
(about 15,000 from an Italian source stored in full, about 11,000 from an English one known only by excerpts), a
claim about an event, English text of every kind, and a citation of a source that stores no text. Its pages are
golden files (refresh with ``UPDATE_GOLDENS=1``); the built site is checked in Chromium.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from browserkit import chromium, serve_folder
from click.testing import Result
from sitekit import run

from dossier import chart, figures, loader
from dossier.i18n import Words
from dossier.kinds import Value
from dossier.render import render
from dossier.resolve import load, validate
from dossier.text import StoredText

if TYPE_CHECKING:
    from playwright.sync_api import Browser

FIXTURE = Path(__file__).parent / "fixtures" / "confronto"
GOLDEN = Path(__file__).parent / "golden" / "confronto"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"
PAGES = [
    "claims/index.md",
    "questions/index.md",
    "timeline/index.md",
    "quotes/index.md",
    "actors/nordlandia.md",
    "sources/example-herald.md",
    "sources/comunicato-sudlandia.md",
]
# Words found only in the fixture's English texts: a quote, passages, excerpts, a title, a note.
ENGLISH = ("soldiers", "forget who stood", "thanks her allies", "print edition", "told reporters")

RunCli = Callable[..., Result]


@pytest.mark.parametrize("uri", PAGES)
def test_golden_pages(uri: str) -> None:
    pages = render(load(FIXTURE / "data", lang="it"))
    golden = GOLDEN / uri.replace("/", "__")
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(pages[uri], encoding="utf-8")
    assert pages[uri] == golden.read_text(encoding="utf-8"), f"refresh {golden.name} with UPDATE_GOLDENS=1"


def test_one_table_per_question_with_the_answers_smallest_first() -> None:
    pages = render(load(FIXTURE / "data", lang="it"))
    claims = pages["claims/index.md"]
    assert claims.count('<div class="dossier-answers"') == 1
    table = claims.split('<div class="dossier-answers"', 1)[1].split("</table>", 1)[0]
    assert table.index("circa 11\\.000 soldati") < table.index("circa 15\\.000 soldati")
    assert '<span class="dossier-digits" aria-hidden="true"> 11000 11,000 11.000</span>' in table  # for search
    # The date column: the claim's own date or none, never its event's.
    rows = table.split("<tr ")[2:]
    assert "no date of its own" not in rows[0] and "nessuna data propria" in rows[0]
    assert "2024" in rows[1]
    # The same table on the question's own page and on its subject's page.
    for uri in ("questions/index.md", "actors/nordlandia.md"):
        assert pages[uri].count('<div class="dossier-answers"') == 1, uri
        assert 'role="img"' in pages[uri]


def test_a_claim_about_an_event_is_shown_at_the_event_and_under_it_on_the_claims_page() -> None:
    pages = render(load(FIXTURE / "data", lang="it"))
    timeline = pages["timeline/index.md"]
    event = timeline.split("{ #vertice-di-lanza", 1)[1]
    assert "[Il vertice di Lanza è durato circa due ore e mezza\\.](../claims/index.md#vertice-durata)" in event
    claims = pages["claims/index.md"]
    assert "## Vertice a Lanza {#_vertice-di-lanza}" in claims
    assert "[Nella cronologia](../timeline/index.md#vertice-di-lanza)" in claims


def test_the_check_counts_and_lists_unverified_citations_and_strict_fails_on_them(run_cli: RunCli) -> None:
    data = str(FIXTURE / "data")
    result = run_cli("check", "--data", data)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].startswith("citations not verified: 1 (their source stores neither its text nor excerpts")
    assert lines[2].endswith(
        "data/actors/servizi-di-sudlandia.yml:5:14: actor 'servizi-di-sudlandia': sources[0].passage: passage not "
        "verified: source 'comunicato-sudlandia' stores neither its text (text_file) nor excerpts"
    )
    strict = run_cli("check", "--data", data, "--strict")
    assert strict.exit_code == 1
    assert "servizi-di-sudlandia.yml:5:14:" in strict.stderr and "1 problem found." in strict.stderr
    github = run_cli("check", "--data", data, "--format", "github")
    assert "::warning file=" in github.stdout and "title=dossier unverified" in github.stdout


def test_a_citation_not_verified_is_located_without_reading_its_file_again(monkeypatch: pytest.MonkeyPatch) -> None:
    read = loader.read
    reads: list[str] = []
    monkeypatch.setattr(loader, "read", lambda path, *a, **k: reads.append(str(path)) or read(path, *a, **k))
    (warning,) = validate(FIXTURE / "data").unverified
    assert (warning.line, warning.column, warning.field) == (5, 14, "sources[0].passage")
    assert len(reads) == len(set(reads)) and any(path.endswith("servizi-di-sudlandia.yml") for path in reads)


def test_a_mistyped_question_is_an_error_with_did_you_mean(make_data: Callable[..., Path], run_cli: RunCli) -> None:
    make_data()
    claim = Path("data/claims/soldati-nordcoreani-15mila.yml")
    claim.write_text(
        claim.read_text(encoding="utf-8").replace("question: soldati-nordcoreani-inviati", "question: soldati-inviati"),
        encoding="utf-8",
    )
    result = run_cli("check", "--data", "data")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "data/claims/soldati-nordcoreani-15mila.yml:3:11: claim 'soldati-nordcoreani-15mila': question: unknown "
        "question 'soldati-inviati' (did you mean 'soldati-nordcoreani-inviati'?)"
    )


def test_a_claim_may_be_about_an_event_but_not_about_a_source(problems: Callable[..., list[str]]) -> None:
    claim = (
        "statement: x\nsubject: {subject}\nstatus: reported\nconfidence: low\n"
        "sources:\n  - source: articolo-pechino-2025-09\n    passage: mercoledì\n"
    )
    assert problems(
        {
            "claims/a.yml": claim.format(subject="incontro-putin-kim-diaoyutai"),
            "claims/b.yml": claim.format(subject="articolo-pechino-2025-09"),
            "claims/c.yml": claim.format(subject="incontro-putin-kim"),
        }
    ) == [
        "data/claims/b.yml:2:10: claim 'b': subject: 'articolo-pechino-2025-09' is a source, expected an actor or an "
        "event",
        "data/claims/c.yml:2:10: claim 'c': subject: unknown actor or event 'incontro-putin-kim' (did you mean "
        "'incontro-putin-kim-diaoyutai'?)",
    ]


# -- values ------------------------------------------------------------------------------------------------------
VALUE_PROBLEMS = [
    ('{amount: "5", min: "1"}', "give either amount (one figure) or min/max (a range or a bound), not both"),
    ("{unit: soldati}", "give amount (one figure), or min and/or max (a range, an open bound)"),
    ("{vague: migliaia}", "give amount (one figure), or min and/or max (a range, an open bound) (how the dossier "
     "reads the words)"),
    ('{vague: migliaia, amount: "1000"}', "vague words are read as a range: give min and/or max, not amount"),
    ('{min: "20", max: "10"}', "min (20) is larger than max (10)"),
    ('{min: "dieci"}', "'dieci' is not a number: write digits, with '.' for decimals (15000, 2.5)"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "message"), VALUE_PROBLEMS)
def test_a_value_takes_one_form(problems: Callable[..., list[str]], value: str, message: str) -> None:
    claim = (
        f"statement: x\nsubject: corea-del-nord\nvalue: {value}\nstatus: reported\nconfidence: low\n"
        "sources:\n  - source: articolo-pechino-2025-09\n    passage: mercoledì\n"
    )
    (found,) = problems({"claims/x.yml": claim})
    assert found.startswith("data/claims/x.yml:3:") and found.endswith(message), found


FORMS = [
    ({"amount": "15000", "approximate": "true", "unit": "soldati"}, "circa 15.000 soldati", "about 15,000 soldati",
     "environ 15\u202f000 soldati"),
    ({"amount": "2.5"}, "2,5", "2.5", "2,5"),
    ({"min": "10000", "max": "15000"}, "10.000–15.000", "10,000–15,000", "10\u202f000–15\u202f000"),
    ({"min": "10000"}, "più di 10.000", "more than 10,000", "plus de 10\u202f000"),
    ({"max": "500", "approximate": "true"}, "meno di circa 500", "less than about 500", "moins d'environ 500"),
    ({"vague": "migliaia", "min": "1000", "unit": "soldati"}, "migliaia (inteso come: più di 1.000 soldati)",
     "migliaia (read as: more than 1,000 soldati)", "migliaia (compris comme\u00a0: plus de 1\u202f000 soldati)"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "it", "en", "fr"), FORMS)
def test_every_form_of_a_figure_in_words_of_three_languages(raw: dict[str, str], it: str, en: str, fr: str) -> None:
    value = Value.model_validate(raw)
    resolved = _resolved(value)
    assert [figures.words(resolved, Words(lang)) for lang in ("it", "en", "fr")] == [it, en, fr]


def _resolved(value: Value) -> Any:
    """A validated value as the resolved record holds it (flags as booleans)."""

    class Resolved:
        amount, min, max, vague, unit = value.amount, value.min, value.max, value.vague, value.unit
        approximate = value.approximate == "true"

    return Resolved()


def test_vague_words_and_open_bounds_sort_and_chart_as_ranges() -> None:
    forms = ({"amount": "15000"}, {"vague": "migliaia", "min": "1000"}, {"max": "500"}, {"min": "1000", "max": "9000"})
    values = [Value.model_validate(v) for v in forms]
    shapes = sorted((figures.bounds(_resolved(v)) for v in values), key=lambda b: b.sort_key)
    assert [(b.shape, b.low, b.high) for b in shapes] == [
        ("below", None, Decimal(500)),
        ("range", Decimal(1000), Decimal(9000)),
        ("above", Decimal(1000), None),
        ("point", Decimal(15000), Decimal(15000)),
    ]


# -- the chart -----------------------------------------------------------------------------------------------------
WORDS = chart.ChartWords(
    title="Le risposte a confronto", axis="Un solo asse, da zero.", exact="punto", approximate="cerchio",
    bar="barra", vague="tratteggio", open="sfumata",
)  # fmt: skip


def _answer(label: str, raw: dict[str, str]) -> chart.Answer:
    value = _resolved(Value.model_validate(raw))
    return chart.Answer(label=label, words=figures.words(value, Words("it")), bounds=figures.bounds(value))


def test_chart_golden_for_every_shape() -> None:
    rows = [
        _answer("Uno", {"max": "500"}),
        _answer("Due", {"min": "1000", "max": "9000", "approximate": "true"}),
        _answer("Tre", {"vague": "migliaia", "min": "1000"}),
        _answer("Quattro <b>&</b>", {"amount": "11000", "approximate": "true"}),
        _answer("Cinque", {"amount": "15000"}),
    ]
    out = chart.answers(rows, WORDS, Words("it").number, caption="soldati", uid="c1")
    golden = GOLDEN / "chart.html"
    if UPDATE:
        golden.write_text(out + "\n", encoding="utf-8")
    assert out + "\n" == golden.read_text(encoding="utf-8")
    assert "<b>" not in out and "Quattro &lt;b&gt;&amp;&lt;/b&gt;" in out  # escaped
    assert 'role="img" aria-labelledby="c1-title c1-desc"' in out
    assert '<desc id="c1-desc">Uno: meno di 500; Due: circa 1.000–9.000;' in out
    assert f'<text x="16" y="{chart.TOP + chart.ROW * 5 + 24}" text-anchor="start">0</text>' in out  # from zero
    assert "<script" not in out and "http" not in out.replace("http://www.w3.org", "")
    assert chart.answers([], WORDS, str, uid="c2") == ""


def test_chart_axis_is_round_and_clears_the_largest_figure() -> None:
    assert chart.nice_step(15000) == 5000
    assert chart.nice_step(7) == 2
    assert chart._axis([_answer("a", {"amount": "15000"})]) == (0.0, 20000.0, 5000.0)
    assert chart._axis([_answer("a", {"min": "15000"})]) == (0.0, 30000.0, 10000.0)  # room to fade out


# -- excerpts ------------------------------------------------------------------------------------------------------
def test_a_passage_is_found_within_one_excerpt_never_across_two() -> None:
    text = StoredText.joined(["Prima frase del primo estratto.", "Seconda frase, in un altro."])
    assert text.find("primo estratto.") is not None
    assert text.find("Seconda frase") is not None
    assert text.find("estratto. Seconda") is None
    assert text.pieces == ((0, 31), (33, 60))


def test_excerpts_are_verified_like_a_full_text(problems: Callable[..., list[str]]) -> None:
    source = (
        "title: Un estratto\nkind: article\nlang: it\n"
        "excerpts:\n  - text: Solo queste parole sono note.\n    locator: p. 3\n"
    )
    cite = "statement: x\nsubject: russia\nstatus: reported\nconfidence: low\nsources:\n  - source: estratto\n"
    found = problems(
        {
            "sources/estratto.yml": source,
            "claims/a.yml": cite + "    passage: queste parole\n",
            "claims/b.yml": cite + "    passage: altre parole\n",
        }
    )
    assert len(found) == 1
    assert found[0].startswith("data/claims/b.yml:7:14: claim 'b': sources[0].passage: passage not found in source")


def test_a_source_keeps_either_its_text_or_excerpts(problems: Callable[..., list[str]]) -> None:
    head = "title: Doppia\nkind: article\nlang: it\n"
    assert problems(
        {
            "sources/doppia.yml": head + "text_file: doppia.txt\nexcerpts:\n  - text: Parole.\n    locator: p. 3\n",
            "sources/doppia.txt": "Parole.\n",
            "sources/senza.yml": head + "excerpts:\n  - text: Parole.\n",
        }
    ) == [
        "data/sources/doppia.yml:6:3: source 'doppia': excerpts: give either text_file (the full text) or excerpts "
        "(where it cannot be stored), not both",
        "data/sources/senza.yml:5:5: source 'senza': excerpts[0].locator: missing required field",
    ]


# -- the built site, in Chromium -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("confronto")
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    result = run(["mkdocs", "build", "--strict"], root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve_folder(site) as url:
        yield url


def test_browser_finds_one_table_with_both_figures_and_the_chart_with_its_text(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    page.goto(base_url + "claims/")
    tables = page.locator(".dossier-answers table")
    assert tables.count() == 1
    text = tables.inner_text()
    assert "circa 11.000 soldati" in text and "circa 15.000 soldati" in text
    digits = page.locator(".dossier-answers .dossier-digits").first  # for search: in the page, not shown
    assert digits.text_content() == " 11000 11,000 11.000"
    box = digits.bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1
    chart_image = page.get_by_role("img", name=re.compile("Le risposte a confronto"))
    assert chart_image.count() == 1
    name = chart_image.evaluate(
        "svg => svg.getAttribute('aria-labelledby').split(' ').map(id => document.getElementById(id).textContent)"
        ".join(' ')"
    )
    assert "Anna Berg: circa 11.000 soldati" in name and "Servizi segreti di Sudlandia: circa 15.000 soldati" in name
    page.close()


def test_the_search_index_finds_a_figure_however_it_is_written(site: Path) -> None:
    """Material's search index splits words at spaces and hyphens only (its `separator`): each way of writing the
    figure is a word of the claim's entry on the claims page, and of no page that only repeats it in a table."""
    import json

    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for figure in ("11000", "11.000", "11,000", "15000", "15.000", "15,000"):
        found = {doc["location"] for doc in index["docs"] if figure in re.split(r"[\s\-]+", _text(doc["text"]))}
        assert f"claims/#soldati-{figure[:2]}mila" in found, (figure, found)
        assert not any(location.startswith(("questions/", "actors/")) for location in found), (figure, found)


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_browser_finds_the_event_claim_on_the_timeline(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    page.goto(base_url + "timeline/")
    link = page.locator("#vertice-di-lanza ~ .dossier-event-claims a[href$='claims/#vertice-durata']")
    assert link.count() == 1
    link.click()
    page.wait_for_url(re.compile(r"claims/#vertice-durata$"))
    assert page.locator("#vertice-durata").is_visible()
    page.close()


def test_browser_every_english_text_carries_lang_en(browser: Browser, base_url: str, site: Path) -> None:
    """On every page, each element holding English text is in an element with lang="en" (the quote, passages,
    stored excerpts, the source's title in the content, the header and the table of contents, a note)."""
    pages = sorted(p.relative_to(site).parent.as_posix() for p in site.rglob("index.html"))
    found: dict[str, int] = {}
    page = browser.new_page()
    for path in pages:
        page.goto(base_url + ("" if path == "." else path + "/"))
        wrong = page.evaluate(
            """words => {
                const bad = [], seen = [];
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    if (!words.some(w => node.textContent.includes(w))) continue;
                    if (node.parentElement.closest('script, style, [hidden]')) continue;
                    const holder = node.parentElement.closest('[lang]');
                    seen.push(node.textContent.trim());
                    if (!holder || holder.getAttribute('lang') !== 'en') bad.push(node.textContent.trim());
                }
                return [bad, seen.length];
            }""",
            list(ENGLISH),
        )
        assert wrong[0] == [], f"{path}: English text without lang=en: {wrong[0]}"
        found[path] = wrong[1]
    page.close()
    assert found["sources/example-herald"] >= 4  # title (header, heading), two excerpts, cited passages
    assert found["quotes"] >= 2  # the quote, its heading and table of contents entry
    assert found["claims"] >= 2  # a passage, a note


def test_browser_language_mark_is_visible_and_named(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    page.goto(base_url + "quotes/")
    mark = page.locator(".dossier-lang").first
    assert mark.is_visible() and mark.inner_text().strip().startswith("EN")
    assert page.locator(".dossier-lang .dossier-sr").first.text_content() == "in inglese"
    page.close()
