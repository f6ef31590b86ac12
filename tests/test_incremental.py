"""Incremental rebuilds under `mkdocs serve`: whatever is reused, the result equals a fresh render or build.

Each test edits a copy of the bundled dossier the way an editor would, then compares the incremental result with
a from-scratch one: page by page for the renderer, byte by byte for the built site.
"""

from __future__ import annotations

import gc
import logging
import re
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from sitekit import ROOT, copy_project, tree_hash

from dossier import draw, livereload, model, publish
from dossier.errors import DossierError
from dossier.plugin import DossierPlugin
from dossier.preview import REUSE_TEMPLATE, Preview
from dossier.render import Memo, Renderer, render
from dossier.resolve import load

SMALL = 3  # records per list page: every edit below moves records between list pages


def _edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert count == 1, f"{pattern!r} not in {path}"
    path.write_text(changed, encoding="utf-8")


def _retitle(data: Path) -> None:  # an event one quote and one claim refer to
    _edit(data / "events/post-trump-social.yml", r"^title: .*$", "title: Un titolo nuovo")


def _redate(data: Path) -> None:  # moves the event to another year, so every later list page shifts
    _edit(data / "events/kim-jong-un-viaggio-cina-2019.yml", r"^date: .*$", "date: 2031-05")


def _rename_actor(data: Path) -> None:  # shown on many pages: profiles, lists, links
    _edit(data / "actors/kim-jong-un.yml", r"^name: .*$", "name: Kim Jong Un")


def _new_quote(data: Path) -> None:
    (data / "quotes/kim-nuova.yml").write_text(
        "speaker: kim-jong-un\nevent: incontro-putin-kim-diaoyutai\ntext: Una frase nuova\nform: paraphrase\n"
        "sources:\n  - source: articolo-pechino-2025-09\n    passage: la prima volta dall'inizio della Guerra"
        " Fredda\n",
        encoding="utf-8",
    )


def _drop_claim(data: Path) -> None:
    (data / "claims/kim-abito-occidentale.yml").unlink()


def _recite(data: Path) -> None:  # another passage: the highlighted stretches of the source are renumbered
    _edit(
        data / "quotes/putin-coraggio-eroismo.yml",
        r"^    passage: .*$",
        "    passage: Il commento è arrivato durante un incontro tra i due alleati",
    )


def _renote(data: Path) -> None:
    _edit(data / "quotes/putin-coraggio-eroismo.yml", r"Traduzione italiana", "Traduzione *italiana*")


EDITS: dict[str, Callable[[Path], None]] = {
    "retitle an event": _retitle,
    "redate an event": _redate,
    "rename an actor": _rename_actor,
    "add a quote": _new_quote,
    "remove a claim": _drop_claim,
    "cite another passage": _recite,
    "edit a note": _renote,
}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return Path(shutil.copytree(ROOT / "data", tmp_path / "data"))


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_incremental_render_equals_a_fresh_one(data: Path, edit: Callable[[Path], None]) -> None:
    memo = Memo()
    first = load(data)
    before = Renderer(first, page_size=SMALL, memo=memo).pages()
    assert (memo.rendered, memo.reused) == (len(before), 0)
    edit(data)
    second = load(data, previous=first)
    after = Renderer(second, page_size=SMALL, memo=memo).pages()
    assert after == render(load(data), page_size=SMALL)
    assert after != before
    assert memo.reused > 0, "nothing was reused"
    changed = {uri for uri in after if before.get(uri) != after[uri]}
    assert memo.rendered >= len(changed) - 1  # the overview is rendered every time, changed or not


def test_an_unchanged_dossier_renders_nothing_again(data: Path) -> None:
    memo = Memo()
    first = load(data)
    before = Renderer(first, memo=memo).pages()
    again = Renderer(load(data, previous=first), memo=memo).pages()
    assert again == before
    assert memo.rendered == 1  # the overview: it shows counts of the whole dossier


def test_drawings_are_drawn_again_only_when_what_they_show_changed(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: Counter[str] = Counter()

    def counting(name: str, function: Callable[..., str]) -> Callable[..., str]:
        def counted(*args: object, **kwargs: object) -> str:
            calls[name] += 1
            return function(*args, **kwargs)

        return counted

    for name in ("timeline", "neighbourhood", "network"):
        monkeypatch.setattr(draw, name, counting(name, getattr(draw, name)))
    memo = Memo()
    previous = load(data)
    first = Renderer(previous, memo=memo).pages()
    everything = dict(calls)
    assert everything["timeline"] == everything["network"] == 1 and everything["neighbourhood"] >= 10
    expected = [
        (None, {}),  # nothing changed: every drawing is the previous run's
        (_retitle, {"timeline": 1}),  # the maps do not show events' titles
        (_rename_actor, {"network": 1}),  # ... and the timeline shows no actor's name
    ]
    for change, drawn in expected:
        calls.clear()
        if change is not None:
            change(data)
        current = load(data, previous=previous)
        pages = Renderer(current, memo=memo).pages()
        neighbourhoods = calls.pop("neighbourhood", 0)
        assert dict(calls) == drawn
        if change is _rename_actor:  # Kim's map and the maps of those tied to him
            assert 1 < neighbourhoods < everything["neighbourhood"]
        else:
            assert neighbourhoods == 0
        assert pages == render(load(data)) and (change is None) == (pages == first)
        previous = current


def test_changed_templates_render_everything_again(data: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    memo = Memo()
    dossier = load(data)
    Renderer(dossier, templates_dir=templates, memo=memo).pages()
    (templates / "sheet_index.md.j2").write_text("# {{ title | md }}\n", encoding="utf-8")
    pages = Renderer(dossier, templates_dir=templates, memo=memo).pages()
    assert memo.reused == 0
    assert pages == render(dossier, templates_dir=templates)


def test_pages_of_templates_that_see_the_whole_dossier_are_always_rendered(data: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "actor.md.j2").write_text(
        "# {{ actor.name | md }}\n\n{{ dossier.events | length }} / {{ site.sheets.event | length }}\n",
        encoding="utf-8",
    )
    memo = Memo()
    first = load(data)
    Renderer(first, templates_dir=templates, memo=memo).pages()
    (data / "events/kim-jong-un-viaggio-cina-2019.yml").unlink()  # no record refers to it
    second = load(data, previous=first)
    pages = Renderer(second, templates_dir=templates, memo=memo).pages()
    assert pages == render(second, templates_dir=templates)
    assert memo.rendered >= len(second.actors)
    assert "12 / 1" in pages["actors/cina.md"]


def test_unchanged_records_are_the_same_objects_after_a_reload(data: Path) -> None:
    first = load(data)
    _retitle(data)
    second = load(data, previous=first)

    def by_id(dossier: model.Dossier) -> dict[str, model.Record]:
        records = (*dossier.actors, *dossier.events, *dossier.quotes, *dossier.claims, *dossier.sources)
        return {f"{r.record_kind}/{r.id}": r for r in records}

    old, new = by_id(first), by_id(second)
    assert old.keys() == new.keys()
    changed = {key for key in new if new[key] is not old[key]}
    # the event itself, and the quote and the claim that show it
    assert changed == {
        "event/post-trump-social", "quote/trump-cospirate-contro-stati-uniti", "claim/trump-risposta-incontri-pechino"
    }  # fmt: skip
    assert all(new[key] == old[key] for key in new.keys() - changed)


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_reload_with_the_cache_resolves_as_a_fresh_load(data: Path, edit: Callable[[Path], None]) -> None:
    """Under serve (a cache of parsed files and the previous dossier) a record whose file, references and folder did
    not change is taken from the previous load without being resolved again: the dossier is still a fresh load's,
    back-links and citations included, and only what the edit touched is new."""
    cache: dict[tuple[str, int, int, int], object] = {}
    first = load(data, cache=cache)
    edit(data)
    second = load(data, cache=cache, previous=first)
    fresh = load(data)
    assert second == fresh
    assert dict(second.back_links) == dict(fresh.back_links)
    assert dict(second.citations_of) == dict(fresh.citations_of)
    kept = [key for key, record in second._index.items() if first._index.get(key) is record]
    assert len(kept) > len(second._index) // 2
    for key in second._index.keys() - set(kept):  # a record made again differs from the one it replaces
        assert key not in first._index or first._index[key] != second._index[key]


# -- the plugin under serve: the rebuilt site is byte for byte a clean build ---------------------------------------
URL = "http://127.0.0.1:8000/"


def _plugin() -> DossierPlugin:
    """The plugin instance: MkDocs keeps one for the whole process, because the plugin defines on_startup."""
    plugin = load_config(config_file=str(ROOT / "mkdocs.yml")).plugins["dossier"]
    assert isinstance(plugin, DossierPlugin)
    return plugin


@pytest.fixture
def serving() -> Iterator[Preview]:
    """The plugin as `mkdocs serve` starts and stops it: its preview state for the test."""
    plugin = _plugin()
    plugin.on_startup(command="serve", dirty=False)
    assert plugin.preview is not None
    try:
        yield plugin.preview
    finally:
        plugin.on_shutdown()  # the preview's indexing in the background stops too
        assert plugin.preview is None
        gc.enable()  # as `on_post_build` does; a test whose build fails may leave it off


def _build(project: Path, site: Path) -> None:
    """One build as `mkdocs serve` runs it: a fresh configuration, the serve URL, the site folder cleaned first."""
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
    config.site_url = URL
    build(config, serve_url=URL)


def _diff(served: Path, clean: Path) -> list[str]:
    a, b = _pages(served), _pages(clean)
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def _pages(site: Path) -> dict[str, str]:
    """The site's files, but its search index (under serve it is built in the background: tests/test_search.py) and
    the exports with their page (the preview makes the feed only, and its Dati page says so: tests/test_publish.py).
    """
    return {
        path: digest
        for path, digest in tree_hash(site).items()
        if not path.startswith(("pagefind/", f"{publish.FOLDER}/"))
    }


def _clean_build(project: Path, site: Path) -> None:
    """A build as `mkdocs build` runs it, in another process (here: the same plugin, its preview put aside)."""
    plugin = _plugin()
    preview, plugin.preview = plugin.preview, None
    try:
        _build(project, site)
    finally:
        plugin.preview = preview


@pytest.mark.parametrize(
    "edit",
    [_retitle, _rename_actor, _new_quote, _recite],
    ids=["retitle an event", "rename an actor", "add a quote", "cite another passage"],
)
def test_a_rebuild_under_serve_is_a_clean_build(
    tmp_path: Path, serving: Preview, edit: Callable[[Path], None], caplog: pytest.LogCaptureFixture
) -> None:
    project = copy_project(tmp_path / "project")
    served = tmp_path / "served"
    _build(project, served)
    _build(project, served)  # unchanged: every generated page is reused
    assert len(serving.conversions) > 20
    edit(project / "data")
    original = serving.conversions.copy()
    with caplog.at_level(logging.DEBUG, logger="mkdocs.plugins.dossier"):
        _build(project, served)
    reused = [uri for uri, kept in serving.conversions.items() if original.get(uri) is kept]
    assert reused, "no page was reused"
    assert len(reused) < len(serving.conversions), "no page was rebuilt"
    assert any("pages rendered" in r.getMessage() for r in caplog.records)
    clean = tmp_path / "clean"
    _clean_build(project, clean)
    assert _pages(served) == _pages(clean)


def _without_indexing_search(project: Path) -> Path:
    """A project whose search does not index the theme's output of every page (Material's built-in search does):
    then a page whose HTML cannot have changed is not templated again."""
    config = project / "mkdocs.yml"
    config.write_text(re.sub(r"^  - search\n", "", config.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    return project


def test_a_page_whose_html_cannot_have_changed_is_not_templated_again(tmp_path: Path, serving: Preview) -> None:
    project = _without_indexing_search(copy_project(tmp_path / "project"))
    served = tmp_path / "served"
    _build(project, served)
    _build(project, served)
    assert len(serving.themes) > 20 and all(kept.html for kept in serving.themes.values())
    _retitle(project / "data")
    original = serving.themes.copy()
    _build(project, served)
    reused = [uri for uri, kept in serving.themes.items() if original.get(uri) is kept]
    assert reused, "no page was reused"
    assert len(reused) < len(serving.themes), "no page was templated again"
    clean = tmp_path / "clean"
    _clean_build(project, clean)
    assert _pages(served) == _pages(clean)


def test_editing_the_configuration_rebuilds_every_page(tmp_path: Path, serving: Preview) -> None:
    project = _without_indexing_search(copy_project(tmp_path / "project"))
    served = tmp_path / "served"
    _build(project, served)
    _edit(project / "mkdocs.yml", r"^site_name: .*$", "site_name: Un altro nome")
    kept = serving.themes.copy()
    assert kept
    _build(project, served)
    assert not any(kept.get(uri) is entry for uri, entry in serving.themes.items())
    clean = tmp_path / "clean"
    _clean_build(project, clean)
    assert _pages(served) == _pages(clean)
    assert "Un altro nome" in (served / "actors/kim-jong-un/index.html").read_text(encoding="utf-8")


def test_the_reuse_template_is_never_in_a_page(tmp_path: Path, serving: Preview) -> None:
    project = _without_indexing_search(copy_project(tmp_path / "project"))
    served = tmp_path / "served"
    _build(project, served)
    _build(project, served)
    for page in served.rglob("*.html"):
        assert REUSE_TEMPLATE not in page.read_text(encoding="utf-8")


def test_a_server_of_another_kind_gets_mkdocs_own_watching(tmp_path: Path) -> None:
    class Other:  # no rebuild condition to notify: the plugin must fall back to server.watch
        pass

    assert livereload.watch(Other(), tmp_path) is None


def test_a_rebuild_after_a_failed_one_is_a_clean_build(tmp_path: Path, serving: Preview) -> None:
    project = copy_project(tmp_path / "project")
    served = tmp_path / "served"
    _build(project, served)
    quote = project / "data/quotes/putin-coraggio-eroismo.yml"
    good = quote.read_text(encoding="utf-8")
    _edit(quote, r"^speaker: .*$", "speaker: nessuno")
    _build(project, served)  # under serve, the site shows the problem instead of stopping
    assert "speaker: unknown actor" in (served / "404.html").read_text(encoding="utf-8")
    quote.write_text(good, encoding="utf-8")
    _retitle(project / "data")
    _build(project, served)
    clean = tmp_path / "clean"
    _clean_build(project, clean)
    assert _pages(served) == _pages(clean)


# -- what else a page depends on -------------------------------------------------------------------------------
@pytest.mark.parametrize("record", ["actors/cina.yml", "sources/articolo-pechino-2025-09.yml"], ids=["actor", "source"])
def test_retagging_a_record_rebuilds_its_page(tmp_path: Path, serving: Preview, record: str) -> None:
    """A record's topics are shown on its page and list it on theirs: moving it from one topic to another changes
    its page and both topics' pages (their back-links), all rebuilt as a clean build would."""
    project = copy_project(tmp_path / "project")
    served = tmp_path / "served"
    _build(project, served)
    _edit(project / "data" / record, r"^  - parata-di-pechino$", "  - kursk")
    _build(project, served)
    clean = tmp_path / "clean"
    _clean_build(project, clean)
    assert _diff(served, clean) == []


def test_a_base_configuration_edit_rebuilds_every_page(tmp_path: Path, serving: Preview) -> None:
    """With `INHERIT: base.yml` (a documented MkDocs feature), editing the base file (here the site name, shown in
    every page's header) changes every page: the site key is the loaded configuration, not mkdocs.yml's bytes."""
    project = copy_project(tmp_path / "project")
    (project / "mkdocs.yml").rename(project / "base.yml")
    (project / "mkdocs.yml").write_text("INHERIT: base.yml\n", encoding="utf-8")
    served = tmp_path / "served"
    _build(project, served)
    _edit(project / "base.yml", r"^site_name: .*$", "site_name: Un altro nome")
    _build(project, served)
    clean = tmp_path / "clean"
    _clean_build(project, clean)
    assert _diff(served, clean) == []


def _with_templates(project: Path) -> Path:
    """The project's mkdocs.yml with a `templates:` folder (empty: the packaged templates still apply)."""
    _edit(project / "mkdocs.yml", r"^      data_dir: data$", "      data_dir: data\n      templates: templates")
    templates = project / "templates"
    templates.mkdir()
    return templates


def test_adding_a_static_file_a_generated_page_links_to(tmp_path: Path, serving: Preview) -> None:
    """A project template links an image of docs/ (`![logo](../img/logo.png)` on every actor page). MkDocs rewrites
    a relative link only when its target exists, so adding docs/img/logo.png changes the actor pages' HTML: the
    conversion key lists every file, not only the documentation pages."""
    project = copy_project(tmp_path / "project")
    templates = _with_templates(project)
    packaged = (ROOT / "dossier/templates/actor.md.j2").read_text(encoding="utf-8")
    (templates / "actor.md.j2").write_text(packaged + "\n![logo](../img/logo.png)\n", encoding="utf-8")
    served = tmp_path / "served"
    _build(project, served)
    (project / "docs/img").mkdir()
    (project / "docs/img/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    _build(project, served)
    clean = tmp_path / "clean"
    _clean_build(project, clean)
    assert _diff(served, clean) == []


def test_an_optional_include_does_not_break_the_memo(data: Path, tmp_path: Path) -> None:
    """`{% include "x" ignore missing %}` renders fine when x does not exist: following the templates a template
    refers to (to know what it sees) must not fail on it (it would stop `mkdocs serve` with a traceback)."""
    templates = tmp_path / "templates"
    templates.mkdir()
    packaged = (ROOT / "dossier/templates/actor.md.j2").read_text(encoding="utf-8")
    (templates / "actor.md.j2").write_text(
        packaged + '\n{% include "actor_extra.md.j2" ignore missing %}\n', encoding="utf-8"
    )
    dossier = load(data)
    fresh = render(dossier, templates_dir=templates, page_size=SMALL)
    assert Renderer(dossier, templates_dir=templates, page_size=SMALL, memo=Memo()).pages() == fresh


def test_editing_a_glossary_appended_to_every_page(tmp_path: Path, serving: Preview) -> None:
    """Material's documented glossary: `pymdownx.snippets` appends includes/abbreviations.md (outside docs/, listed
    under `watch:`) to every page, and `abbr` turns each term into <abbr title=...>. Editing a definition changes
    the HTML of every page naming the term while the generated Markdown is unchanged: the conversion key covers the
    files under `watch:`."""
    project = copy_project(tmp_path / "project")
    includes = project / "includes"
    includes.mkdir()
    glossary = includes / "abbreviations.md"
    glossary.write_text("*[Putin]: Presidente della Russia\n", encoding="utf-8")
    _edit(
        project / "mkdocs.yml",
        r"^  - tables$",
        f"  - tables\n  - pymdownx.snippets:\n      base_path: [{str(project)!r}]\n"
        "      auto_append: [includes/abbreviations.md]",
    )
    (project / "mkdocs.yml").write_text(
        (project / "mkdocs.yml").read_text(encoding="utf-8") + "\nwatch:\n  - includes\n", encoding="utf-8"
    )
    served = tmp_path / "served"
    _build(project, served)
    assert "Presidente della Russia" in (served / "actors/vladimir-putin/index.html").read_text(encoding="utf-8")
    glossary.write_text("*[Putin]: Presidente russo dal 2000\n", encoding="utf-8")
    _build(project, served)
    clean = tmp_path / "clean"
    _clean_build(project, clean)
    assert _diff(served, clean) == []


def test_a_strict_rebuild_fails_like_a_clean_one(tmp_path: Path, serving: Preview) -> None:
    """`mkdocs serve --strict` with a project template whose pages warn (a link to a missing file): the clean build
    aborts, and so must every rebuild. A page that warned is not kept, so its conversion warns again."""
    project = copy_project(tmp_path / "project")
    templates = _with_templates(project)
    packaged = (ROOT / "dossier/templates/actor.md.j2").read_text(encoding="utf-8")
    (templates / "actor.md.j2").write_text(packaged + "\n[metodo](../manca.md)\n", encoding="utf-8")

    def strict_build(site: Path) -> None:
        config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site), strict=True)
        config.site_url = URL
        build(config, serve_url=URL)

    with pytest.raises(Abort):
        strict_build(tmp_path / "served")
    with pytest.raises(Abort):  # nothing changed: a clean build would abort again
        strict_build(tmp_path / "served")


# -- edit sequences that move everything ------------------------------------------------------------------------
def _prepend_sentence(data: Path) -> None:  # every span of the source shifts; anchors may not
    text = data / "sources/articolo-pechino-2025-09.txt"
    text.write_text("Una frase aggiunta in testa. " + text.read_text(encoding="utf-8"), encoding="utf-8")


def _overlapping_claim(data: Path) -> None:  # overlaps an already cited stretch: regions merge and renumber
    (data / "claims/nuova-sovrapposta.yml").write_text(
        "statement: Una nuova affermazione\nsubject: esperti\nstatus: reported\nconfidence: low\n"
        "sources:\n  - source: articolo-pechino-2025-09\n    passage: 'Nord attrezzature militari e petrolio'\n"
        "  - source: articolo-pechino-2025-09\n    passage: Una frase aggiunta in testa\n",
        encoding="utf-8",
    )


def _rename_and_rekind(data: Path) -> None:  # the actor index and the claims pages reorder
    _edit(data / "actors/esperti.yml", r"^name: .*$", "name: Analisti")
    _edit(data / "actors/esperti.yml", r"^kind: group$", "kind: person")


def _drop_new_claim(data: Path) -> None:
    (data / "claims/nuova-sovrapposta.yml").unlink()


@pytest.mark.parametrize("size", [1, SMALL])
def test_a_sequence_of_layout_shifting_edits_renders_as_fresh(data: Path, size: int) -> None:
    """Spans shifting, highlighted stretches merging and renumbering, records moving between list pages, an invalid
    state in between: each step compared with a fresh render (a randomised version, 200 sequences of 12 edits with
    page sizes 1 to 4, found no difference either)."""
    memo = Memo()
    previous = load(data)
    Renderer(previous, page_size=size, memo=memo).pages()
    quote = data / "quotes/putin-coraggio-eroismo.yml"
    good = quote.read_text(encoding="utf-8")
    steps = [_prepend_sentence, _overlapping_claim, _redate, _rename_and_rekind, _drop_new_claim]
    for step in steps:
        step(data)
        if step is _redate:  # an invalid state first, then fixed: that load fails and renders nothing
            _edit(quote, r"^speaker: .*$", "speaker: nessuno")
            with pytest.raises(DossierError):
                load(data, previous=previous)
            quote.write_text(good, encoding="utf-8")
        current = load(data, previous=previous)
        pages = Renderer(current, page_size=size, memo=memo).pages()
        assert pages == render(load(data), page_size=size), step.__name__
        previous = current
    assert memo.reused > 0


def test_the_record_cache_forgets_changed_and_removed_files(data: Path) -> None:
    cache: dict[tuple[str, int, int, int], object] = {}

    def files() -> set[tuple[str, int, int, int]]:  # the parsed files (beside them: kept checks and positions)
        return {key for key in cache if "\0" not in key[0]}

    load(data, cache=cache)
    size = len(files())
    records = sum(1 for path in data.rglob("*.yml"))
    assert size == records + 1  # every record and the stored text
    _retitle(data)
    load(data, cache=cache)
    assert len(files()) == size
    _drop_claim(data)
    load(data, cache=cache)
    assert len(files()) == size - 1
    assert not any(key[0].startswith("claims/kim-abito-occidentale.yml") for key in cache)


def _problems(data: Path, cache: dict[tuple[str, int, int, int], object] | None) -> list[str]:
    with pytest.raises(DossierError) as raised:
        load(data, cache=cache)
    return [str(problem) for problem in raised.value.problems]


def test_kept_checks_are_made_again_when_the_folder_changes_around_an_unchanged_file(data: Path) -> None:
    """Under serve an unchanged file keeps its checks (references, passages) only while the folder's ids and stored
    texts are the same: a record it refers to gone, or a passage it cites gone from the source, is reported at it,
    exactly as a load without a cache reports it."""
    cache: dict[tuple[str, int, int, int], object] = {}
    load(data, cache=cache)
    load(data, cache=cache)
    assert any(key[0].endswith("\0checked") for key in cache)  # the second run kept every file's checks

    event = data / "events/post-trump-social.yml"
    kept = event.read_bytes()
    event.unlink()
    gone = _problems(data, cache)
    assert gone == _problems(data, None)
    assert any("post-trump-social" in problem and "/events/" not in problem.partition(":")[0] for problem in gone)
    event.write_bytes(kept)
    load(data, cache=cache)

    text = data / "sources/articolo-pechino-2025-09.txt"
    passage = "hanno combattuto con coraggio ed eroismo"
    original = text.read_text(encoding="utf-8")
    assert passage in original
    text.write_text(original.replace(passage, "hanno combattuto"), encoding="utf-8")
    cut = _problems(data, cache)
    assert cut == _problems(data, None)
    assert any("/quotes/putin-coraggio-eroismo.yml:" in problem for problem in cut)
    text.write_text(original, encoding="utf-8")
    assert load(data, cache=cache) == load(data)


def test_rebuilds_under_serve_freeze_nothing_and_collect_each_builds_garbage(tmp_path: Path, serving: Preview) -> None:
    """Under `mkdocs serve` the collector is off (a full collection of M's heap takes 1.7 s); each build's garbage is
    collected a moment after it, or when the next build starts if edits come faster, so that rebuilds back to back
    do not grow the heap either. Nothing is frozen (what a frozen build held stayed in memory for good: the serve of
    M grew by 104 MB at its second rebuild)."""
    project = copy_project(tmp_path / "project")
    served = tmp_path / "served"
    gc.unfreeze()  # what earlier clean builds of this process froze: counted with the rest, so growth compares to all
    _build(project, served)
    event = project / "data/events/post-trump-social.yml"
    alive = []
    for round_ in range(3):
        for number in range(3):  # back to back: each build collects the one before
            _edit(event, r"^title: .*$", f"title: Titolo {round_}.{number}")
            _build(project, served)
            assert not gc.isenabled()
        time.sleep(1.5)  # the last one's garbage is collected a moment after it
        job = _plugin().search.job  # the preview's search index, made in the background: its objects are not garbage
        if job is not None and job.thread is not None:
            job.thread.join(timeout=60)
        alive.append(len(gc.get_objects()))
    assert gc.get_freeze_count() == 0
    # No steady growth: +76 objects over these six rebuilds; +3,502 when a build's navigation outlived it.
    assert alive[-1] - alive[0] < 1000, alive


def test_the_exports_convert_again_only_the_records_that_changed(data: Path) -> None:
    """Under serve the feed's records in neutral form are kept with the record objects they were made from."""
    memo = Memo()
    before = load(data)
    kept = Renderer(before, memo=memo).every_record()
    _retitle(data)
    after = load(data, previous=before)
    again = Renderer(after, memo=memo).every_record()
    assert again == Renderer(load(data)).every_record()  # as a fresh run converts them
    changed = {key for key in again if after.get(*key) is not before.get(*key)}
    assert ("event", "post-trump-social") in changed
    assert all(again[key] is kept[key] for key in again.keys() - changed)
    assert all(again[key] is not kept[key] for key in changed)
