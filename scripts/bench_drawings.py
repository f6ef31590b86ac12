"""Measure what the drawings cost in a build: the same site built with them, without them, and with them passed
through Python-Markdown, in interleaved runs (each a fresh process), with the time spent in each step.

    python scripts/bench_drawings.py --size M --runs 2            # synth.py writes the M dossier to a temp folder
    python scripts/bench_drawings.py --project /tmp/dossier-m --runs 3 --json drawings.json

Variants, each ``mkdocs build`` of the same project in a new process, in the order given for every run:

- ``drawings``: the site as it is built;
- ``none``: the drawing functions of :mod:`dossier.drawings` return nothing (no figure is computed, converted,
  indexed or written);
- ``content``: figures are put back into the converted page (``on_page_content``), so the search plugin parses
  them too, instead of into the page the theme made (``on_post_page``);
- ``inline``: figures stay in the Markdown that Python-Markdown converts (the plugin does not set them aside).

Inside ``drawings`` it times the steps: the adapters and ``dossier.draw`` (timeline, neighbourhoods, network, the
ties they read), setting figures aside and putting them back. The cost of the drawings is the difference between
``drawings`` and ``none``; the machine is shared, so compare runs made side by side, and read the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = ("drawings", "none", "content", "inline")
STEPS = ("timeline", "neighbourhood", "network", "ties", "set_aside", "put_back")


def child(variant: str, project: Path) -> dict[str, Any]:
    """One build of ``project`` in this process, as ``variant``; what it took."""
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from dossier import drawings

    spent: dict[str, float] = defaultdict(float)

    def timed(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started

        return wrapper

    if variant == "none":
        for name in ("timeline", "neighbourhood", "network"):
            setattr(drawings, name, lambda *args, **kwargs: "")
    elif variant == "content":
        from mkdocs.plugins import CombinedEvent

        from dossier.plugin import DossierPlugin

        converted = DossierPlugin._on_page_content

        def early(self: Any, html: str, **kwargs: Any) -> str:
            kept = self.build.drawings.pop(kwargs["page"].file.src_uri, None)
            return converted(self, drawings.put_back(html, kept) if kept else html, **kwargs)

        # (the plugin's on_page_content is two handlers: its own, and the search's, after the other plugins')
        DossierPlugin.on_page_content = CombinedEvent(early, DossierPlugin._index_content)  # type: ignore[assignment]
    elif variant == "inline":
        drawings.set_aside = lambda markdown: (markdown, {})  # type: ignore[assignment]
    for name in STEPS:
        setattr(drawings, name, timed(name, getattr(drawings, name)))
    os.chdir(project)
    site = Path(tempfile.mkdtemp(prefix=f"site-{variant}-"))  # the project is left as it is
    started = time.perf_counter()
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    total = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures = 0
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        figures += sum(len(f.encode("utf-8")) for f in drawings.FIGURE.findall(html))
    shutil.rmtree(site)
    steps = {f"{name}_s": seconds for name, seconds in spent.items()}
    cpu = usage.ru_utime + usage.ru_stime  # the process's own CPU time: less sensitive than wall time to a busy machine
    return {"variant": variant, "build_s": total, "cpu_s": cpu, "figures_mb": figures / 1e6, **steps}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="M", help="synth.py size, when no --project is given")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--project", type=Path, help="an existing project (its mkdocs.yml) instead of synth.py's")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated, of {', '.join(VARIANTS)}")
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.project.resolve())))
        return 0
    variants = [v for v in args.variants.split(",") if v]
    with tempfile.TemporaryDirectory(prefix="bench-drawings-") as temporary:
        project = args.project
        if project is None:
            project = Path(temporary) / args.size
            made = [sys.executable, str(ROOT / "scripts" / "synth.py"), "--size", args.size, "--seed", str(args.seed)]
            subprocess.run([*made, "--out", str(project)], check=True)
        project = project.resolve()
        runs: list[dict[str, Any]] = []
        for number in range(1, args.runs + 1):
            for variant in variants:
                command = [sys.executable, __file__, "--child", variant, "--project", str(project)]
                result = subprocess.run(command, capture_output=True, text=True, check=False)
                if result.returncode != 0:
                    print(result.stderr, file=sys.stderr)
                    return 1
                figures = json.loads(result.stdout.strip().splitlines()[-1])
                figures["run"] = number
                figures["load"] = os.getloadavg()[0]
                runs.append(figures)
                took = f"{figures['build_s']:.1f} s (load {figures['load']:.1f})"
                print(f"run {number} {variant}: {took}", file=sys.stderr)
    print(f"| variant | builds, wall (s) | CPU (s) | median CPU (s) | {' | '.join(STEPS)} (median, s) | figures (MB) |")
    print("|---|---|---|---|" + "---|" * len(STEPS) + "---|")
    for variant in variants:
        mine = [r for r in runs if r["variant"] == variant]
        builds = [r["build_s"] for r in mine]
        cpu = [r["cpu_s"] for r in mine]
        steps = [statistics.median(r.get(f"{s}_s", 0.0) for r in mine) for s in STEPS]
        print(
            f"| {variant} | {', '.join(f'{b:.1f}' for b in builds)} | {', '.join(f'{c:.1f}' for c in cpu)} | "
            f"{statistics.median(cpu):.1f} | "
            + " | ".join(f"{s:.2f}" for s in steps)
            + f" | {mine[0]['figures_mb']:.1f} |"
        )
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
