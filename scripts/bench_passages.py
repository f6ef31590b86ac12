"""What a passage not found costs: the closest stretch and its word diff (dossier.nearest), against the closest
sentence that `dossier check` named before (StoredText.closest), measured interleaved on the bundled article and on
a large text made of its words shuffled.

    .venv/bin/python scripts/bench_passages.py [--mb 5] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import tracemalloc
from pathlib import Path

from dossier import nearest
from dossier.text import StoredText

ARTICLE = Path(__file__).resolve().parent.parent / "data" / "sources" / "articolo-pechino-2025-09.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="size of the large text (the stored text limit is 5)")
    parser.add_argument("--runs", type=int, default=3, help="runs per passage on the large text (median shown)")
    parser.add_argument("--skip-before", action="store_true", help="do not time the former closest sentence")
    args = parser.parse_args()

    article = ARTICLE.read_text(encoding="utf-8")
    words = article.split()
    rng = random.Random(1)
    large = " ".join(rng.choice(words) for _ in range(int(args.mb * 1e6 / 6.2)))
    passages = {
        "5 words": "ha detto Putin a Xi.",
        "60 words": " ".join(words[100:160]) + " extra",
        "400 words": " ".join(words[50:450]),
    }
    print("| text | passage | closest sentence (before) | closest stretch + word diff (now) |")
    print("|---|---|---:|---:|")
    for name, body, runs in (("article", article, 20), (f"{len(large) / 1e6:.1f} MB", large, args.runs)):
        text = StoredText.of(body)
        started = time.perf_counter()
        nearest._index(text.normal)
        print(f"| {name} | (index, once per text) | | {1000 * (time.perf_counter() - started):.0f} ms |")
        for label, passage in passages.items():
            before: list[float] = []
            now: list[float] = []
            for _ in range(runs):
                if not args.skip_before:
                    started = time.perf_counter()
                    text.closest(passage)
                    before.append(time.perf_counter() - started)
                started = time.perf_counter()
                nearest.nearest(text, passage)
                now.append(time.perf_counter() - started)
            shown = f"{1000 * statistics.median(before):.1f} ms" if before else "-"
            print(f"| {name} | {label} | {shown} | {1000 * statistics.median(now):.1f} ms |")
    nearest._index.cache_clear()
    text = StoredText.of(large)
    tracemalloc.start()
    nearest._index(text.normal)
    held, peak = tracemalloc.get_traced_memory()
    print(f"\nindex of the {len(large) / 1e6:.1f} MB text: {held / 1e6:.0f} MB held, {peak / 1e6:.0f} MB at peak")


if __name__ == "__main__":
    main()
