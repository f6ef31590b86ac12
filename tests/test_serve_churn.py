"""`mkdocs serve` under churn: a burst of edits to several data files is one rebuild; no page is served half-written.

MkDocs notices changes with a polling observer (a snapshot of the watched folders every 0.5 s) and starts a build
once no change has come for 0.1 s. A burst shorter than that is therefore one rebuild, provided no snapshot is taken
in the middle of it: the test first learns when the watcher polls (from the moment it reports an edit) and places
the burst between two polls. A second burst with 100 ms gaps is measured and reported, not judged. Meanwhile a
thread keeps requesting the timeline: every page served must be complete.
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from servekit import Serve, fetch
from sitekit import copy_project

PAGE = "timeline/"
BUILDING = "Building documentation..."
DETECTED = "Detected file changes"
POLL_INTERVAL = 0.5  # mkdocs.livereload.LiveReloadServer: PollingObserver(timeout=0.5)
BUILD_DELAY = 0.1  # LiveReloadServer.build_delay: quiet time before a rebuild starts
BURST_OFFSET = 0.2  # where the fast burst starts, in seconds after a poll of the watcher
FAST_GAP = 0.004
SLOW_GAP = 0.1
EDITED = 5
TIMEOUT = 30


class Server(Serve):
    def wait_for(self, what: str, condition: Any, timeout: float = TIMEOUT, every: float = 0.05) -> None:
        super().wait_for(what, condition, timeout, every)

    def page_has(self, *texts: str) -> bool:
        answer = fetch(self.url + PAGE, timeout=5)
        return answer is not None and answer[0] == 200 and all(text in answer[1] for text in texts)


class Poller(threading.Thread):
    """Requests the timeline again and again; every 200 answer must be a whole page."""

    def __init__(self, url: str) -> None:
        super().__init__(name="timeline-poller", daemon=True)
        self.url = url
        self.stopping = threading.Event()
        self.complete = 0
        self.broken: list[str] = []  # what was wrong with each incomplete answer

    def run(self) -> None:
        while not self.stopping.is_set():
            answer = fetch(self.url)
            if answer is not None and answer[0] == 200:
                body = answer[1]
                if "</html>" in body:
                    self.complete += 1
                else:
                    self.broken.append(f"{len(body)} characters ending {body[-80:]!r}")
            self.stopping.wait(0.01)


def set_title(path: Path, title: str) -> None:
    """Replace the record's top-level title, atomically: a temporary file beside it, then os.replace."""
    text = re.sub(r"^title: .*$", f"title: {title}", path.read_text(encoding="utf-8"), count=1, flags=re.M)
    temporary = path.with_name(f".{path.name}.tmp")  # hidden: ignored by the loader, should a build see it
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def burst(files: list[Path], label: str, gap: float) -> tuple[list[str], float]:
    """Retitle every file, ``gap`` seconds apart; the new titles and how long the burst took."""
    titles = [f"Raffica {label} evento {index}" for index in range(len(files))]
    started = time.monotonic()
    for index, (path, title) in enumerate(zip(files, titles, strict=True)):
        if index:
            time.sleep(gap)
        set_title(path, title)
    return titles, time.monotonic() - started


def settle(server: Server, titles: list[str]) -> None:
    """Wait until the served page shows every title, then long enough for any late rebuild to have started."""
    server.wait_for(f"{PAGE} to show {titles}", lambda: server.page_has(*titles))
    time.sleep(2 * POLL_INTERVAL + BUILD_DELAY)
    server.wait_for(f"{PAGE} to show {titles}", lambda: server.page_has(*titles))  # and any rebuild done


def test_a_burst_of_edits_is_one_rebuild_and_no_page_is_half_written(
    tmp_path: Path, record_property: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "p")
    events = sorted((project / "data" / "events").glob("*.yml"))[: EDITED + 1]
    assert len(events) == EDITED + 1
    sync_file, edited = events[0], events[1:]
    server = Server(project)
    poller = Poller(server.url + PAGE)
    try:
        server.wait_for("the first build to be served", lambda: server.page_has("</html>"), timeout=60)
        assert server.count(BUILDING, 0) == 1
        poller.start()

        # 1. When does the watcher poll? One edit, and the moment its change is reported.
        mark = server.mark
        set_title(sync_file, "Sincronizzazione con il watcher")
        server.wait_for("the edit to be detected", lambda: server.count(DETECTED, mark) > 0, timeout=5)
        detected = next(at for at, line in server.lines(mark) if DETECTED in line)
        server.wait_for("the rebuild", lambda: server.page_has("Sincronizzazione con il watcher"))

        # 2. Five files within a few milliseconds, between two polls: one rebuild.
        now = time.monotonic()
        polls = int((now - detected) / POLL_INTERVAL) + 1
        time.sleep(max(0.0, detected + polls * POLL_INTERVAL + BURST_OFFSET - now))
        mark = server.mark
        titles, fast_duration = burst(edited, "veloce", FAST_GAP)
        assert fast_duration < BUILD_DELAY, f"the burst took {fast_duration:.3f} s"
        settle(server, titles)
        fast_rebuilds = server.count(BUILDING, mark)

        # 3. The same five files 100 ms apart: measured and reported.
        mark = server.mark
        titles, slow_duration = burst(edited, "lenta", SLOW_GAP)
        settle(server, titles)
        slow_rebuilds = server.count(BUILDING, mark)
    finally:
        poller.stopping.set()
        poller.join(timeout=TIMEOUT + 5)
        server.stop()

    with capsys.disabled():
        print(
            f"\nmkdocs serve churn: {EDITED} files in {fast_duration * 1000:.0f} ms -> {fast_rebuilds} rebuild(s); "
            f"{EDITED} files {SLOW_GAP * 1000:.0f} ms apart ({slow_duration * 1000:.0f} ms) -> {slow_rebuilds} "
            f"rebuild(s); {poller.complete} complete pages served while editing, {len(poller.broken)} incomplete"
        )
    record_property("fast_burst_rebuilds", fast_rebuilds)
    record_property("slow_burst_rebuilds", slow_rebuilds)
    record_property("pages_served", poller.complete)
    output = server.output
    assert "Traceback" not in output and "ERROR" not in output, output
    assert fast_rebuilds == 1, output
    assert slow_rebuilds >= 1
    assert poller.broken == []
    assert poller.complete > 0
