"""`dossier render --out` killed at random points leaves the complete old tree or the complete new one."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

from sitekit import BIN, ENV, copy_project, run, tree_hash


def test_render_out_killed_at_random_points_is_old_or_new(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    event = project / "data/events/incontro-putin-kim-diaoyutai.yml"
    original = event.read_text(encoding="utf-8")
    assert run(["dossier", "render", "--out", "out"], project).returncode == 0
    old = tree_hash(project / "out")
    event.write_text(original.replace("title: ", "title: Nuovo titolo - ", 1), encoding="utf-8")
    # The new tree, rendered elsewhere once, to compare against.
    assert run(["dossier", "render", "--out", "expected"], project).returncode == 0
    new = tree_hash(project / "expected")
    assert old != new

    rng = random.Random(20250903)
    outcomes = {"old": 0, "new": 0}
    for _ in range(12):
        process = subprocess.Popen(
            [str(BIN / "dossier"), "render", "--out", "out"],
            cwd=project,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, 0.9))
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = tree_hash(project / "out")
        assert state in (old, new)
        outcomes["old" if state == old else "new"] += 1
        if state == new:  # go back to the old tree for the next round
            event.write_text(original, encoding="utf-8")
            assert run(["dossier", "render", "--out", "out"], project).returncode == 0
            event.write_text(original.replace("title: ", "title: Nuovo titolo - ", 1), encoding="utf-8")
    # A run after the kills finishes the job and leaves no staging folder behind.
    assert run(["dossier", "render", "--out", "out"], project).returncode == 0
    assert tree_hash(project / "out") == new
    assert sorted(p.name for p in project.iterdir()) == ["data", "docs", "expected", "mkdocs.yml", "out"]
    assert sum(outcomes.values()) == 12
