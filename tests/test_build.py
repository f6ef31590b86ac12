"""End-to-end: the real `mkdocs build` with the dossier plugin, on a copy of the project."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from sitekit import copy_project, pagefind_pages, run, searchable_pages, tree_hash, unstable

from dossier.kinds import DEFAULT
from dossier.plugin import THEME_DIR
from dossier.render import ASSETS


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    project = copy_project(tmp_path_factory.mktemp("project"))
    result = run(["mkdocs", "build", "--strict"], project)
    assert result.returncode == 0, result.stderr
    return project, result.stderr


def test_build_logs_exactly_the_expected_lines(built: tuple[Path, str]) -> None:
    project, log = built
    lines = log.strip().splitlines()
    assert lines[:2] == [
        "INFO    -  Cleaning site directory",
        f"INFO    -  Building documentation to directory: {project / 'site'}",
    ]
    # The search index (dossier/search.py): the reader pages, and the English original of Trump's words.
    pages = searchable_pages(project / "site")
    assert pages > 20
    assert re.fullmatch(
        rf"INFO    -  dossier: search index: {pages} pages and 1 in en \(\d+\.\d s after the pages\)", lines[2]
    )
    assert re.fullmatch(r"INFO    -  Documentation built in \d+\.\d\d seconds", lines[3])
    assert len(lines) == 4, log


def test_build_writes_every_generated_page(built: tuple[Path, str]) -> None:
    project, _ = built
    site = project / "site"
    for page in ("timeline", "actors", "quotes", "claims", "sources", "actors/vladimir-putin"):
        assert (site / page / "index.html").is_file(), page
    assert (site / "assets/dossier/dossier.js").is_file()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "<!-- dossier:overview -->" not in home
    assert 'href="actors/vladimir-putin/"' in home  # the overview, with links relative to the home page


def test_site_requests_nothing_from_third_party_hosts(built: tuple[Path, str]) -> None:
    project, _ = built
    for page in (project / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # Links a reader may follow are fine; what the page itself loads (scripts, styles, images, frames) is not.
        for url in re.findall(
            r'<(?:script|img|iframe|link|source|video|audio)\b[^>]*?(?:src|href)="(https?://[^"]+)"', html
        ):
            pytest.fail(f"{page}: loads {url}")


def test_invalid_data_leaves_the_site_untouched(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    assert run(["mkdocs", "build", "--strict"], project).returncode == 0
    before = tree_hash(project / "site")
    quote = project / "data/quotes/putin-coraggio-eroismo.yml"
    quote.write_text(quote.read_text(encoding="utf-8").replace("speaker: vladimir-putin", "speaker: vladimir-putn"))
    result = run(["mkdocs", "build", "--strict"], project)
    assert result.returncode == 1
    assert (
        "ERROR   -  data/quotes/putin-coraggio-eroismo.yml:1:10: quote 'putin-coraggio-eroismo': speaker: "
        "unknown actor 'vladimir-putn' (did you mean 'vladimir-putin'?)" in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert tree_hash(project / "site") == before


def test_generated_page_never_replaces_a_hand_written_one(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    (project / "docs/timeline").mkdir()
    (project / "docs/timeline/index.md").write_text("# Mine\n", encoding="utf-8")
    result = run(["mkdocs", "build", "--strict"], project)
    assert result.returncode == 1
    assert (
        "ERROR   -  generated page 'timeline/index.md' would replace the hand-written page 'docs/timeline/index.md'"
        in result.stderr
    )


def _plain_config(project: Path, docs_dir: str) -> Path:
    """The project's mkdocs.yml with the dossier plugin removed and the assets listed by hand."""
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "dossier" in p)]
    config["docs_dir"] = docs_dir
    config["site_dir"] = "site-plain"
    config["extra_css"] = [asset for asset in ASSETS if asset.endswith(".css")]
    config["extra_javascript"] = [asset for asset in ASSETS if asset.endswith(".js")]
    config["theme"]["custom_dir"] = str(THEME_DIR)  # the search box and what marks the pages for the index
    config["not_in_nav"] = "".join(f"/{kind.uri_folder}/\n" for kind in DEFAULT) + "/overview.md\n"
    path = project / "plain.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def test_render_out_builds_the_same_site_without_the_plugin(built: tuple[Path, str], tmp_path: Path) -> None:
    project, _ = built
    work = copy_project(tmp_path / "p")
    assert run(["dossier", "render", "--out", "out"], work).returncode == 0
    config = _plain_config(work, "out")
    result = run(["mkdocs", "build", "--strict", "-f", str(config)], work)
    assert result.returncode == 0, result.stderr
    indexed = run(["dossier", "index", "site-plain"], work)
    assert indexed.returncode == 0, indexed.stderr
    pages = searchable_pages(project / "site")
    assert indexed.stdout.startswith(f"site-plain/pagefind: {pages} pages, 1 passages in en ("), indexed.stdout
    plain = tree_hash(work / "site-plain", skip=("sitemap.xml.gz",))
    plugin = tree_hash(project / "site", skip=("sitemap.xml.gz",))
    assert {k: v for k, v in plain.items() if not k.startswith("pagefind/")} == {
        k: v for k, v in plugin.items() if not k.startswith("pagefind/")
    }
    # The index is compared by what it holds: its chunks number the pages in the order Pagefind got them (as MkDocs
    # wrote them, or as `dossier index` found them), and its filter chunk is not byte-stable from run to run.
    for bundle in ("pagefind", "pagefind/en"):
        assert pagefind_pages(work / "site-plain" / bundle) == pagefind_pages(project / "site" / bundle)
    for site in (work / "site-plain", project / "site"):
        entry = json.loads((site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"]["it"]["page_count"] == pages
        assert list(json.loads((site / "pagefind/dossier-search.json").read_text(encoding="utf-8"))["languages"]) == [
            "en"
        ]


def test_render_out_leaves_no_stale_page(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    extra = project / "data/actors/attore-di-prova.yml"
    extra.write_text("name: Attore di prova\nkind: person\n", encoding="utf-8")
    assert run(["dossier", "render", "--out", "out"], project).returncode == 0
    assert (project / "out/actors/attore-di-prova.md").is_file()
    extra.unlink()
    result = run(["dossier", "render", "--out", "out"], project)
    assert result.returncode == 0, result.stderr
    assert not (project / "out/actors/attore-di-prova.md").exists()
    assert sorted(p.name for p in project.iterdir()) == ["data", "docs", "mkdocs.yml", "out"]


def test_output_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    trees = []
    for seed in ("1", "2", "12345"):
        out = f"out-{seed}"
        assert run(["dossier", "render", "--out", out], project, PYTHONHASHSEED=seed).returncode == 0
        trees.append(tree_hash(project / out))
    assert trees[0] == trees[1] == trees[2]
    shutil.rmtree(project / "out-1")


def test_the_plugin_enables_the_markdown_extensions_its_pages_need(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    del config["markdown_extensions"]
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = run(["mkdocs", "build", "--strict"], project)
    assert result.returncode == 0, result.stderr
    page = (project / "site/timeline/index.html").read_text(encoding="utf-8")
    assert 'id="incontro-putin-kim-diaoyutai"' in page  # attr_list
    citations = '<div class="dossier-citations" data-pagefind-ignore="data-pagefind-ignore"'
    assert citations + ' data-search-exclude="data-search-exclude">\n<p class="dossier-label">Fonti</p>\n<ul>' in page
    assert "{#" not in page and "markdown>" not in page
    # Citations are kept out of the search index: the timeline's record has the event, not its source's words.
    timeline = pagefind_pages(project / "site/pagefind")["/timeline/"]["content"]
    assert "Putin ringrazia Kim alla Diaoyutai State Guest House" in timeline
    assert "Il commento è arrivato durante un incontro tra i due alleati" not in timeline


def test_built_html_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    sites = []
    for seed in ("0", "4242"):
        project = copy_project(tmp_path / f"p{seed}")
        result = run(["mkdocs", "build", "--strict"], project, PYTHONHASHSEED=seed)
        assert result.returncode == 0, result.stderr
        site = tree_hash(project / "site", skip=("sitemap.xml.gz",))  # gzip stores a timestamp
        sites.append({path: digest for path, digest in site.items() if not unstable(path)})
    assert sites[0] == sites[1]
