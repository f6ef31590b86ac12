"""Smoke tests of the benchmark scripts: scripts/synth.py writes a valid, deterministic dossier that MkDocs builds,
and scripts/bench.py measures it. No figure is asserted: only that every step runs and reports."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dossier.resolve import load

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def run(args: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=timeout, check=False)


def synth(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run(
        [sys.executable, str(SCRIPTS / "synth.py"), "--size", "S", "--seed", "1", "--out", str(out), *extra], ROOT
    )


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "s"
    result = synth(out)
    assert result.returncode == 0, result.stderr
    return out


def test_synth_writes_a_complete_project(project: Path) -> None:
    assert (project / "mkdocs.yml").is_file()
    assert "tags" not in yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))["plugins"]
    assert not (project / "docs/tags.md").exists()  # topics are records: data/tags/, listed on tags/
    assert (project / "docs/index.md").is_file()
    data = project / "data"
    assert len(list((data / "actors").glob("*.yml"))) == 50
    assert len(list((data / "events").glob("*.yml"))) == 200
    assert len(list((data / "quotes").glob("*.yml"))) == 300
    assert len(list((data / "claims").glob("*.yml"))) == 60
    assert len(list((data / "sources").glob("*.yml"))) == 20
    assert len(list((data / "tags").glob("*.yml"))) == 30
    assert list((data / "sources").glob("*.txt"))


def test_synth_output_passes_dossier_check(project: Path) -> None:
    result = run([sys.executable, "-m", "dossier", "check", "--data", "data"], project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout


def test_synth_covers_what_the_dossier_supports(project: Path) -> None:
    dossier = load(project / "data")
    assert {a.kind for a in dossier.actors} == {"person", "organization", "country", "group"}
    assert any(a.roles for a in dossier.actors) and any(a.relations for a in dossier.actors)
    dates = [e.date for e in dossier.events]
    singles = [d.start for d in dates if not d.interval and d.start]
    assert {d.precision for d in singles} == {"year", "month", "day"}
    assert any(d.approximate and not d.uncertain for d in singles)
    assert any(d.uncertain and not d.approximate for d in singles)
    assert any(d.approximate and d.uncertain for d in singles)
    assert any(d.interval and d.start and d.end for d in dates)
    assert any(d.open_start for d in dates) and any(d.open_end for d in dates)
    assert any(d.interval and d.start is None and not d.open_start for d in dates)  # '/2025'
    years = {d.year for d in dates}
    assert max(y for y in years if y) - min(y for y in years if y) >= 30  # spread over decades
    answers: dict[str, int] = {}
    for claim in dossier.claims:
        if claim.question:
            answers[claim.question.id] = answers.get(claim.question.id, 0) + 1
    assert max(answers.values()) > 1  # some questions have several answers, compared in one table
    assert any(c.subject.record_kind == "event" for c in dossier.claims)  # claims about events
    values = [c.value for c in dossier.claims if c.value]
    assert any(v.amount for v in values) and any(v.min and v.max for v in values)  # figures and ranges
    assert any(v.vague for v in values) and any(bool(v.min) != bool(v.max) for v in values)  # vague, open
    assert any(s.excerpts for s in dossier.sources)  # sources known by excerpts only
    verified = [c for q in dossier.quotes for c in q.sources if c.verified]
    assert verified  # passages found in the stored texts
    assert any(c.prefix for e in dossier.events for c in e.sources) or any(
        c.prefix for q in dossier.quotes for c in q.sources
    )


def test_synth_is_deterministic(project: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    result = synth(again)
    assert result.returncode == 0, result.stderr
    assert tree(again) == tree(project)


def test_synth_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = synth(tmp_path)
    assert result.returncode != 0
    assert "not empty" in result.stderr
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_synth_output_builds_strict(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], project)
    assert result.returncode == 0, result.stderr
    assert (site / "timeline/index.html").is_file()
    assert (site / "pagefind/pagefind-entry.json").is_file()  # the search index (dossier/search.py)
    assert not (site / "search").exists()  # not Material's


def test_bench_quick_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = run(
        [sys.executable, str(SCRIPTS / "bench.py"), "--sizes", "S", "--runs", "1", "--edits", "2", "--json", str(out)],
        ROOT,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| generation (in-process) |" in result.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert {"platform", "cpus", "python", "mkdocs", "mkdocs_material"} <= set(report["machine"])
    (figures,) = report["results"]
    expected = {
        "size", "actors", "events", "quotes", "claims", "sources", "check_s", "load_s", "render_s", "generation_s",
        "build_s", "build_peak_mb", "render_cli_s", "baseline_s", "baseline_peak_mb", "ratio_build_baseline",
        "ratio_generation_build", "site_bytes", "page_median_bytes", "page_max_bytes", "search_index_bytes",
        "serve_startup_s", "preview_s", "preview_samples_s", "preview_make_s", "preview_make_samples_s",
        "serve_rss_mb", "serve_growth_mb", "preview_make_rss_mb", "preview_make_growth_mb",
    }  # fmt: skip
    assert expected <= set(figures)
    assert figures["size"] == "S"
    assert figures["events"] == 200
    assert len(figures["preview_samples_s"]) == len(figures["preview_make_samples_s"]) == 2
    measured = ("check_s", "generation_s", "build_s", "baseline_s", "preview_s", "preview_make_s")
    assert all(figures[k] > 0 for k in measured)
    assert figures["serve_rss_mb"] > 20 and figures["preview_make_rss_mb"] > 20  # each server's own process
    assert figures["preview_make_s"] > 0.05  # a rebuild, not a title already there from the first preview's edits


def test_bench_drawings_builds_each_variant_and_times_the_steps(tmp_path: Path, project: Path) -> None:
    out = tmp_path / "drawings.json"
    command = [sys.executable, str(SCRIPTS / "bench_drawings.py"), "--project", str(project), "--runs", "1"]
    result = run([*command, "--variants", "drawings,none,content,inline", "--json", str(out)], ROOT, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| drawings |" in result.stdout and "| none |" in result.stdout
    runs = {r["variant"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    assert set(runs) == {"drawings", "none", "content", "inline"}
    assert runs["none"]["figures_mb"] == 0 < runs["drawings"]["figures_mb"] == runs["inline"]["figures_mb"]
    assert runs["drawings"]["neighbourhood_s"] > 0 and runs["drawings"]["set_aside_s"] > 0
    assert all(r["cpu_s"] > 0 and r["build_s"] > 0 for r in runs.values())


def test_bench_passages_reports_each_passage() -> None:
    result = run([sys.executable, str(SCRIPTS / "bench_passages.py"), "--mb", "0.05", "--runs", "1"], ROOT)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ") and " ms |" in line]
    assert len(rows) == 8  # the index and three passages, on two texts
    assert "MB held" in result.stdout
