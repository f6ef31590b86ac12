"""`dossier serve` (what `make serve` runs): `mkdocs serve` with the preview's pages in memory where there is room,
and nothing of them left there afterwards, however the preview ends."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import subprocess
import sys
import time
from collections import namedtuple
from pathlib import Path

import pytest
from servekit import Serve
from sitekit import copy_project

from dossier import cli

MEMORY = cli.MEMORY
in_memory = pytest.mark.skipif(
    not (MEMORY.is_dir() and os.access(MEMORY, os.W_OK)), reason=f"{MEMORY} is Linux's: the preview stays on disk"
)
STARTUP_TIMEOUT = 60
Usage = namedtuple("Usage", "f_bavail f_frsize")


def data_folder(tmp_path: Path, size: int) -> Path:
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    (data / "sources" / "testo.txt").write_bytes(b"x" * size)
    return data


def test_the_preview_goes_to_memory_when_it_has_room_for_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMPDIR", raising=False)
    memory = tmp_path / "shm"
    memory.mkdir()
    data = data_folder(tmp_path, 10_000_000)  # the preview: about 30 times that, and a margin
    asked = cli.PREVIEW_WEIGHT * 10_000_000 + cli.PREVIEW_MARGIN
    roomy, tight = asked // 4096 + 1, asked // 4096 - 1
    room = f"{asked / 1e6:,.0f} MB asked for: 30 times the data folder, and 134 MB"
    monkeypatch.setattr(cli.os, "statvfs", lambda _: Usage(roomy, 4096))
    assert cli.preview_folder(data, memory) == (memory, f"{roomy * 4096 / 1e6:,.0f} MB free, {room}")
    monkeypatch.setattr(cli.os, "statvfs", lambda _: Usage(tight, 4096))
    assert cli.preview_folder(data, memory) == (
        None, f"{memory} has {tight * 4096 / 1e6:,.0f} MB free, less than the {room}"
    )  # fmt: skip


def test_the_preview_stays_where_tmpdir_says_or_where_there_is_no_memory_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = data_folder(tmp_path, 10)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    assert cli.preview_folder(data, tmp_path) == (None, f"TMPDIR is set to {tmp_path}")
    monkeypatch.delenv("TMPDIR")
    assert cli.preview_folder(data, tmp_path / "none") == (None, f"{tmp_path / 'none'} is not available here")


def test_the_config_file_is_found_among_mkdocs_options() -> None:
    assert cli._config_file_in(("--dev-addr", "127.0.0.1:9", "-f", "a.yml")) == Path("a.yml")
    assert cli._config_file_in(("--config-file", "b.yml")) == Path("b.yml")
    assert cli._config_file_in(("--config-file=c.yml",)) == Path("c.yml")
    assert cli._config_file_in(("-fd.yml",)) == Path("d.yml")
    assert cli._config_file_in(("--dirty", "-a", "127.0.0.1:9")) is None
    assert cli._config_file_in(("-sf", "e.yml")) == Path("e.yml")  # short options combined, as MkDocs reads them
    assert cli._config_file_in(("-ocff.yml",)) == Path("f.yml")
    assert cli._config_file_in(("-a", "-f")) is None  # the address "-f"
    assert cli._config_file_in(("--no-such-option", "-f", "g.yml")) is None  # mkdocs serve says what is wrong


def test_a_folder_is_removed_only_when_no_preview_holds_its_lock(tmp_path: Path) -> None:
    """A folder left by a `dossier serve` killed outright goes at the next start; one whose preview still runs
    (it holds the folder's lock, in this container or another sharing the memory folder) stays."""
    held, left = tmp_path / f"{cli.PREVIEW_PREFIX}1-a", tmp_path / f"{cli.PREVIEW_PREFIX}2-b"
    (held / "mkdocs_x").mkdir(parents=True)
    (left / "mkdocs_y").mkdir(parents=True)
    other = tmp_path / "other"
    other.mkdir()
    with (held / cli.LOCK).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        # Another process tries, as another `dossier serve` would (this one's own lock would not stop itself).
        subprocess.run(
            [sys.executable, "-c", "import sys; from pathlib import Path; from dossier import cli; "
             "cli._forget_previews(Path(sys.argv[1]))", str(tmp_path)],
            check=True,
        )  # fmt: skip
        assert held.is_dir() and not left.exists() and other.is_dir()


@pytest.mark.skipif(os.name != "posix", reason="signals and process groups are POSIX's")
def test_mkdocs_serves_exit_status_is_passed_on_as_a_shell_reports_it() -> None:
    assert cli._serve([sys.executable, "-c", "raise SystemExit(3)"], dict(os.environ)) == 3
    killed = "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"
    assert cli._serve([sys.executable, "-c", killed], dict(os.environ)) == 128 + signal.SIGTERM


def previews() -> set[Path]:
    return set(MEMORY.glob(f"{cli.PREVIEW_PREFIX}*"))


def mkdocs_serve_of(pid: int) -> int | None:
    """The pid of the `mkdocs serve` that `dossier serve` ``pid`` started, if running (Linux)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="utf-8").split()
    except OSError:
        return None
    return int(children[0]) if children else None


@in_memory
@pytest.mark.parametrize("ending", ["SIGINT", "SIGTERM", "SIGHUP", "SIGKILL"])
def test_dossier_serve_previews_from_memory_and_leaves_nothing_running_or_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ending: str
) -> None:
    """Ctrl-C as a user would (SIGINT), or killed (SIGTERM) or its terminal closed (SIGHUP): the folder goes, and
    mkdocs serve with it. Killed outright (SIGKILL), `dossier serve` cannot remove anything, but mkdocs serve ends too
    (Linux ends it with its parent) and the next `dossier serve` removes the folder."""
    monkeypatch.delenv("TMPDIR", raising=False)
    before = previews()
    root = copy_project(tmp_path)
    server = Serve(root, command="dossier")
    try:
        server.wait_for("the home page", lambda: server.get("") is not None, STARTUP_TIMEOUT)
        ours = previews() - before
        assert len(ours) == 1, server.output
        (folder,) = ours
        assert f"kept in memory, in {folder}" in server.output
        assert folder.name.startswith(f"{cli.PREVIEW_PREFIX}{server.process.pid}-")
        pages = list(folder.glob("mkdocs_*/index.html"))
        assert len(pages) == 1
        title = re.search(r"<title>.*?</title>", pages[0].read_text(encoding="utf-8"))
        assert title is not None and title.group() in (server.get("") or "")
        child = mkdocs_serve_of(server.process.pid)
        assert child is not None
        server.process.send_signal(getattr(signal, ending))
        server.process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)  # (reaped by init once orphaned)
        assert not Path(f"/proc/{child}").exists(), "mkdocs serve outlived dossier serve"
        assert server.get("") is None
        if ending == "SIGKILL":
            assert folder.exists()
            cli._forget_previews(MEMORY)
        assert not folder.exists(), server.output
        assert "Traceback" not in server.output, server.output
    finally:
        server.stop()


def test_dossier_serve_says_where_the_preview_goes_when_not_in_memory(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    server = Serve(root, command="dossier", TMPDIR=str(tmp_path))
    try:
        server.wait_for("the home page", lambda: server.get("") is not None, STARTUP_TIMEOUT)
        assert f"the preview's pages are written to {tmp_path} (TMPDIR is set to {tmp_path})" in server.output
        assert list(tmp_path.glob("mkdocs_*/index.html"))
    finally:
        server.stop()
    deadline = time.monotonic() + 10
    while list(tmp_path.glob("mkdocs_*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not list(tmp_path.glob("mkdocs_*")), "mkdocs serve removes its folder on Ctrl-C"


def test_dossier_serve_runs_from_any_folder_of_the_project(tmp_path: Path) -> None:
    """As every `dossier` command, it finds the nearest mkdocs.yml above (mkdocs serve alone looks only here)."""
    root = copy_project(tmp_path / "project")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    server = Serve(root / "data", command="dossier", TMPDIR=str(scratch))
    try:
        server.wait_for("the home page", lambda: server.get("") is not None, STARTUP_TIMEOUT)
        assert "timeline" in (server.get("timeline/") or "")
    finally:
        server.stop()
