"""`mkdocs serve` follows edits under data/: a change shows up, bad data is reported and survived, a fix recovers.

The server runs on a copy of the project (a free port on 127.0.0.1); its output is read by a thread into a buffer,
the pages are polled with urllib.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from servekit import Serve, fetch
from sitekit import copy_project

EVENT = "incontro-putin-kim-diaoyutai"
NEW_TITLE = "Putin e Kim alla Diaoyutai, titolo cambiato durante mkdocs serve"
QUOTE = "putin-coraggio-eroismo"
BROKEN_TEXT = "Testo della versione non valida della citazione"
FIXED_TEXT = "Testo della versione corretta della citazione"
STARTUP_TIMEOUT = 60
REBUILD_TIMEOUT = 30


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, Serve]]:
    root = copy_project(tmp_path)
    server = Serve(root)
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


def test_serve_follows_data_edits_and_survives_bad_data(served: tuple[Path, Serve]) -> None:
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
    # The pages show it, at once: the lists in the navigation answer with the problem, and so does every other page
    # of the dossier (404, with the problems and a script that reloads it once they are fixed).
    shown = f"speaker: unknown actor &#39;{good_speaker[1]}-nessuno&#39;"
    server.wait_for("the problem on the quotes page", lambda: shown in (server.get("quotes/") or ""), 10)
    assert "An error happened during the rebuild" not in server.output
    for path, status in (("quotes/", 200), ("actors/vladimir-putin/", 404), ("", 200)):
        started = time.monotonic()
        answer = fetch(server.url + path, timeout=5)
        assert answer is not None and time.monotonic() - started < 1, path
        assert answer[0] == status and shown in answer[1], path
    assert f"<pre><code>speaker: {good_speaker[1]}-nessuno\n" + " " * (column - 1) + "^</code></pre>" in answer[1]
    assert server.process.poll() is None, f"mkdocs serve died on bad data:\n{server.output}"

    # 3. The fix is picked up.
    edit_yaml(quote, speaker=good_speaker[1], text=FIXED_TEXT)
    server.wait_for(
        "the fixed quote on the quotes page", lambda: FIXED_TEXT in (server.get("quotes/") or ""), REBUILD_TIMEOUT
    )
    assert server.process.poll() is None
    fixed = server.get("quotes/") or ""
    assert f'id="{QUOTE}"' in fixed
    assert event_heading(server.get("timeline/"), EVENT) == NEW_TITLE


def test_serve_rebuilds_once_per_edit_and_never_for_reading(served: tuple[Path, Serve]) -> None:
    """The data folder is watched through file notifications: opening or reading a file (as every rebuild does)
    must not count as a change, or the server would rebuild forever."""
    root, server = served
    mark = server.mark
    for path in sorted((root / "data").rglob("*")):
        if path.is_file():
            path.read_bytes()
    time.sleep(1.5)
    assert server.count("Detected file changes", mark) == 0, server.output
    edit_yaml(root / "data" / "events" / f"{EVENT}.yml", title=NEW_TITLE)
    server.wait_for(
        "the new event title", lambda: event_heading(server.get("timeline/"), EVENT) == NEW_TITLE, REBUILD_TIMEOUT
    )
    time.sleep(1.5)  # a rebuild that set off another would show here
    assert server.count("Detected file changes", mark) == 1, server.output
    assert server.count("Documentation built", mark) == 1, server.output


def test_a_renamed_record_leaves_no_page_behind(served: tuple[Path, Serve]) -> None:
    """The preview forgets what the last build did not make: renaming a record's file moves its page."""
    root, server = served
    actors = root / "data" / "actors"
    (actors / ".nuovo.tmp").write_text("name: Un attore nuovo\nkind: person\n", encoding="utf-8")
    os.replace(actors / ".nuovo.tmp", actors / "attore-nuovo.yml")
    server.wait_for("the new actor's page", lambda: server.get("actors/attore-nuovo/") is not None, REBUILD_TIMEOUT)
    os.replace(actors / "attore-nuovo.yml", actors / "attore-rinominato.yml")
    server.wait_for(
        "the renamed actor's page", lambda: server.get("actors/attore-rinominato/") is not None, REBUILD_TIMEOUT
    )
    gone = fetch(server.url + "actors/attore-nuovo/", timeout=5)
    assert gone is not None and gone[0] == 404
    assert "Un attore nuovo" in (server.get("actors/") or "")
