"""`mkdocs serve` follows edits under data/: a change shows up, bad data is reported and survived, a fix recovers.

The server runs on a copy of the project (a free port on 127.0.0.1); its output is read by a thread into a buffer,
the pages are polled with urllib.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).parent / "mkdocs"
# Hand-written pages of the nav; while they are being written they may be missing: the copy gets a stub.
HAND_WRITTEN = ("index.md", "metodo.md", "contribuire.md", "tags.md")
STUB = "# {title}\n\nPagina provvisoria dei test.\n\n<!-- dossier:overview -->\n"

EVENT = "incontro-putin-kim-diaoyutai"
NEW_TITLE = "Putin e Kim alla Diaoyutai, titolo cambiato durante mkdocs serve"
QUOTE = "putin-coraggio-eroismo"
BROKEN_TEXT = "Testo della versione non valida della citazione"
FIXED_TEXT = "Testo della versione corretta della citazione"
STARTUP_TIMEOUT = 60
REBUILD_TIMEOUT = 30


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def copy_project(root: Path) -> Path:
    """mkdocs.yml, docs/ and data/ of the project in ``root``, with stubs for missing hand-written pages."""
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "data", root / "data")
    if (ROOT / "docs").is_dir():
        shutil.copytree(ROOT / "docs", root / "docs")
    (root / "docs").mkdir(exist_ok=True)
    for name in HAND_WRITTEN:
        page = root / "docs" / name
        if not page.exists():
            page.write_text(STUB.format(title=Path(name).stem.capitalize()), encoding="utf-8")
    return root


class Server:
    """A running `mkdocs serve`, its output collected line by line."""

    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            [str(MKDOCS), "serve", "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=root,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        self._reader = threading.Thread(target=self._read, name="mkdocs-serve-output", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._lock:
                self._lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        with self._lock:
            return "\n".join(self._lines)

    def get(self, path: str) -> str | None:
        """The page's text, or None if the server does not answer (yet) or not with 200."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                if response.status != 200:
                    return None
                text: str = response.read().decode("utf-8")
                return text
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def wait_for(self, what: str, condition: Callable[[], bool], timeout: float) -> None:
        """Poll ``condition`` until it holds; fail with the server's output when it does not, or the server died."""
        deadline = time.monotonic() + timeout
        while True:
            if condition():
                return
            if self.process.poll() is not None:
                pytest.fail(f"mkdocs serve exited ({self.process.returncode}) waiting for {what}:\n{self.output}")
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout} s waiting for {what}; mkdocs serve said:\n{self.output}")
            time.sleep(0.2)

    def stop(self) -> None:
        """Ctrl-C, as a user would (mkdocs then removes its temporary site); killed if it does not stop."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, Server]]:
    root = copy_project(tmp_path)
    server = Server(root)
    try:
        server.wait_for(f"{server.url} to answer", lambda: server.get("") is not None, STARTUP_TIMEOUT)
        yield root, server
    finally:
        server.stop()


def event_heading(html: str | None, event_id: str) -> str | None:
    """The text of the timeline heading of ``event_id`` (without its permalink), or None."""
    match = re.search(rf'<h4\b[^>]*\bid="{re.escape(event_id)}"[^>]*>(.*?)(?:<a class="headerlink"|</h4>)', html or "")
    return match.group(1).strip() if match else None


def edit_yaml(path: Path, **values: str) -> dict[str, tuple[int, int]]:
    """Set top-level ``key: value`` lines of ``data/<kind>/<file>``; the 1-based line and column of each value."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    where = {}
    for index, line in enumerate(lines):
        key = line.partition(":")[0]
        if key in values and not line[0].isspace():
            lines[index] = f"{key}: {values[key]}\n"
            where[key] = (index + 1, len(key) + 3)
    assert where.keys() == values.keys(), f"{path} lacks top-level {sorted(values.keys() - where.keys())}"
    # Written beside the project, then moved in: the watcher never sees a half-written file.
    temporary = path.parents[2] / f".{path.name}.tmp"
    temporary.write_text("".join(lines), encoding="utf-8")
    os.replace(temporary, path)
    return where


def test_serve_follows_data_edits_and_survives_bad_data(served: tuple[Path, Server]) -> None:
    root, server = served
    data = root / "data"

    # 1. An edit to an event shows up on the served timeline.
    old_title = event_heading(server.get("timeline/"), EVENT)
    assert old_title, f"the event {EVENT} is not on the served timeline"
    assert old_title != NEW_TITLE
    edit_yaml(data / "events" / f"{EVENT}.yml", title=NEW_TITLE)
    server.wait_for(
        "the new event title on the timeline",
        lambda: event_heading(server.get("timeline/"), EVENT) == NEW_TITLE,
        REBUILD_TIMEOUT,
    )

    # 2. Bad data (a quote whose speaker does not exist): reported in the dossier's format, and the server lives on.
    quote = data / "quotes" / f"{QUOTE}.yml"
    good_speaker = re.search(r"^speaker: (\S+)$", quote.read_text(encoding="utf-8"), re.M)
    assert good_speaker, quote
    where = edit_yaml(quote, speaker=f"{good_speaker[1]}-nessuno", text=BROKEN_TEXT)
    line, column = where["speaker"]
    expected = (
        f"data/quotes/{QUOTE}.yml:{line}:{column}: quote '{QUOTE}': speaker: unknown actor "
        f"'{good_speaker[1]}-nessuno' (did you mean '{good_speaker[1]}'?)"
    )
    server.wait_for("the dossier error line", lambda: expected in server.output, REBUILD_TIMEOUT)
    # That problem only, on a line of its own in `path:line:col: kind 'id': field: message` form.
    reported = [x for x in server.output.splitlines() if re.search(r"\S+\.yml:\d+:\d+: \w+ '[^']*': ", x)]
    assert reported, server.output
    assert all(x.endswith(expected) for x in reported), reported
    server.wait_for(
        "mkdocs to give up the rebuild", lambda: "An error happened during the rebuild" in server.output, 10
    )
    time.sleep(0.5)
    assert server.process.poll() is None, f"mkdocs serve died on bad data:\n{server.output}"
    # (Until a build succeeds again, mkdocs holds page requests back: the pages are not polled here.)

    # 3. The fix is picked up.
    edit_yaml(quote, speaker=good_speaker[1], text=FIXED_TEXT)
    server.wait_for(
        "the fixed quote on the quotes page", lambda: FIXED_TEXT in (server.get("quotes/") or ""), REBUILD_TIMEOUT
    )
    assert server.process.poll() is None
    fixed = server.get("quotes/") or ""
    assert f'id="{QUOTE}"' in fixed
    assert event_heading(server.get("timeline/"), EVENT) == NEW_TITLE
