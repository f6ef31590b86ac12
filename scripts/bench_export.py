"""Measure the exports against the site build of the same dossier: time per format and peak memory.

    python scripts/bench_export.py                       # M (18,500 records), 2 interleaved runs
    python scripts/bench_export.py --size S --runs 1     # a quick run
    python scripts/bench_export.py --project DIR         # an existing project (mkdocs.yml, data/)
    python scripts/bench_export.py --before REV          # and what publishing them adds to `mkdocs build`

The synthetic project is committed to a fresh git repository (two commits, the second touching a tenth of the
records), so the feed's one ``git log`` pass is measured too. Each run, in a fresh process:

- ``load``: ``dossier.load`` of the data (what any build pays first), its peak memory alone;
- ``export``: the neutral form, the history pass and every format, written to a folder; its peak memory;
- ``build``: ``mkdocs build`` of the project (the plugin generating the site), wall time.

Export and build runs alternate, so a machine busy for a while slows both alike. With ``--before REV``, each run
also builds the project with the ``dossier`` package of commit ``REV`` (``git archive``, put first on PYTHONPATH),
alternating with the build of the current code: what the site pays for publishing the exports (the files under
``dati/``, the Dati page, the JSON-LD of every page), in time and peak memory. Prints a Markdown table and, with
``--json``, writes every figure. Run it with the virtualenv's Python.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SYNTH = Path(__file__).resolve().parent / "synth.py"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

# Runs in a fresh interpreter: load, then (unless --load-only) export; prints its figures as JSON.
CHILD = r"""
import json, resource, sys, time
from pathlib import Path
started = time.perf_counter()
import dossier
from dossier.export import adapter, export_files, history
project, out, load_only = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"
figures = {}
t = time.perf_counter()
core = dossier.load(project / "data", lang="it")
figures["load"] = time.perf_counter() - t
if not load_only:
    t = time.perf_counter()
    neutral = adapter.from_core(core, title="Dossier", base_url="https://example.org/", data_dir=project / "data")
    figures["adapter"] = time.perf_counter() - t
    t = time.perf_counter()
    found = history.file_history(project / "data")
    dates = history.record_dates(neutral, found)
    figures["history"] = time.perf_counter() - t
    figures["dated"] = len(dates)
    for fmt in ("json", "csv", "timeline", "ftm", "jsonld", "atom"):
        t = time.perf_counter()
        files = export_files(neutral, [fmt], dates=dates)
        figures[fmt] = time.perf_counter() - t
        figures[fmt + "_bytes"] = sum(len(v) for v in files.values())
        for name, data in files.items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(data)
        del files
    steps = ("adapter", "history", "json", "csv", "timeline", "ftm", "jsonld", "atom")
    figures["export"] = sum(figures[k] for k in steps)
figures["total"] = time.perf_counter() - started
figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(figures))
"""

FORMATS = ("json", "csv", "timeline", "ftm", "jsonld", "atom")


def _git(folder: Path, *args: str) -> None:
    env = {**ENV, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org"}
    env |= {"GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
    subprocess.run(["git", "-C", str(folder), *args], env=env, check=True, capture_output=True)


def prepare(size: str, seed: int, workdir: Path) -> Path:
    project = workdir / f"project-{size}"
    subprocess.run([sys.executable, str(SYNTH), "--size", size, "--seed", str(seed), "--out", str(project)], check=True)
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "dossier")
    events = sorted((project / "data" / "events").glob("*.yml"))
    for path in events[:: max(1, len(events) // 500)]:  # a later edit of some records
        path.write_text(path.read_text(encoding="utf-8") + "# riletto\n", encoding="utf-8")
    _git(project, "commit", "-qam", "edits")
    return project


def child(project: Path, out: Path, *, load_only: bool) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(project), str(out), "1" if load_only else "0"],
        env=ENV, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if run.returncode != 0:
        raise SystemExit(f"export run failed:\n{run.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return figures


# Runs a command and prints the peak memory and the CPU time of that command alone (a fresh child: RUSAGE_CHILDREN
# is its own). CPU time moves less than wall time when other work shares the machine.
WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "used = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "sys.stderr.write('\\nPEAK_KB=%d CPU_S=%.3f\\n' % (used.ru_maxrss, used.ru_utime + used.ru_stime))\n"
    "sys.exit(code)\n"
)


def build(project: Path, code: Path | None = None) -> tuple[float, float, float]:
    """``mkdocs build``: wall time, peak memory (MB) and CPU time; with the ``dossier`` package found in ``code``, if
    given."""
    shutil.rmtree(project / "site", ignore_errors=True)
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    env = {**ENV, "PYTHONPATH": str(code)} if code else ENV
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", WRAPPER, mkdocs, "build", "-q"], cwd=project, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"mkdocs build failed:\n{run.stderr[-2000:]}")
    peak_kb = int(run.stderr.rsplit("PEAK_KB=", 1)[1].split()[0])
    cpu = float(run.stderr.rsplit("CPU_S=", 1)[1].split()[0])
    return elapsed, peak_kb / 1024, cpu


def checkout(rev: str, workdir: Path) -> Path:
    """The ``dossier`` package as it was at commit ``rev``, in a folder of its own."""
    folder = workdir / "before"
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "dossier"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="M", help="synthetic size (S, 10K, M, L)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--project", type=Path, help="measure this project instead of a synthetic one")
    parser.add_argument("--no-build", action="store_true", help="measure the exports only")
    parser.add_argument("--before", metavar="REV", help="also build with the package of this commit, interleaved")
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        workdir = Path(tmp)
        project = args.project.resolve() if args.project else prepare(args.size, args.seed, workdir)
        before = checkout(args.before, workdir) if args.before and not args.no_build else None
        loads, exports, builds, build_peaks, befores, before_peaks = [], [], [], [], [], []
        build_cpus: list[float] = []
        before_cpus: list[float] = []
        for n in range(args.runs):
            out = workdir / f"out-{n}"
            out.mkdir()
            loads.append(child(project, out, load_only=True))
            exports.append(child(project, out, load_only=False))
            if before is not None:
                seconds, peak, cpu = build(project, before)
                befores.append(seconds)
                before_peaks.append(peak)
                before_cpus.append(cpu)
            if not args.no_build:
                seconds, peak, cpu = build(project)
                builds.append(seconds)
                build_peaks.append(peak)
                build_cpus.append(cpu)
            shutil.rmtree(out)
        load_average = os.getloadavg()

    def med(key: str, runs: list[dict[str, Any]] = exports) -> float:
        return statistics.median(r[key] for r in runs)

    figures: dict[str, Any] = {
        "size": "project" if args.project else args.size,
        "runs": args.runs,
        "load_s": med("load", loads),
        "load_peak_mb": max(r["peak_mb"] for r in loads),
        "export_s": med("export"),
        "export_peak_mb": max(r["peak_mb"] for r in exports),
        "dated_records": exports[0]["dated"],
        **{f"{k}_s": med(k) for k in ("adapter", "history", *FORMATS)},
        **{f"{k}_mb": exports[0][f"{k}_bytes"] / 1e6 for k in FORMATS},
        "build_s": statistics.median(builds) if builds else None,
        "build_runs_s": builds,
        "build_cpu_s": statistics.median(build_cpus) if build_cpus else None,
        "build_cpu_runs_s": build_cpus,
        "build_peak_mb": max(build_peaks) if build_peaks else None,
        "export_runs_s": [r["export"] for r in exports],
        "before": args.before if befores else None,
        "build_before_s": statistics.median(befores) if befores else None,
        "build_before_runs_s": befores,
        "build_before_cpu_s": statistics.median(before_cpus) if before_cpus else None,
        "build_before_cpu_runs_s": before_cpus,
        "build_before_peak_mb": max(before_peaks) if before_peaks else None,
        "loadavg": load_average,
    }
    print(
        f"load average {load_average[0]:.2f} {load_average[1]:.2f} {load_average[2]:.2f}; {args.runs} run(s), medians"
    )
    print("| step | seconds | output |")
    print("|---|---:|---:|")
    print(f"| load (dossier.load) | {figures['load_s']:.2f} | |")
    print(f"| neutral form (adapter) | {figures['adapter_s']:.2f} | |")
    print(f"| git history, one pass ({figures['dated_records']} records dated) | {figures['history_s']:.2f} | |")
    for fmt in FORMATS:
        print(f"| {fmt} | {figures[f'{fmt}_s']:.2f} | {figures[f'{fmt}_mb']:.1f} MB |")
    print(f"| **all exports (without load)** | **{figures['export_s']:.2f}** | |")
    if builds:
        share = figures["export_s"] / figures["build_s"]
        print(f"| mkdocs build (CPU time {figures['build_cpu_s']:.1f} s) | {figures['build_s']:.1f} | |")
        print(f"| **exports / build** | **{share:.1%}** | |")
    if befores:
        added = figures["build_s"] - figures["build_before_s"]
        added_cpu = figures["build_cpu_s"] - figures["build_before_cpu_s"]
        cpu_share = added_cpu / figures["build_before_cpu_s"]
        print(
            f"| mkdocs build with the package of {args.before} (CPU time {figures['build_before_cpu_s']:.1f} s) "
            f"| {figures['build_before_s']:.1f} | |"
        )
        print(
            f"| **added to the build by publishing** | **{added:.1f} ({added / figures['build_before_s']:.1%}); "
            f"CPU time {added_cpu:.1f} ({cpu_share:.1%})** | |"
        )
    print(
        f"peak memory: load alone {figures['load_peak_mb']:.0f} MB, load + exports {figures['export_peak_mb']:.0f} MB"
        + (f", mkdocs build {figures['build_peak_mb']:.0f} MB" if build_peaks else "")
        + (f" ({figures['build_before_peak_mb']:.0f} MB with {args.before})" if before_peaks else "")
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
