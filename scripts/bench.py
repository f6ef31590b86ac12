"""Measure what the dossier costs: validation, generation, the MkDocs build, the site, and the live preview.

    python scripts/bench.py                          # bundled, M and L
    python scripts/bench.py --sizes S --runs 1       # a quick run
    python scripts/bench.py --sizes bundled,M --json bench.json

For each size (``bundled`` is this repository's own dossier; S, 10K, M and L are written by ``synth.py`` into a
temporary folder) it measures, as the median of ``--runs`` runs:

- ``dossier check``, as a command (wall time);
- generation alone, in this process: ``dossier.resolve.load`` and ``dossier.render.render``;
- ``mkdocs build --strict`` with the plugin: wall time and peak memory;
- the baseline: ``dossier render --out X``, then ``mkdocs build`` of the same configuration without the plugin and
  with ``docs_dir: X``: what the site costs with no generator in the build;
- the site: its size, the median and largest page, the search index;
- the live preview (median of ``--edits`` edits): with ``mkdocs serve`` running, the time from saving a changed
  event title to its page being served with the new text.

It prints the machine and a Markdown table, and with ``--json`` writes every figure to a file. Run it with the
virtualenv's Python, which has ``dossier`` and MkDocs installed.
"""

from __future__ import annotations

import argparse
import cProfile
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
            match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report_path.read_text())
        finally:
            report_path.unlink(missing_ok=True)
        peak = int(match.group(1)) / 1024 if match else None
        return Measured(measured.seconds, peak, measured.output)
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

    What the plugin does besides generating is done here by configuration: its stylesheet and script are added to
    every page, and the generated pages (``generated``: their paths) are marked as not in the nav, so that
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
    index = site / "search" / "search_index.json"
    return {
        "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
        "site_files": sum(1 for p in site.rglob("*") if p.is_file()),
        "html_pages": len(pages),
        "page_median_bytes": int(statistics.median(size for size, _ in pages)) if pages else 0,
        "page_max_bytes": pages[-1][0] if pages else 0,
        "page_max": pages[-1][1] if pages else None,
        "search_index_bytes": index.stat().st_size if index.is_file() else None,
    }


# -- generation, in this process ---------------------------------------------------------------------------------
def generation(project: Path, runs: int, profile: bool) -> tuple[dict[str, Any], Any, list[str]]:
    from dossier.render import render
    from dossier.resolve import load

    found = settings(project)
    page_size = found.page_size
    loads, renders, totals = [], [], []
    dossier, pages = None, {}
    for _ in range(runs):
        started = time.perf_counter()
        dossier = load(found.data_dir, lang=found.lang, base=project, workers=os.cpu_count() or 1)
        loaded = time.perf_counter()
        pages = render(dossier, lang=found.lang, templates_dir=found.templates_dir, page_size=page_size)
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
    stem = src_uri.removesuffix(".md")
    if not directory_urls:
        return f"{stem}.html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/"


def rss_mb(pid: int) -> float | None:
    """The resident memory of a process now, in MB (Linux), or None."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) / 1024 if found else None


def preview(project: Path, dossier: Any, edits: int) -> dict[str, Any]:
    """Start `mkdocs serve`, then time ``edits`` edits of an event title until the page shows the new title; the
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
            mkdocs("serve", "--dev-addr", f"127.0.0.1:{port}"),
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
                token = f"Ritocco{number}q{os.getpid()}"
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
                    memory.append(rss_mb(server.pid))
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
    baselines = [
        run_with_memory(mkdocs("build", "--strict", "-f", plain.name), project, what="mkdocs build (baseline)")
        for _ in range(args.runs)
    ]
    result["baseline_s"] = median([b.seconds for b in baselines])
    result["baseline_peak_mb"] = peak(baselines)
    result["baseline_site_bytes"] = site_figures(project / "site-baseline")["site_bytes"]
    say(f"baseline: render {result['render_cli_s']:.2f} s, build {result['baseline_s']:.2f} s")

    result["ratio_build_baseline"] = result["build_s"] / result["baseline_s"]
    result["ratio_generation_build"] = result["generation_s"] / result["build_s"]

    if args.no_serve:
        result.update(
            serve_startup_s=None, preview_s=None, preview_samples_s=[], serve_rss_mb=None, serve_growth_mb=None
        )
    else:
        result.update(preview(project, dossier, args.edits))
        samples = ", ".join(f"{s:.2f}" for s in result["preview_samples_s"])
        say(f"preview: {result['preview_s']:.2f} s (samples {samples})")
    result.pop("profile", None)
    result["load_average_after"] = _load_average()
    return result


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
    }


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
    ("baseline: `mkdocs build` of X, no plugin", "baseline_s", _s),
    ("peak memory, baseline build", "baseline_peak_mb", _megabytes),
    ("**plugin build / baseline**", "ratio_build_baseline", _x),
    ("**generation / plugin build**", "ratio_generation_build", _x),
    ("site size", "site_bytes", _mb),
    ("HTML pages", "html_pages", _n),
    ("median page", "page_median_bytes", _kb),
    ("largest page", "page_max_bytes", _kb),
    ("search/search_index.json", "search_index_bytes", _mb),
    ("`mkdocs serve` start (first page served)", "serve_startup_s", _s),
    ("preview latency (edit → page served)", "preview_s", _s),
    ("serve memory after the last edit", "serve_rss_mb", _megabytes),
    ("serve memory growth, first to last edit", "serve_growth_mb", _megabytes),
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
        f"Peak memory: {info['peak_memory_by']}. Load average at start: {info['load_average']}.\n",
        flush=True,
    )
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dossier-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for size in sizes:
            if (workdir / size).exists():
                shutil.rmtree(workdir / size)
            results.append(bench_size(size, workdir, args))
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table(results))
    if args.json:
        document = {"machine": info, "runs": args.runs, "edits": args.edits, "seed": args.seed, "results": results}
        args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
