"""Measure what the dossier costs: validation, generation, the MkDocs build, the site, and the live preview.

    python scripts/bench.py                          # bundled, M and L
    python scripts/bench.py --sizes S --runs 1       # a quick run
    python scripts/bench.py --sizes bundled,M --json bench.json

For each size (``bundled`` is this repository's own dossier; S, 10K, M and L are written by ``synth.py`` into a
temporary folder) it measures, as the median of ``--runs`` runs:

- ``dossier check``, as a command (wall time);
- generation alone, in this process (and the processes it forks, as a build does): ``dossier.resolve.load`` and
  ``dossier.render.render``;
- ``mkdocs build --strict`` with the plugin: wall time and peak memory;
- the baseline: ``dossier render --out X``, then ``mkdocs build`` of the same configuration without the plugin and
  with ``docs_dir: X``: what the site costs with no generator in the build;
- the site: its size, the median and largest page, the search index;
- the live preview (median of ``--edits`` edits): with ``mkdocs serve`` running, the time from saving a changed
  event title to its page being served with the new text.

``--search`` measures the site's search instead (see :func:`bench_search`): Pagefind (dossier/search.py) against
Material's search plugin, builds interleaved in one run, and a reader's first search in Chromium.

It prints the machine and a Markdown table, and with ``--json`` writes every figure to a file. Run it with the
virtualenv's Python, which has ``dossier`` and MkDocs installed.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gzip
import http.server
import importlib.util
import io
import json
import os
import platform
import pstats
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from dossier.kinds import DEFAULT

ROOT = Path(__file__).resolve().parent.parent
SYNTH = Path(__file__).resolve().parent / "synth.py"
SIZES = ("bundled", "S", "10K", "M", "L")
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
TIME = Path("/usr/bin/time")
POLL = 0.05  # seconds between two requests of the preview page
SERVE_TIMEOUT = 1800.0  # the first build of a large dossier under `mkdocs serve` can take minutes

# Runs a command and reports the peak memory of that command alone: a fresh child, so RUSAGE_CHILDREN is its own.
_RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "sys.stderr.write('\\nBENCH_MAXRSS=%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


class BenchError(Exception):
    """A step failed; the message says which and why."""


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float | None
    output: str
    cpu_s: float | None = None  # user + system time of the command and its children (GNU time): less noisy


# -- running things ----------------------------------------------------------------------------------------------
def run(command: list[str], cwd: Path, *, what: str) -> Measured:
    """Run ``command``; its wall time, and its output (stdout and stderr). Fails with the output if it fails."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise BenchError(f"{what} failed (exit {result.returncode}):\n{output[-4000:]}")
    return Measured(elapsed, None, output)


def run_with_memory(command: list[str], cwd: Path, *, what: str) -> Measured:
    """Like :func:`run`, with the peak resident memory of the command (GNU time, else a wrapper child)."""
    if TIME.exists():
        with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as report:
            report_path = Path(report.name)
        try:
            measured = run([str(TIME), "-v", "-o", str(report_path), *command], cwd, what=what)
            report = report_path.read_text()
        finally:
            report_path.unlink(missing_ok=True)
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
        peak = int(match.group(1)) / 1024 if match else None
        times = [float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", report)]
        return Measured(measured.seconds, peak, measured.output, sum(times) if len(times) == 2 else None)
    measured = run([sys.executable, "-c", _RSS_WRAPPER, *command], cwd, what=what)
    found = re.findall(r"BENCH_MAXRSS=(\d+)", measured.output)
    peak_kb = int(found[-1]) / (1024 if sys.platform == "darwin" else 1) if found else None  # bytes on macOS
    return Measured(measured.seconds, peak_kb / 1024 if peak_kb is not None else None, measured.output)


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def peak(measured: list[Measured]) -> float | None:
    """The median peak memory in MB, or None where it could not be measured."""
    values = [m.peak_mb for m in measured if m.peak_mb is not None]
    return median(values) if values else None


def mkdocs(*args: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", *args]


def dossier_cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "dossier", *args]


# -- the projects ------------------------------------------------------------------------------------------------
def read_config(config_file: Path) -> dict[str, Any]:
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    if not isinstance(config, dict):
        raise BenchError(f"{config_file}: not a mapping")
    return config


def settings(project: Path) -> Any:
    """The project as the `dossier` command and the plugin see it (mkdocs.yml loaded by MkDocs)."""
    from dossier.project import load_project

    return load_project(config_file=project / "mkdocs.yml")


def prepare(size: str, workdir: Path, seed: int) -> tuple[Path, float | None]:
    """The project folder for ``size``, and how long synthesising it took (None for the bundled one)."""
    project = workdir / size
    if size == "bundled":  # a copy: the preview edits a file, and nothing here may touch the repository
        project.mkdir(parents=True)
        shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
        found = settings(ROOT)
        folders = {found.docs_dir, found.data_dir, *([found.templates_dir] if found.templates_dir else [])}
        for folder in sorted(folders):
            if folder.is_dir():
                shutil.copytree(folder, project / folder.relative_to(ROOT))
        return project, None
    started = time.perf_counter()
    run([sys.executable, str(SYNTH), "--size", size, "--seed", str(seed), "--out", str(project)], ROOT, what="synth")
    return project, time.perf_counter() - started


def baseline_config(project: Path, docs_dir: str, site_dir: str, generated: list[str]) -> Path:
    """The project's mkdocs.yml without the dossier plugin, building the pre-rendered folder ``docs_dir``.

    What the plugin does besides generating is done here by configuration: its theme overrides, stylesheets and
    scripts are added to every page, and the generated pages (``generated``: their paths) are marked as not in the
    nav, so that
    ``validation.omitted_files`` does not warn about them (by folder: one pattern per generated page would make
    MkDocs match every file against hundreds of patterns).
    """
    config = read_config(project / "mkdocs.yml")
    from dossier.render import ASSETS

    config["plugins"] = [
        entry
        for entry in config.get("plugins") or []
        if entry != "dossier" and not (isinstance(entry, dict) and "dossier" in entry)
    ]
    config["docs_dir"] = docs_dir
    config["site_dir"] = site_dir
    from dossier.plugin import THEME_DIR

    config["theme"] = {**config.get("theme", {}), "custom_dir": str(THEME_DIR)}  # as the plugin adds it
    config["extra_css"] = [*config.get("extra_css", []), *(a for a in ASSETS if a.endswith(".css"))]
    config["extra_javascript"] = [*config.get("extra_javascript", []), *(a for a in ASSETS if a.endswith(".js"))]
    patterns = sorted({"/" + (uri.split("/")[0] + "/" if "/" in uri else uri) for uri in generated})
    config["not_in_nav"] = "\n".join([*str(config.get("not_in_nav") or "").splitlines(), *patterns])
    target = project / "mkdocs.baseline.yml"
    target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def counts(data_dir: Path) -> dict[str, int]:
    from dossier.kinds import DEFAULT

    result = {kind.folder: len(list((data_dir / kind.folder).glob("*.yml"))) for kind in DEFAULT}
    result["texts"] = len(list(data_dir.glob("*/*.txt")))
    result["data_bytes"] = sum(p.stat().st_size for p in data_dir.rglob("*") if p.is_file())
    return result


def site_figures(site: Path) -> dict[str, Any]:
    pages = sorted((p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html"))
    bundle = site / "pagefind"  # Pagefind's index (dossier/search.py), else Material's
    index = site / "search" / "search_index.json"
    index_bytes = index.stat().st_size if index.is_file() else None
    if bundle.is_dir():
        index_bytes = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    return {
        "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
        "site_files": sum(1 for p in site.rglob("*") if p.is_file()),
        "html_pages": len(pages),
        "page_median_bytes": int(statistics.median(size for size, _ in pages)) if pages else 0,
        "page_max_bytes": pages[-1][0] if pages else 0,
        "page_max": pages[-1][1] if pages else None,
        "search_index_bytes": index_bytes,
    }


# -- generation, in this process ---------------------------------------------------------------------------------
def generation(project: Path, runs: int, profile: bool) -> tuple[dict[str, Any], Any, list[str]]:
    from dossier import shares
    from dossier.render import render
    from dossier.resolve import load

    found = settings(project)
    page_size = found.page_size
    loads, renders, totals = [], [], []
    dossier, pages = None, {}
    for _ in range(runs):
        started = time.perf_counter()
        dossier = load(found.data_dir, lang=found.lang, base=project, workers=shares.cores())
        loaded = time.perf_counter()
        pages = render(
            dossier, lang=found.lang, templates_dir=found.templates_dir, page_size=page_size,
            workers=shares.cores(),
        )  # fmt: skip
        done = time.perf_counter()
        loads.append(loaded - started)
        renders.append(done - loaded)
        totals.append(done - started)
    figures: dict[str, Any] = {
        "load_s": median(loads),
        "render_s": median(renders),
        "generation_s": median(totals),
        "generated_pages": len(pages),
        "generated_bytes": sum(len(text.encode("utf-8")) for text in pages.values()),
    }
    generated = sorted(pages)
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        render(load(found.data_dir, lang=found.lang, base=project), lang=found.lang, page_size=page_size)
        profiler.disable()
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("tottime").print_stats(15)
        stats.sort_stats("cumulative").print_stats(25)
        figures["profile"] = stream.getvalue()
    return figures, dossier, generated


# -- the live preview --------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, timeout: float = SERVE_TIMEOUT) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(condition: Callable[[], bool], timeout: float, server: subprocess.Popen[bytes], what: str) -> float:
    """Poll ``condition`` every 50 ms; the time it took to hold. Fails if the server dies or time runs out."""
    started = time.perf_counter()
    while not condition():
        if server.poll() is not None:
            raise BenchError(f"mkdocs serve exited (code {server.returncode}) while waiting for {what}")
        if time.perf_counter() - started > timeout:
            raise BenchError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(POLL)
    return time.perf_counter() - started


def page_url(src_uri: str, directory_urls: bool) -> str:
    from dossier.render import site_address

    return site_address(src_uri, directory_urls)


def _child(pid: int) -> int:
    """The process ``pid`` started (`dossier serve` waits on `mkdocs serve`), or ``pid`` itself (Linux)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="utf-8").split()
    except OSError:
        return pid
    return int(children[0]) if children else pid


def rss_mb(pid: int) -> float | None:
    """The resident memory of a process now, in MB (Linux), or None."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) / 1024 if found else None


def preview(project: Path, dossier: Any, edits: int, command: str = "mkdocs") -> dict[str, Any]:
    """Start `mkdocs serve` (or `dossier serve`, which `make serve` runs: the same, its pages kept in memory where
    the system has room for them), then time ``edits`` edits of an event title until the page shows the new title; the
    serve process's resident memory after the first edit and after the last (each rebuild's garbage is collected a
    second after it is served: measured two seconds after)."""
    from dossier.render import Renderer

    found = settings(project)
    data_dir = found.data_dir
    directory_urls = bool(read_config(project / "mkdocs.yml").get("use_directory_urls", True))
    site = Renderer(dossier, page_size=found.page_size).site
    events = dossier.events
    chosen = [events[(i + 1) * len(events) // (edits + 1)] for i in range(edits)]
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    log_path = project / "serve.log"
    with log_path.open("wb") as log:
        started = time.perf_counter()
        server = subprocess.Popen(
            (mkdocs if command == "mkdocs" else dossier_cli)("serve", "--dev-addr", f"127.0.0.1:{port}"),
            cwd=project,
            env=ENV,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(lambda: fetch(base, timeout=5) is not None, SERVE_TIMEOUT, server, "the first build")
            startup = time.perf_counter() - started
            latencies = []
            memory: list[float | None] = []
            for number, event in enumerate(chosen, start=1):
                url = base + page_url(site.uri_of(event).partition("#")[0], directory_urls)
                token = f"Ritocco{number}{command}q{os.getpid()}"  # a new title each run: none already shown
                path = data_dir / DEFAULT["event"].folder / f"{event.id}.yml"
                text = path.read_text(encoding="utf-8")
                changed, replaced = re.subn(r"(?m)^title: .*$", f"title: Evento ritoccato {token}", text, count=1)
                if not replaced:
                    raise BenchError(f"{path}: no 'title:' line to edit")
                path.write_text(changed, encoding="utf-8")
                saved = time.perf_counter()
                wait_for(lambda u=url, t=token: t in (fetch(u) or ""), SERVE_TIMEOUT, server, f"{url} to change")
                latencies.append(time.perf_counter() - saved)
                if number in (1, len(chosen)):
                    time.sleep(2.0)
                    memory.append(rss_mb(server.pid if command == "mkdocs" else _child(server.pid)))
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    first, last = (memory[0], memory[-1]) if len(memory) > 1 else (None, None)
    growth = last - first if first is not None and last is not None else None
    return {
        "serve_startup_s": startup,
        "preview_s": median(latencies),
        "preview_samples_s": latencies,
        "serve_rss_mb": last,
        "serve_growth_mb": growth,
    }


# -- one size ----------------------------------------------------------------------------------------------------
def bench_size(size: str, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    def say(message: str) -> None:
        if not args.quiet:
            print(f"[{size}] {message}", file=sys.stderr, flush=True)

    project, synth_s = prepare(size, workdir, args.seed)
    data_dir = settings(project).data_dir
    result: dict[str, Any] = {"size": size, "synth_s": synth_s, **counts(data_dir)}
    say(", ".join(f"{result[kind.folder]} {kind.folder}" for kind in DEFAULT) + f" in {project}")

    result["check_s"] = median(
        [
            run(dossier_cli("check", "--data", str(data_dir)), project, what="dossier check").seconds
            for _ in range(args.runs)
        ]
    )
    say(f"dossier check: {result['check_s']:.2f} s")

    figures, dossier, generated = generation(project, args.runs, args.profile)
    result.update(figures)
    say(f"generation: {result['generation_s']:.2f} s ({result['generated_pages']} pages)")
    if args.profile:
        print(f"\n## Profile of generation ({size})\n\n```\n{figures['profile']}```\n", flush=True)

    builds = [
        run_with_memory(mkdocs("build", "--strict", "--site-dir", "site"), project, what="mkdocs build (plugin)")
        for _ in range(args.runs)
    ]
    result["build_s"] = median([b.seconds for b in builds])
    result["build_peak_mb"] = peak(builds)
    result.update(site_figures(project / "site"))
    say(f"mkdocs build: {result['build_s']:.2f} s, {_megabytes(result['build_peak_mb'])}")

    renders = [
        run(dossier_cli("render", "--out", "rendered"), project, what="dossier render").seconds
        for _ in range(args.runs)
    ]
    result["render_cli_s"] = median(renders)
    plain = baseline_config(project, "rendered", "site-baseline", generated)
    baselines = []
    for _ in range(args.runs):  # the plugin's build indexes the site: so does the baseline, with `dossier index`
        built = run_with_memory(mkdocs("build", "--strict", "-f", plain.name), project, what="mkdocs build (baseline)")
        indexed = run(dossier_cli("index", "site-baseline"), project, what="dossier index (baseline)")
        baselines.append(Measured(built.seconds + indexed.seconds, built.peak_mb, built.output + indexed.output))
    result["baseline_s"] = median([b.seconds for b in baselines])
    result["baseline_peak_mb"] = peak(baselines)
    result["baseline_site_bytes"] = site_figures(project / "site-baseline")["site_bytes"]
    say(f"baseline: render {result['render_cli_s']:.2f} s, build {result['baseline_s']:.2f} s")

    result["ratio_build_baseline"] = result["build_s"] / result["baseline_s"]
    result["ratio_generation_build"] = result["generation_s"] / result["build_s"]

    if args.no_serve:
        result.update(
            serve_startup_s=None, preview_s=None, preview_samples_s=[], serve_rss_mb=None, serve_growth_mb=None,
            preview_make_s=None, preview_make_samples_s=[], preview_make_rss_mb=None, preview_make_growth_mb=None,
        )  # fmt: skip
    else:
        result.update(preview(project, dossier, args.edits))
        samples = ", ".join(f"{s:.2f}" for s in result["preview_samples_s"])
        say(f"preview (mkdocs serve): {result['preview_s']:.2f} s (samples {samples})")
        made = preview(project, dossier, args.edits, command="dossier")
        result.update(
            preview_make_s=made["preview_s"], preview_make_samples_s=made["preview_samples_s"],
            preview_make_rss_mb=made["serve_rss_mb"], preview_make_growth_mb=made["serve_growth_mb"],
        )  # fmt: skip
        samples = ", ".join(f"{s:.2f}" for s in made["preview_samples_s"])
        say(f"preview (make serve: dossier serve): {made['preview_s']:.2f} s (samples {samples})")
    result.pop("profile", None)
    result["load_average_after"] = _load_average()
    return result


# -- search: Pagefind against Material's search plugin -----------------------------------------------------------
SEARCH_VARIANTS = ("material", "pagefind", "none")  # Material's plugin; the dossier plugin's Pagefind; no search
SEARCH_FILES = re.compile(r"/(pagefind/|search/|assets/javascripts/workers/search|assets/javascripts/lunr/)")
SEARCH_TIMEOUT = 180_000  # ms: Material's worker indexes its whole index before the first result
PAGEFIND_LOG = re.compile(r"dossier: search index: .*\((\d+(?:\.\d+)?) s after the pages\)")


def search_config(project: Path, variant: str) -> Path:
    """The project's mkdocs.yml with Material's search plugin (``material``: the dossier plugin then leaves search
    to it), with none (``pagefind``: the dossier plugin indexes the site), or with it disabled (``none``: no search
    at all, what both cost on top of)."""
    config = read_config(project / "mkdocs.yml")
    plugins = [p for p in config.get("plugins") or [] if p != "search" and not (isinstance(p, dict) and "search" in p)]
    if variant == "material":
        plugins.insert(0, "search")
    elif variant == "none":
        plugins.insert(0, {"search": {"enabled": False}})
    config["plugins"] = plugins
    config["site_dir"] = f"site-{variant}"
    target = project / f"mkdocs.{variant}.yml"
    target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def search_queries(project: Path) -> list[tuple[str, str]]:
    """What a reader might type, taken from the data: (what it is, the query)."""

    def records(kind: str) -> list[dict[str, Any]]:
        paths = sorted((project / "data" / kind).glob("*.yml"))
        return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in paths]

    events, actors, claims, quotes = records("events"), records("actors"), records("claims"), records("quotes")
    title = events[len(events) // 2]["title"]
    word = max(re.findall(r"\w+", title), key=len)
    surname = re.findall(r"\w+", actors[len(actors) // 3]["name"])[-1]
    statement = re.findall(r"\w+", claims[len(claims) // 2]["statement"])
    phrase = " ".join(statement[1:4])
    english = next((q["original"]["text"] for q in quotes if (q.get("original") or {}).get("lang") == "en"), None)
    queries = [("a word of an event's title", word), ("a name", surname), ("three words of a claim", phrase)]
    if english:
        queries.append(("four words of an English original", " ".join(english.split()[:4])))
    return queries


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; with ``gzip`` set, text files are compressed as web hosts do (GitHub Pages, Netlify)."""

    gzip = False
    TEXT = (".html", ".js", ".css", ".json", ".svg", ".xml", ".txt")

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.gzip and accepts and path.is_file() and path.suffix in self.TEXT):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def first_search(browser: Any, base: str, query: str, variant: str) -> dict[str, Any]:
    """A reader's first search on a fresh page of the site: the bytes of the search's files (Material's index and
    worker are fetched with the page, Pagefind's at the first keystroke), the milliseconds from the keystroke to
    the first results on screen."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        fetched: list[tuple[str, int]] = []
        page.on("requestfinished", lambda r: fetched.append((r.url, max(0, r.sizes()["responseBodySize"]))))
        page.goto(base, wait_until="load")
        page.wait_for_load_state("networkidle")
        page.locator("input.md-search__input").click()
        shown = (
            "() => (document.querySelector('[data-dossier-search]') || {}).dataset?.shown === " + json.dumps(query)
            if variant == "pagefind"
            else "() => document.querySelector('.md-search-result__item') !== null"
        )
        page.evaluate(
            "shown => { window.__first = null; const check = new Function('return (' + shown + ')()');"
            " new MutationObserver((_, o) => { if (check()) { window.__first = performance.now(); o.disconnect(); } })"
            ".observe(document.body, {childList: true, subtree: true, attributes: true}); }",
            shown,
        )
        started = page.evaluate("performance.now()")
        page.keyboard.type(query)
        page.wait_for_function("window.__first !== null", timeout=SEARCH_TIMEOUT)
        first = page.evaluate("window.__first") - started
        page.wait_for_load_state("networkidle")
        searched = [(url, size) for url, size in fetched if url.startswith("http") and SEARCH_FILES.search(url)]
        return {"bytes": sum(size for _, size in searched), "requests": len(searched), "first_ms": first}
    finally:
        context.close()


def browser_figures(project: Path, queries: list[tuple[str, str]], runs: int) -> dict[str, Any] | None:
    """Every query on each site, raw and gzip-served: median bytes and time of ``runs`` fresh pages each."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        return None
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
    figures: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=args)
        try:
            for served in ("raw", "gzip"):
                servers = {}
                for variant in ("material", "pagefind"):
                    handler = type("Handler", (_SiteHandler,), {"gzip": served == "gzip"})
                    bound = functools.partial(handler, directory=str(project / f"site-{variant}"))
                    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), bound)
                    threading.Thread(target=server.serve_forever, daemon=True).start()
                    servers[variant] = server
                try:
                    for label, query in queries:
                        for variant, server in servers.items():  # interleaved, fresh page each time
                            base = f"http://127.0.0.1:{server.server_address[1]}/"
                            samples = [first_search(browser, base, query, variant) for _ in range(runs)]
                            figures[f"{served}|{variant}|{label}"] = {
                                "query": query,
                                "bytes": median([s["bytes"] for s in samples]),
                                "requests": median([s["requests"] for s in samples]),
                                "first_ms": median([s["first_ms"] for s in samples]),
                            }
                finally:
                    for server in servers.values():
                        server.shutdown()
                        server.server_close()
        finally:
            browser.close()
    return figures


def bench_search(size: str, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Material's search plugin against Pagefind on one project: ``mkdocs build --strict`` of each, and of neither,
    interleaved (the order turns every run), median of ``--runs``; Pagefind's own indexing time (its log line) and
    ``dossier index`` alone; the indexes on disk; and in Chromium a reader's first search, for each query of
    :func:`search_queries`, the sites served as they are and gzip-compressed."""

    def say(message: str) -> None:
        if not args.quiet:
            print(f"[{size} search] {message}", file=sys.stderr, flush=True)

    project, _ = prepare(size, workdir, args.seed)
    configs = {variant: search_config(project, variant) for variant in SEARCH_VARIANTS}
    builds: dict[str, list[Measured]] = {variant: [] for variant in SEARCH_VARIANTS}
    for number in range(args.runs):
        order = SEARCH_VARIANTS[number % 3 :] + SEARCH_VARIANTS[: number % 3]
        for variant in order:
            command = mkdocs("build", "--strict", "-f", configs[variant].name)
            builds[variant].append(run_with_memory(command, project, what=f"mkdocs build ({variant})"))
            say(f"build {number + 1} {variant}: {builds[variant][-1].seconds:.1f} s")
    result: dict[str, Any] = {"size": size, "load_average_before": _load_average()}
    for variant, measured in builds.items():
        result[f"build_{variant}_s"] = median([m.seconds for m in measured])
        cpu = [m.cpu_s for m in measured if m.cpu_s is not None]
        result[f"build_{variant}_cpu_s"] = median(cpu) if cpu else None
        result[f"build_{variant}_samples_s"] = [m.seconds for m in measured]
        result[f"build_{variant}_peak_mb"] = peak(measured)
    logged = [float(m.group(1)) for b in builds["pagefind"] if (m := PAGEFIND_LOG.search(b.output))]
    result["pagefind_index_in_build_s"] = median(logged) if logged else None
    result["ratio_pagefind_material"] = result["build_pagefind_s"] / result["build_material_s"]
    if result["build_pagefind_cpu_s"] and result["build_material_cpu_s"]:
        result["ratio_pagefind_material_cpu"] = result["build_pagefind_cpu_s"] / result["build_material_cpu_s"]
    result["material_plugin_s"] = result["build_material_s"] - result["build_none_s"]
    result["pagefind_share_s"] = result["build_pagefind_s"] - result["build_none_s"]
    alone = [
        run_with_memory(dossier_cli("index", "site-pagefind"), project, what="dossier index") for _ in range(args.runs)
    ]
    result["dossier_index_s"] = median([m.seconds for m in alone])
    result["dossier_index_peak_mb"] = peak(alone)
    result["material_index_bytes"] = site_figures(project / "site-material")["search_index_bytes"]
    bundle = project / "site-pagefind/pagefind"
    result["pagefind_index_bytes"] = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    result["pagefind_index_files"] = sum(1 for p in bundle.rglob("*") if p.is_file())
    result["queries"] = search_queries(project)
    if args.no_browser:
        result["browser"] = None
    else:
        say("first searches in Chromium")
        result["browser"] = browser_figures(project, result["queries"], args.runs)
    result["load_average_after"] = _load_average()
    return result


def search_table(result: dict[str, Any]) -> str:
    def kib(value: float) -> str:
        return f"{value / 1024:,.0f} KiB" if value < 1024 * 1024 else f"{value / 1024 / 1024:.1f} MiB"

    r = result
    lines = [
        f"### {r['size']}: Material's search plugin against Pagefind",
        "",
        "| | Material search | Pagefind | no search |",
        "|---|---:|---:|---:|",
        f"| `mkdocs build --strict` (median of {len(r['build_pagefind_samples_s'])}) | {_s(r['build_material_s'])} | "
        f"{_s(r['build_pagefind_s'])} | {_s(r['build_none_s'])} |",
        "| builds, in run order | "
        + " | ".join(", ".join(f"{s:.1f}" for s in r[f"build_{v}_samples_s"]) for v in SEARCH_VARIANTS)
        + " |",
        f"| CPU time of the build (user + system, median) | {_s(r['build_material_cpu_s'])} | "
        f"{_s(r['build_pagefind_cpu_s'])} | {_s(r['build_none_cpu_s'])} |",
        f"| peak memory of the build | {_megabytes(r['build_material_peak_mb'])} | "
        f"{_megabytes(r['build_pagefind_peak_mb'])} | {_megabytes(r['build_none_peak_mb'])} |",
        f"| search's share of the build (build − no search) | {_s(r['material_plugin_s'])} | "
        f"{_s(r['pagefind_share_s'])} | |",
        f"| the build waiting for the index once its pages are written (logged) | | "
        f"{_s(r['pagefind_index_in_build_s'])} | |",
        f"| `dossier index` alone (peak memory) | | {_s(r['dossier_index_s'])} "
        f"({_megabytes(r['dossier_index_peak_mb'])}) | |",
        f"| index on disk | {_mb(r['material_index_bytes'])} (1 file) | {_mb(r['pagefind_index_bytes'])} "
        f"({r['pagefind_index_files']:,} files) | |",
        f"| **Pagefind build / Material build**: wall time, CPU time | | {_x(r['ratio_pagefind_material'])}, "
        f"{_x(r.get('ratio_pagefind_material_cpu'))} | |",
    ]
    browser = r.get("browser")
    if browser:
        lines += ["", "| first search in Chromium (median) | query | Material | Pagefind |", "|---|---|---:|---:|"]
        for served in ("raw", "gzip"):
            for label, query in r["queries"]:
                m, p = browser[f"{served}|material|{label}"], browser[f"{served}|pagefind|{label}"]
                lines.append(
                    f"| {label}, served {'as is' if served == 'raw' else 'gzip'}: bytes (requests) | `{query}` | "
                    f"{kib(m['bytes'])} ({m['requests']:.0f}) | {kib(p['bytes'])} ({p['requests']:.0f}) |"
                )
            for label, query in r["queries"]:
                m, p = browser[f"{served}|material|{label}"], browser[f"{served}|pagefind|{label}"]
                lines.append(
                    f"| {label}, served {'as is' if served == 'raw' else 'gzip'}: keystroke → first results | "
                    f"`{query}` | {m['first_ms']:,.0f} ms | {p['first_ms']:,.0f} ms |"
                )
    else:
        lines.append("\n(No browser figures: --no-browser, or no Chromium or playwright package.)")
    lines.append(f"\nLoad average before and after: {r['load_average_before']}, {r['load_average_after']}.\n")
    return "\n".join(lines)


# -- the report --------------------------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "mkdocs_material": version("mkdocs-material"),
        "dossier": version("dossier"),
        "peak_memory_by": "/usr/bin/time -v" if TIME.exists() else "getrusage(RUSAGE_CHILDREN)",
        "load_average": _load_average(),
        "bytecode_cache": _bytecode(),
    }


def _bytecode() -> str:
    """Whether the dossier package's commands start from compiled bytecode. Where PYTHONDONTWRITEBYTECODE is set (this
    project's reference machine), Python writes none, and only what `make` compiled at install is read: a module
    changed since is compiled again at every start (all of them: about 0.1 s of each `dossier check`)."""
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return "on"
    sources = sorted((ROOT / "dossier").rglob("*.py"))
    stale = [
        p for p in sources
        if not (cached := Path(importlib.util.cache_from_source(str(p)))).exists()
        or cached.stat().st_mtime < p.stat().st_mtime
    ]  # fmt: skip
    if not stale:
        return "not written (PYTHONDONTWRITEBYTECODE), but the package was compiled at install (make)"
    return f"not written (PYTHONDONTWRITEBYTECODE): {len(stale)} of {len(sources)} modules compiled at every start"


def _load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages: figures from a busy machine are not comparable."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def _mb(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value / 1e6:.1f} MB" if value >= 1e6 else f"{value / 1e3:.0f} kB"


def _megabytes(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} MB"


def _kb(value: float | None) -> str:
    return "–" if value is None else f"{value / 1e3:.1f} kB"


def _x(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def _n(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


ROWS: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    (" / ".join(kind.folder for kind in DEFAULT), "", lambda r: ""),
    ("data (YAML and texts)", "data_bytes", _mb),
    ("`dossier check`", "check_s", _s),
    ("generation: load + validate", "load_s", _s),
    ("generation: render", "render_s", _s),
    ("generation (in-process)", "generation_s", _s),
    ("generated pages", "generated_pages", _n),
    ("`mkdocs build --strict` with the plugin", "build_s", _s),
    ("peak memory, plugin build", "build_peak_mb", _megabytes),
    ("`dossier render --out X`", "render_cli_s", _s),
    ("baseline: `mkdocs build` of X, no plugin, + `dossier index`", "baseline_s", _s),
    ("peak memory, baseline build", "baseline_peak_mb", _megabytes),
    ("**plugin build / baseline**", "ratio_build_baseline", _x),
    ("**generation / plugin build**", "ratio_generation_build", _x),
    ("site size", "site_bytes", _mb),
    ("HTML pages", "html_pages", _n),
    ("median page", "page_median_bytes", _kb),
    ("largest page", "page_max_bytes", _kb),
    ("search index (all of pagefind/, fetched in pieces)", "search_index_bytes", _mb),
    ("`mkdocs serve` start (first page served)", "serve_startup_s", _s),
    ("preview latency (edit → page served), `mkdocs serve`", "preview_s", _s),
    ("preview latency, `make serve` (`dossier serve`: pages in memory where there is room)", "preview_make_s", _s),
    ("serve memory after the last edit, `mkdocs serve`", "serve_rss_mb", _megabytes),
    ("serve memory growth, first to last edit, `mkdocs serve`", "serve_growth_mb", _megabytes),
    ("serve memory after the last edit, `make serve`", "preview_make_rss_mb", _megabytes),
    ("serve memory growth, first to last edit, `make serve`", "preview_make_growth_mb", _megabytes),
)


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| | " + " | ".join(r["size"] for r in results) + " |", "|---|" + "---:|" * len(results)]
    for label, key, show in ROWS:
        if not key:
            cells = [" / ".join(f"{r[kind.folder]:,}" for kind in DEFAULT) for r in results]
        else:
            cells = [show(r.get(key)) for r in results]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    largest = [f"{r['size']}: `{r['page_max']}`" for r in results if r.get("page_max")]
    loads = [f"{r['size']}: {r.get('load_average_after')}" for r in results]
    return (
        "\n".join(lines)
        + "\n\nLargest pages: "
        + ", ".join(largest)
        + ".\nLoad average (1, 5, 15 min) after each size: "
        + "; ".join(loads)
        + ".\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="bundled,M,L", help="comma-separated: bundled, S, 10K, M, L")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is reported")
    parser.add_argument("--edits", type=int, default=10, help="edits timed for the preview latency and memory")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--no-serve", action="store_true", help="skip the live-preview measurement")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of generation for each size")
    parser.add_argument("--workdir", type=Path, help="where to put the projects (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the projects and sites afterwards")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument(
        "--search", action="store_true", help="measure the search instead: Pagefind against Material's search plugin"
    )
    parser.add_argument("--no-browser", action="store_true", help="with --search: the builds only")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown or args.runs < 1 or args.edits < 1:
        parser.error(f"unknown size(s) {', '.join(unknown)}; use {', '.join(SIZES)}" if unknown else "must be >= 1")
    try:
        import dossier  # noqa: F401
    except ImportError:
        parser.error("the dossier package is not importable: run this with the virtualenv's Python")

    info = machine()
    print("# Dossier benchmark\n")
    print(
        f"Machine: {info['platform']}, {info['processor']}, {info['cpus']} CPUs; Python {info['python']}; "
        f"MkDocs {info['mkdocs']}; Material {info['mkdocs_material']}; dossier {info['dossier']}. "
        f"Median of {args.runs} run(s); "
        f"{'preview not measured' if args.no_serve else f'preview: median of {args.edits} edits'}. "
        f"Peak memory: {info['peak_memory_by']}. Python's bytecode cache: {info['bytecode_cache']}. "
        f"Load average at start: {info['load_average']}.\n",
        flush=True,
    )
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dossier-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for size in sizes:
            if (workdir / size).exists():
                shutil.rmtree(workdir / size)
            results.append(bench_search(size, workdir, args) if args.search else bench_size(size, workdir, args))
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\n".join(search_table(r) for r in results) if args.search else table(results))
    if args.json:
        document = {"machine": info, "runs": args.runs, "edits": args.edits, "seed": args.seed, "results": results}
        args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
